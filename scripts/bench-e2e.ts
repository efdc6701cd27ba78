/**
 * `npm run bench:e2e [-- --n 2000 --concurrency 50 --db pglite|postgres]`: end-to-end load on the
 * real server. `node bin/patent-bridge.mjs serve` runs as a child in webhook mode against a loopback
 * Bot API (tests/support/fake-telegram.ts) in this process; `--n` Telegram updates (a mix of ~60%
 * searches, ~25% policy questions, ~15% small talk, scripts/bench-e2e-mix.ts) are POSTed to
 * /telegram/webhook by `--concurrency` simulated people, each waiting for its answer before sending
 * the next. Every update comes from its own chat. Latency is from sending the POST to the fake
 * receiving the first sendMessage for that chat; throughput is answered updates per second.
 *
 * The same load then goes to the framework floor (scripts/bench-e2e-floor.mjs: a telegraf bot that
 * only echoes, also a child, against a second fake), and the ratio of the two throughputs is printed.
 *
 * Telegram's own limits (30 messages/s overall, 1/s per chat) are lifted for the run
 * (TELEGRAM_MAX_PER_SECOND=1000, the configuration's maximum, and TELEGRAM_CHAT_INTERVAL_MS=0): the
 * bench measures our pipeline, not Telegram's limits. With --db postgres a fresh database is created
 * on the server named by DATABASE_URL (else TEST_DATABASE_URL), the demo patents are imported into
 * it, and it is dropped afterwards. The CPU line under the table says how busy the machine was
 * with other work: figures from a busy machine are not comparable. Exits 1 when a target is missed.
 *
 * Other options:
 *   --rate R          open loop instead: R updates per second however many are unanswered (e.g. 30,
 *                     Telegram's overall limit for one bot)
 *   --warmup 50       updates sent first, not measured
 *   --timeout 15000   ms to wait for one answer before counting it missing
 *   --only ours|floor one of the two runs
 *   --trace           preloads scripts/bench-e2e-trace.mjs into the server and prints where an
 *                     update's time goes, stage by stage, and the costliest statements (the tracing
 *                     itself slows the server a little)
 *   --cpu-prof DIR    V8 CPU profile of the server child, written when it exits
 *   --env KEY=VALUE   repeatable: extra environment for the server child (NODE_OPTIONS, a setting to compare)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { PACKAGE_ROOT } from '../src/util/paths.js';
import { startFakeTelegram, textUpdate, type FakeCall, type FakeTelegram } from '../tests/support/fake-telegram.js';
import { mix } from './bench-e2e-mix.js';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '50' },
    rate: { type: 'string' },
    db: { type: 'string', default: 'pglite' },
    warmup: { type: 'string', default: '50' },
    timeout: { type: 'string', default: '15000' },
    only: { type: 'string' },
    'cpu-prof': { type: 'string' },
    trace: { type: 'boolean', default: false },
    env: { type: 'string', multiple: true, default: [] },
  },
});
const N = Number(opt.n);
const CONCURRENCY = Number(opt.concurrency);
const WARMUP = Number(opt.warmup);
/** Open loop: updates per second instead of a fixed number of people waiting for answers. */
const RATE = opt.rate === undefined ? undefined : Number(opt.rate);
const TIMEOUT_MS = Number(opt.timeout);
const DB = opt.db as 'pglite' | 'postgres';
if (!(N > 0) || !(CONCURRENCY > 0) || !(WARMUP >= 0) || !(TIMEOUT_MS > 0) || (DB !== 'pglite' && DB !== 'postgres') || (RATE !== undefined && !(RATE > 0)) || (opt.only !== undefined && opt.only !== 'ours' && opt.only !== 'floor')) {
  console.error('usage: bench:e2e [--n 2000] [--concurrency 50 | --rate R] [--db pglite|postgres] [--warmup 50] [--timeout ms] [--only ours|floor] [--trace] [--cpu-prof DIR] [--env K=V]');
  process.exit(2);
}
const TARGET_P95_MS = 100;
const TARGET_RATIO = 0.5;
const SECRET = 'bench_e2e_secret';
const WEBHOOK = '/telegram/webhook';
const BIN = path.join(PACKAGE_ROOT, 'bin', 'patent-bridge.mjs');
const FLOOR = path.join(PACKAGE_ROOT, 'scripts', 'bench-e2e-floor.mjs');
const TRACE = path.join(PACKAGE_ROOT, 'scripts', 'bench-e2e-trace.mjs');
/** Wall-clock milliseconds comparable across processes on this machine. */
const wall = (perfNow: number) => performance.timeOrigin + perfNow;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ------------------------------------------------------------------------------------------------
// Children
// ------------------------------------------------------------------------------------------------

interface Child {
  proc: ChildProcess;
  out: string;
  exited: Promise<void>;
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

/** Spawns in its own process group (the server's Meilisearch goes with it) and waits for `ready` in its output. */
async function startChild(args: string[], env: Record<string, string>, ready: RegExp, what: string, ms = 90_000): Promise<Child> {
  const proc = spawn(process.execPath, args, {
    cwd: PACKAGE_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), ...env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: Child = { proc, out: '', exited: new Promise<void>((r) => proc.once('exit', () => r())) };
  const keep = (b: Buffer) => (child.out = (child.out + b.toString()).slice(-20_000));
  proc.stdout!.on('data', keep);
  proc.stderr!.on('data', keep);
  let exited = false;
  void child.exited.then(() => (exited = true));
  const end = Date.now() + ms;
  while (!ready.test(child.out)) {
    if (exited || Date.now() > end) {
      await stopChild(child, 0);
      throw new Error(`${what} ${exited ? `exited (code ${proc.exitCode})` : 'was not ready in time'}; its output:\n${child.out}`);
    }
    await sleep(50);
  }
  return child;
}

/** SIGTERM (a clean drain, so --cpu-prof is written), then SIGKILL to the whole group. */
async function stopChild(child: Child, graceMs = 20_000): Promise<void> {
  if (child.proc.exitCode === null && child.proc.signalCode === null) {
    child.proc.kill('SIGTERM');
    await Promise.race([child.exited, sleep(graceMs)]);
  }
  try {
    process.kill(-child.proc.pid!, 'SIGKILL');
  } catch {
    // the group is gone already
  }
}

// ------------------------------------------------------------------------------------------------
// CPU accounting (Linux /proc; zeros elsewhere)
// ------------------------------------------------------------------------------------------------

/** CPU seconds used so far by the processes of a process group (the server and its Meilisearch), Meilisearch apart. */
function groupCpuSeconds(pgid: number): { all: number; meili: number } {
  let ticks = 0;
  let meili = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (Number(f[2]) !== pgid) continue;
        const t = Number(f[11]) + Number(f[12]);
        ticks += t;
        if (stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')).startsWith('meili')) meili += t;
      } catch {
        // gone meanwhile
      }
    }
  } catch {
    return { all: 0, meili: 0 };
  }
  return { all: ticks / 100, meili: meili / 100 };
}

/** Busy and total CPU seconds of the whole machine. */
function machineCpuSeconds(): { busy: number; total: number } {
  try {
    const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    const total = f.reduce((a, b) => a + b, 0);
    return { busy: (total - f[3]! - (f[4] ?? 0)) / 100, total: total / 100 };
  } catch {
    return { busy: 0, total: 0 };
  }
}

interface CpuShare {
  server: number;
  meili: number;
  bench: number;
  machine: number;
}

function cpuMeter(pgid: number): () => CpuShare {
  const t0 = performance.now();
  const server0 = groupCpuSeconds(pgid);
  const bench0 = process.cpuUsage();
  const machine0 = machineCpuSeconds();
  return () => {
    const secs = (performance.now() - t0) / 1000;
    const bench = process.cpuUsage(bench0);
    const machine = machineCpuSeconds();
    const server = groupCpuSeconds(pgid);
    return {
      server: (server.all - server0.all) / secs,
      meili: (server.meili - server0.meili) / secs,
      bench: (bench.user + bench.system) / 1e6 / secs,
      machine: machine.total > machine0.total ? ((machine.busy - machine0.busy) / (machine.total - machine0.total)) * os.cpus().length : 0,
    };
  };
}

// ------------------------------------------------------------------------------------------------
// Load
// ------------------------------------------------------------------------------------------------

/**
 * Resolves the first sendMessage per chat at the moment the fake reads the request. The fake has no
 * arrival hook, but it appends each call to `calls` as soon as the request is parsed (before
 * answering), so that array's push is wrapped. Whether the call then failed is checked afterwards.
 */
function watchReplies(fake: FakeTelegram): Map<string, (at: number) => void> {
  const pending = new Map<string, (at: number) => void>();
  const calls = fake.calls;
  calls.push = (...items: FakeCall[]) => {
    const now = performance.now();
    const n = Array.prototype.push.apply(calls, items);
    for (const c of items) {
      if (c.method !== 'sendMessage') continue;
      const chat = String(c.params.chat_id);
      const done = pending.get(chat);
      if (done) {
        pending.delete(chat);
        done(now);
      }
    }
    return n;
  };
  return pending;
}

interface RunResult {
  run: string;
  n: number;
  concurrency: number;
  ms: number;
  answered: number;
  lat: number[];
  ack: number[];
  httpErrors: number;
  missing: number;
  byKind: Map<string, number[]>;
  /** update id → wall-clock ms of the POST, its answer and the first sendMessage. */
  times: Map<string, { post: number; ack: number; reply?: number }>;
  cpu?: CpuShare;
}

/**
 * Closed loop (default): `concurrency` people, each sending the next update once the previous one
 * is answered. Open loop (`rate`): one update every 1000/rate ms whatever happens to the earlier ones.
 */
async function load(run: string, port: number, pending: Map<string, (at: number) => void>, msgs: { kind: string; text: string }[], chatBase: number, concurrency: number, rate?: number): Promise<RunResult> {
  const res: RunResult = { run, n: msgs.length, concurrency, ms: 0, answered: 0, lat: [], ack: [], httpErrors: 0, missing: 0, byKind: new Map(), times: new Map() };
  const one = async (i: number): Promise<void> => {
    const { kind, text } = msgs[i]!;
    const chatId = chatBase + i;
    const key = String(chatId);
    const body = JSON.stringify(textUpdate({ text, chatId, userId: chatId, updateId: chatBase + i, languageCode: /[\u4e00-\u9fff]/.test(text) ? 'zh-hans' : 'en' }));
    let timer: NodeJS.Timeout | undefined;
    const replied = new Promise<number | undefined>((resolve) => {
      pending.set(key, resolve);
      timer = setTimeout(() => {
        pending.delete(key);
        resolve(undefined);
      }, TIMEOUT_MS);
    });
    const sentAt = performance.now();
    const status = await fetch(`http://127.0.0.1:${port}${WEBHOOK}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body,
    })
      .then(async (r) => {
        await r.arrayBuffer();
        return r.status;
      })
      .catch(() => 0);
    res.ack.push(performance.now() - sentAt);
    const times: { post: number; ack: number; reply?: number } = { post: wall(sentAt), ack: wall(performance.now()) };
    res.times.set(key, times);
    if (status !== 200) {
      res.httpErrors++;
      pending.delete(key);
      clearTimeout(timer);
      return;
    }
    const at = await replied;
    clearTimeout(timer);
    if (at === undefined) {
      res.missing++;
      return;
    }
    res.answered++;
    times.reply = wall(at);
    res.lat.push(at - sentAt);
    const k = res.byKind.get(kind) ?? [];
    k.push(at - sentAt);
    res.byKind.set(kind, k);
  };
  const t0 = performance.now();
  if (rate) {
    const all: Promise<void>[] = [];
    for (let i = 0; i < msgs.length; i++) {
      const wait = t0 + (i * 1000) / rate - performance.now();
      if (wait > 0) await sleep(wait);
      all.push(one(i));
    }
    await Promise.all(all);
  } else {
    let next = 0;
    await Promise.all(
      Array.from({ length: Math.min(concurrency, msgs.length) }, async () => {
        while (next < msgs.length) await one(next++);
      }),
    );
  }
  res.ms = performance.now() - t0;
  return res;
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN);
const throughput = (r: RunResult) => r.answered / (r.ms / 1000);

// ------------------------------------------------------------------------------------------------
// The two systems
// ------------------------------------------------------------------------------------------------

interface System {
  port: number;
  fake: FakeTelegram;
  pending: Map<string, (at: number) => void>;
  child: Child;
  cleanup: () => Promise<void>;
  traceFile?: string;
}

async function startOurs(): Promise<System> {
  const fake = await startFakeTelegram();
  const pending = watchReplies(fake);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pb-bench-e2e-'));
  const port = await freePort();
  let dropDb: (() => Promise<void>) | undefined;
  const env: Record<string, string> = {
    DATA_DIR: dataDir,
    CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'),
    TELEGRAM_BOT_TOKEN: fake.token,
    TELEGRAM_API_ROOT: fake.url,
    PUBLIC_URL: 'https://bench.example.org',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_MAX_PER_SECOND: '1000',
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    HOST: '127.0.0.1',
    PORT: String(port),
    LOG_LEVEL: 'warn',
    ...Object.fromEntries(opt.env.filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  };
  if (DB === 'postgres') {
    const admin = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
    if (!admin) throw new Error('--db postgres needs DATABASE_URL or TEST_DATABASE_URL (a server where a database can be created)');
    const name = `pb_bench_${Date.now().toString(36)}`;
    const sql = postgres(admin, { max: 1, onnotice: () => {} });
    await sql.unsafe(`create database ${name}`);
    dropDb = async () => {
      await sql.unsafe(`drop database if exists ${name} with (force)`);
      await sql.end();
    };
    const u = new URL(admin);
    u.pathname = `/${name}`;
    env.DATABASE_URL = u.toString();
    // With a Postgres server the demo patents are not loaded by serve: import them first (same DATA_DIR, same Meilisearch data).
    const imp = await startChild([BIN, 'import', path.join(PACKAGE_ROOT, 'content', 'demo-patents.jsonl')], env, /imported .*rejected in/, 'patent-bridge import');
    await imp.exited;
  }
  const execArgv = opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opt['cpu-prof'])}`] : [];
  const traceFile = opt.trace ? path.join(dataDir, 'trace.json') : undefined;
  if (traceFile) {
    execArgv.push('--import', TRACE);
    env.BENCH_TRACE_FILE = traceFile;
  }
  let child: Child;
  try {
    child = await startChild([...execArgv, BIN, 'serve'], env, /web chat at/, 'patent-bridge serve');
  } catch (err) {
    await dropDb?.();
    await fake.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    port,
    fake,
    pending,
    child,
    ...(traceFile ? { traceFile } : {}),
    cleanup: async () => {
      await stopChild(child);
      await fake.close();
      await dropDb?.();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function startFloor(): Promise<System> {
  const fake = await startFakeTelegram();
  const pending = watchReplies(fake);
  const child = await startChild([FLOOR], { FLOOR_TOKEN: fake.token, FLOOR_API_ROOT: fake.url, FLOOR_SECRET: SECRET, FLOOR_PATH: WEBHOOK }, /listening \d+/, 'telegraf echo floor');
  const port = Number(/listening (\d+)/.exec(child.out)![1]);
  return {
    port,
    fake,
    pending,
    child,
    cleanup: async () => {
      await stopChild(child);
      await fake.close();
    },
  };
}

async function bench(run: string, start: () => Promise<System>): Promise<RunResult> {
  const t = performance.now();
  const sys = await start();
  process.stderr.write(`${run}: started in ${((performance.now() - t) / 1000).toFixed(1)} s; warming up with ${WARMUP} updates\n`);
  try {
    await load(`${run} warm-up`, sys.port, sys.pending, mix(WARMUP, 7), 900_000, CONCURRENCY);
    process.stderr.write(`${run}: ${N} updates ${RATE ? `at ${RATE}/s` : `at concurrency ${CONCURRENCY}`}\n`);
    if (sys.traceFile) sys.child.proc.kill('SIGUSR2');
    const meter = cpuMeter(sys.child.proc.pid!);
    const r = await load(run, sys.port, sys.pending, mix(N), 1_000_000, CONCURRENCY, RATE);
    r.cpu = meter();
    if (sys.traceFile) {
      sys.child.proc.kill('SIGUSR2');
      for (let i = 0; i < 100 && !existsSync(sys.traceFile); i++) await sleep(100);
      await sleep(200);
      traceReport = explainTrace(JSON.parse(readFileSync(sys.traceFile, 'utf8')) as Trace, r);
    }
    // Anything the fake refused (bad HTML, validation) also counts: the person got nothing usable.
    const refused = sys.fake.callsTo('sendMessage').filter((c) => c.failed && Number(c.params.chat_id) >= 1_000_000).length;
    if (refused) process.stderr.write(`${run}: the fake refused ${refused} sendMessage call(s)\n`);
    if (r.httpErrors || r.missing) process.stderr.write(`${run}: last output of the child:\n${sys.child.out.slice(-3000)}\n`);
    return r;
  } finally {
    await sys.cleanup();
  }
}

// ------------------------------------------------------------------------------------------------
// --trace: where an update's time goes
// ------------------------------------------------------------------------------------------------

interface Trace {
  ms: number;
  pgliteBusyMs: number;
  loopDelay: { p50: number; p99: number; max: number; mean: number };
  statements: { sql: string; n: number; wall: number; wait: number; exec: number }[];
  events: [string, string, number][];
}
let traceReport: string | undefined;

function explainTrace(t: Trace, r: RunResult): string {
  const at = new Map<string, Record<string, number>>();
  for (const [id, stage, ms] of t.events) {
    const e = at.get(id) ?? {};
    // A row claimed twice (a retry) keeps its first claim; the other stages keep their first too.
    e[stage] ??= ms;
    at.set(id, e);
  }
  const stages: [string, string, string][] = [
    ['webhook POST → inbox insert starts (HTTP, routing, JSON)', 'post', 'accept'],
    ['inbox insert (statement, incl. waiting for a connection)', 'accept', 'accepted'],
    ['inbox insert → worker claims the row', 'accepted', 'claim'],
    ['claimed → handling starts (worker slot)', 'claim', 'pipeline-start'],
    ['pipeline: handling → replies saved', 'pipeline-start', 'replies-saved'],
    ['replies saved → sendMessage at the fake (send clock, HTTP)', 'replies-saved', 'reply'],
    ['webhook POST → 200 answer', 'post', 'ack'],
    ['webhook POST → sendMessage (total)', 'post', 'reply'],
  ];
  const lines = [`\n--trace (ours): where an update's time goes, ${r.times.size} measured updates (ms)`];
  const w = Math.max(...stages.map((s) => s[0].length));
  lines.push(`${'stage'.padEnd(w)}  ${'p50'.padStart(7)}  ${'p95'.padStart(7)}  ${'mean'.padStart(7)}`);
  for (const [label, from, to] of stages) {
    const xs: number[] = [];
    for (const [id, bench] of r.times) {
      const e = { ...at.get(id), post: bench.post, ack: bench.ack, ...(bench.reply ? { reply: bench.reply } : {}) } as Record<string, number>;
      if (e[from] !== undefined && e[to] !== undefined) xs.push(e[to]! - e[from]!);
    }
    xs.sort((a, b) => a - b);
    const mean = xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    lines.push(`${label.padEnd(w)}  ${pct(xs, 50).toFixed(1).padStart(7)}  ${pct(xs, 95).toFixed(1).padStart(7)}  ${mean.toFixed(1).padStart(7)}`);
  }
  const stmts = t.statements.reduce((a, s) => a + s.n, 0);
  const perUpdate = (x: number) => (x / Math.max(1, r.answered)).toFixed(1);
  lines.push(
    `${stmts} statements = ${perUpdate(stmts)} per update, ${perUpdate(t.statements.reduce((a, s) => a + s.wall, 0))} ms of statement wall time per update` +
      (DB === 'pglite' ? `; PGlite executing: ${((100 * t.pgliteBusyMs) / t.ms).toFixed(0)}% of the run, ${perUpdate(t.pgliteBusyMs)} ms per update` : '') +
      `; event-loop delay p50 ${t.loopDelay.p50.toFixed(1)} ms, p99 ${t.loopDelay.p99.toFixed(1)} ms, max ${t.loopDelay.max.toFixed(0)} ms`,
  );
  if (DB === 'pglite') {
    lines.push('costliest statements (n, executing ms in all, executing ms each, waiting for PGlite ms each):');
    for (const s of [...t.statements].sort((a, b) => b.exec - a.exec).slice(0, 14)) {
      lines.push(`  ${String(s.n).padStart(6)}  ${s.exec.toFixed(0).padStart(6)}  ${(s.exec / s.n).toFixed(2).padStart(6)}  ${(s.wait / s.n).toFixed(1).padStart(6)}  ${s.sql}`);
    }
  } else {
    lines.push('costliest statements (n, wall ms in all, wall ms each — pool wait, round trip and server time together):');
    for (const s of [...t.statements].sort((a, b) => b.wall - a.wall).slice(0, 14)) {
      lines.push(`  ${String(s.n).padStart(6)}  ${s.wall.toFixed(0).padStart(6)}  ${(s.wall / s.n).toFixed(2).padStart(6)}  ${s.sql}`);
    }
  }
  return lines.join('\n');
}

// ------------------------------------------------------------------------------------------------
// Main
// ------------------------------------------------------------------------------------------------

const results: RunResult[] = [];
const runs: [string, () => Promise<System>][] = [];
if (opt.only !== 'floor') runs.push([`ours (${DB})`, startOurs]);
if (opt.only !== 'ours') runs.push(['floor (telegraf echo)', startFloor]);
for (const [name, start] of runs) results.push(await bench(name, start));

const rows = [
  ['run', 'N', RATE ? 'rate/s' : 'conc', 'duration s', 'updates/s', 'p50 ms', 'p95 ms', 'p99 ms', 'max ms', 'errors (http/missing)'],
  ...results.map((r) => {
    const s = [...r.lat].sort((a, b) => a - b);
    return [r.run, String(r.n), String(RATE ?? r.concurrency), (r.ms / 1000).toFixed(2), throughput(r).toFixed(1), pct(s, 50).toFixed(1), pct(s, 95).toFixed(1), pct(s, 99).toFixed(1), (s.at(-1) ?? NaN).toFixed(1), `${r.httpErrors + r.missing} (${r.httpErrors}/${r.missing})`];
  }),
];
const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
console.log(
  `\nbench:e2e — webhook POST → first sendMessage at a loopback Bot API, one chat per update, ` +
    (RATE ? `${RATE} updates/s whatever the answers (open loop);` : `${CONCURRENCY} people each waiting for an answer before the next;`),
);
console.log(`Telegram's limits lifted for the run (TELEGRAM_MAX_PER_SECOND=1000, TELEGRAM_CHAT_INTERVAL_MS=0): this measures our pipeline, not Telegram's. ${os.cpus().length} CPUs, Node ${process.version}.\n`);
for (const [i, row] of rows.entries()) {
  console.log(row.map((c, j) => (j === 0 ? c.padEnd(widths[j]!) : c.padStart(widths[j]!))).join('  '));
  if (i === 0) console.log(widths.map((w) => '-'.repeat(w)).join('  '));
}
for (const r of results) {
  const ack = [...r.ack].sort((a, b) => a - b);
  const kinds = [...r.byKind].map(([k, xs]) => {
    const s = xs.sort((a, b) => a - b);
    return `${k} p50 ${pct(s, 50).toFixed(0)} / p95 ${pct(s, 95).toFixed(0)} ms`;
  });
  console.log(`  ${r.run}: webhook answer p50 ${pct(ack, 50).toFixed(1)} ms, p95 ${pct(ack, 95).toFixed(1)} ms; ${kinds.join('; ')}`);
  if (r.cpu)
    console.log(
      `  ${' '.repeat(r.run.length)}  CPU cores busy: server ${r.cpu.server.toFixed(2)} (${r.cpu.meili ? `node ${(r.cpu.server - r.cpu.meili).toFixed(2)} + Meilisearch ${r.cpu.meili.toFixed(2)}` : 'node'}), bench ${r.cpu.bench.toFixed(2)} (load + fake Bot API), machine ${r.cpu.machine.toFixed(2)} of ${os.cpus().length}` +
        ` → server CPU per update ${((r.cpu.server * r.ms) / Math.max(1, r.answered)).toFixed(1)} ms${r.cpu.meili ? ` (node ${(((r.cpu.server - r.cpu.meili) * r.ms) / Math.max(1, r.answered)).toFixed(1)} ms)` : ''}`,
    );
  // The Postgres server (--db postgres) counts as "other" here too.
  const other = r.cpu ? r.cpu.machine - r.cpu.server - r.cpu.bench : 0;
  if (other > 0.3) console.log(`  ${' '.repeat(r.run.length)}  note: other processes${DB === 'postgres' && r.run.startsWith('ours') ? ' (Postgres included)' : ''} kept ${other.toFixed(2)} cores busy during this run`);
}
const ours = results.find((r) => r.run.startsWith('ours'));
const floor = results.find((r) => r.run.startsWith('floor'));
let ok = true;
if (ours) {
  const p95 = pct([...ours.lat].sort((a, b) => a - b), 95);
  const pass = p95 <= TARGET_P95_MS && ours.httpErrors + ours.missing === 0;
  ok &&= pass;
  console.log(`\ntarget p95 ≤ ${TARGET_P95_MS} ms (no errors): ${pass ? 'met' : 'MISSED'} (p95 ${p95.toFixed(1)} ms, ${ours.httpErrors + ours.missing} errors)`);
}
if (ours && floor && RATE) {
  console.log(`ratio ours/floor: not meaningful at a fixed rate (both answer what is offered); run without --rate for it`);
} else if (ours && floor) {
  const ratio = throughput(ours) / throughput(floor);
  const pass = ratio >= TARGET_RATIO;
  ok &&= pass;
  console.log(`ratio ours/floor: ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}: ${pass ? 'met' : 'MISSED'})`);
}
if (traceReport) console.log(traceReport);
process.exitCode = ok ? 0 : 1;
