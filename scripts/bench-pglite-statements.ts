/**
 * `npx tsx scripts/bench-pglite-statements.ts [-- --n 2000 --users 300 --history 3000]`: what one
 * Telegram update's statements cost on the embedded database, in process. PGlite is opened as the
 * service opens it (openDatabase on a data directory, migrations applied), `--users` people and
 * `--history` finished inbox rows are seeded, then `--n` updates run one after another through the
 * real stores, in the order the webhook and the inbox worker run them: the held insert
 * (InboxStore.acceptHeld), UserStore.enter, InboxStore.saveReplies with the dialogue state, the sent
 * mark of the first of two messages (InboxStore.markSent) and the done mark (markDone).
 *
 * Per statement it prints CPU (process.cpuUsage, user + system) and wall time per call, and the
 * part of it spent inside PGlite's WebAssembly (execProtocolRawSync, timed around every call): the
 * rest is JavaScript on our side and PGlite's (building the SQL, serializing, parsing the answer).
 * PGlite runs on this thread, so CPU here is CPU the event loop spends on the database; on a
 * shared machine CPU time is the figure to compare, wall time is noisy.
 *
 * `--set name=value` (repeatable) sets a Postgres setting for the session first, to compare one.
 * Two floors are timed too: `select 1` and a one-row update of a one-row table (what any
 * statement and any write cost on PGlite, whatever it does).
 * `--cpu-prof FILE` writes a V8 CPU profile of the measured updates only (not the start or seeding).
 * `--explain` also prints EXPLAIN (ANALYZE, BUFFERS) of each statement shape once, after the run.
 */
import fs, { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Session } from 'node:inspector/promises';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { sql } from 'drizzle-orm';
import { renderTelegram } from '../bots/telegram/telegram-html.js';
import { openDatabase } from '../src/db/database.js';
import { InboxStore, type InboxRow } from '../src/services/inbox-store.js';
import { UserStore, type ConversationState } from '../src/services/user-store.js';
import { textUpdate } from '../tests/support/fake-telegram-updates.js';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    users: { type: 'string', default: '300' },
    history: { type: 'string', default: '3000' },
    warmup: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '3' },
    explain: { type: 'boolean', default: false },
    'cpu-prof': { type: 'string' },
    set: { type: 'string', multiple: true, default: [] },
  },
});
const N = Number(opt.n);
const USERS = Number(opt.users);
const HISTORY = Number(opt.history);
const WARMUP = Number(opt.warmup);
const ROUNDS = Number(opt.rounds);

/** CPU time inside PGlite's WebAssembly (ms), summed over every protocol call (execProtocolRawSync), and the file writes it makes. */
let wasmMs = 0;
let wasmCalls = 0;
let writes = 0;
let written = 0;
const proto = PGlite.prototype as unknown as { execProtocolRawSync(m: Uint8Array): Uint8Array };
const ownSync = proto.execProtocolRawSync;
proto.execProtocolRawSync = function (this: unknown, m: Uint8Array) {
  const c = process.cpuUsage();
  try {
    return ownSync.call(this, m);
  } finally {
    const d = process.cpuUsage(c);
    wasmMs += (d.user + d.system) / 1000;
    wasmCalls++;
  }
};
const ownWrite = fs.writeSync;
(fs as { writeSync: unknown }).writeSync = (...args: Parameters<typeof fs.writeSync>) => {
  const n = (ownWrite as (...a: unknown[]) => number)(...args);
  writes++;
  written += n;
  return n;
};

/** The PGlite the service opens (captured from PGlite.create), and the last statement each stage sent. */
let client: PGlite | undefined;
const ownCreate = PGlite.create.bind(PGlite);
(PGlite as unknown as { create: unknown }).create = async (...args: unknown[]) => (client = await (ownCreate as (...a: unknown[]) => Promise<PGlite>)(...args));
const lastStatement = new Map<string, { text: string; params: unknown[] }>();
let stage = '';

interface Stat {
  calls: number;
  cpuUs: number;
  wallMs: number;
  wasmMs: number;
  wasmCalls: number;
  writes: number;
  written: number;
}
let stats = new Map<string, Stat>();
let measuring = false;

async function timed<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const w0 = wasmMs;
  const k0 = wasmCalls;
  const f0 = writes;
  const b0 = written;
  stage = name;
  const out = await fn();
  if (measuring) {
    const c = process.cpuUsage(c0);
    const s = stats.get(name) ?? { calls: 0, cpuUs: 0, wallMs: 0, wasmMs: 0, wasmCalls: 0, writes: 0, written: 0 };
    s.writes += writes - f0;
    s.written += written - b0;
    s.calls++;
    s.cpuUs += c.user + c.system;
    s.wallMs += performance.now() - t0;
    s.wasmMs += wasmMs - w0;
    s.wasmCalls += wasmCalls - k0;
    stats.set(name, s);
  }
  return out;
}

/** A search answer much like the service's: five results with buttons, then a row of paging buttons. */
function searchReplies(i: number) {
  const items = Array.from({ length: 5 }, (_, k) => ({
    title: `一种基于深度学习的锂电池健康状态估计方法及系统 ${i}-${k}`,
    lines: ['申请人：华中科技大学 · 2023 · 发明专利 · 有效', '摘要：本发明公开了一种基于深度学习的锂电池健康状态估计方法，通过采集电压、电流与温度数据，构建特征并训练网络模型，提高了估计精度……', '可转让 · 可许可'],
    buttons: [{ label: '详情', action: { kind: 'detail', id: `CN11${i}${k}A` } }, { label: '我感兴趣', action: { kind: 'interest', id: `CN11${i}${k}A` } }],
  }));
  return renderTelegram([
    { text: `为您找到 37 项与“锂电池 健康状态”相关的专利（第 1 页）：`, items: items as never },
    { text: '还可以：', buttons: [[{ label: '下一页', action: { kind: 'page', page: 2 } as never }, { label: '发布需求', action: { kind: 'demand' } as never }]] },
  ]);
}

function stateFor(i: number): ConversationState {
  return {
    lastSearch: { text: '锂电池 健康状态', page: 1, at: new Date(1_767_000_000_000 + i).toISOString() },
    lastResults: { from: 1, hits: Array.from({ length: 5 }, (_, k) => ({ id: `CN11${i}${k}A`, title: `一种基于深度学习的锂电池健康状态估计方法及系统 ${k}` })) },
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-pglite-bench-'));
  const database = await openDatabase({ pgliteDir: path.join(dir, 'pg') });
  try {
    await database.migrate();
    const pg = client!;
    const cached = pg.query.bind(pg);
    pg.query = (async (text: string, params?: unknown[], options?: never) => {
      if (stage) lastStatement.set(stage, { text, params: params ?? [] });
      return cached(text, params, options);
    }) as typeof pg.query;
    const users = new UserStore(database.db, database.rows);
    const inbox = new InboxStore(database);

    // Seed: people with a dialogue state each, and finished inbox rows (a service that has run a while).
    for (let u = 0; u < USERS; u++) {
      const { user } = await users.enter('telegram', String(100_000 + u), 'zh');
      await users.setState(user.id, stateFor(u));
    }
    for (let h = 0; h < HISTORY; h += 500) {
      const n = Math.min(500, HISTORY - h);
      await database.rows(sql`
        insert into inbound_updates (platform, update_id, chat_id, payload, status, attempts, sent)
        select 'telegram', (1000000 + ${h} + g)::text, (100000 + g % ${USERS})::text, '{}'::jsonb, 'done', 1, 2 from generate_series(1, ${n}) g`);
    }

    for (const kv of opt.set) {
      const [name, value] = kv.split('=');
      await database.rows(sql`select set_config(${name}, ${value}, false)`);
    }
    await database.rows(sql`create table if not exists bench_floor (id int primary key, n int not null)`);
    await database.rows(sql`insert into bench_floor values (1, 0) on conflict do nothing`);

    let updateId = 5_000_000;
    const one = async (i: number) => {
      const u = i % USERS;
      const payload = { ...textUpdate({ text: '锂电池 健康状态估计', userId: 100_000 + u, chatId: 100_000 + u }), update_id: ++updateId };
      const { row } = await timed('insert held (acceptHeld)', () => inbox.acceptHeld('telegram', String(updateId), String(100_000 + u), payload, true));
      const held = row ?? ({ platform: 'telegram', updateId: String(updateId), chatId: String(100_000 + u), payload, status: 'pending', attempts: 1, replies: null, sent: 0 } as InboxRow);
      const { user } = await timed('enter (user, state, notices)', () => users.enter('telegram', String(100_000 + u), 'zh'));
      const outs = searchReplies(i);
      await timed('saveReplies (+ state)', () => inbox.saveReplies(held, outs, { userId: user.id, state: stateFor(i) }));
      await timed('markSent', () => inbox.markSent({ ...held, sent: 0 }, 1));
      await timed('markDone (batch of 1)', () => inbox.markDone(held));
      await timed('floor: select 1', () => database.rows(sql`select 1`));
      await timed('floor: one-row update', () => database.rows(sql`update bench_floor set n = n + 1 where id = 1`));
    };
    for (let i = 0; i < WARMUP; i++) await one(i);
    const session = opt['cpu-prof'] ? new Session() : undefined;
    if (session) {
      session.connect();
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    // Rounds of N updates; each figure is the least of the rounds (other work on a shared machine
    // only ever adds to CPU time: caches, frequency, the kernel's own work).
    const rounds: { stats: Map<string, Stat>; cpuMs: number; wallMs: number }[] = [];
    let next = WARMUP;
    for (let r = 0; r < ROUNDS; r++) {
      stats = new Map();
      measuring = true;
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      for (let i = 0; i < N; i++) await one(next++);
      const c = process.cpuUsage(c0);
      rounds.push({ stats, cpuMs: (c.user + c.system) / 1000, wallMs: performance.now() - t0 });
      measuring = false;
    }
    stage = '';
    if (session) {
      const { profile } = await session.post('Profiler.stop');
      writeFileSync(opt['cpu-prof']!, JSON.stringify(profile));
      session.disconnect();
    }

    const pad = (s: string, n: number) => s.padEnd(n);
    const num = (x: number, d = 3) => x.toFixed(d).padStart(8);
    const least = (f: (r: (typeof rounds)[number]) => number) => Math.min(...rounds.map(f));
    console.log(`PGlite (data directory, migrations applied), ${USERS} users, ${HISTORY} finished inbox rows at the start; ${ROUNDS} rounds of ${N} updates after ${WARMUP} warm-up; each figure the least of the rounds`);
    console.log("per call: CPU time (process.cpuUsage, user + system), the part of it inside PGlite's WebAssembly, the rest (JavaScript: SQL building, protocol, parsing), wall time, file writes and kB written, protocol calls");
    console.log(`${pad('statement', 32)}   cpu ms  wasm ms    js ms  wall ms   writes       kB    calls`);
    let sumCpu = 0;
    for (const name of rounds[0]!.stats.keys()) {
      const per = (f: (s: Stat) => number) => least((r) => f(r.stats.get(name)!) / r.stats.get(name)!.calls);
      const cpu = per((s) => s.cpuUs / 1000);
      const w = per((s) => s.wasmMs);
      if (!name.startsWith('floor')) sumCpu += cpu;
      console.log(`${pad(name, 32)} ${num(cpu)} ${num(w)} ${num(cpu - w)} ${num(per((s) => s.wallMs))} ${num(per((s) => s.writes), 2)} ${num(per((s) => s.written / 1024), 1)} ${num(per((s) => s.wasmCalls), 2)}`);
    }
    console.log(`per update: the five statements ${sumCpu.toFixed(3)} ms CPU; the whole loop (floors and timing included) ${(least((r) => r.cpuMs) / N).toFixed(3)} ms CPU, ${(least((r) => r.wallMs) / N).toFixed(3)} ms wall`);
    console.log(`rounds (cpu ms per update, whole loop): ${rounds.map((r) => (r.cpuMs / N).toFixed(3)).join(' ')}`);

    if (opt.explain) {
      // The last call of each stage again under EXPLAIN ANALYZE (a custom plan for these values;
      // the saved statement may run a generic plan, see the plan cache mode).
      for (const [name, { text, params }] of lastStatement) {
        const res = await pg.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers) ${text}`, params);
        console.log(`\n${name}:\n${res.rows.map((r) => r['QUERY PLAN']).join('\n')}`);
      }
    }
  } finally {
    await database.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
