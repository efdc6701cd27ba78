/**
 * `npm run bench:e2e [-- --n 2000 --concurrency 50 --db pglite|postgres]`: end-to-end load on the
 * real server. `node bin/patent-bridge.mjs serve` runs as a child in webhook mode against a loopback
 * Bot API (tests/support/fake-telegram.ts) in this process; `--n` Telegram updates (a mix of ~60%
 * searches, ~25% policy questions, ~15% small talk, scripts/bench-e2e-mix.ts) are POSTed to
 * /telegram/webhook by `--concurrency` simulated people, each waiting for its answer before sending
 * the next. Every update comes from its own chat. Latency is from sending the POST to the fake
 * receiving the first sendMessage for that chat; throughput is answered updates per second.
 *
 * The same load then goes to two floors, each a child against its own fake:
 *  - the durable floor (scripts/bench-e2e-durable.mjs): telegraf + one dedupe insert + one raw
 *    Meilisearch query + the reply + one update, on the same database server (or PGlite) and the same
 *    Meilisearch process as ours — the least a durable search bot does. Targets: ours ÷ durable
 *    ≥ 0.6 and our p95 ≤ 1.5 × its p95 (Postgres server); with PGlite our p99 under 1 s.
 *  - the framework floor (scripts/bench-e2e-floor.mjs): a telegraf bot that only echoes.
 *
 * Ours runs the measured load twice back to back (a new set of chats each time). The counting probe
 * (scripts/bench-e2e-probe.mjs, preloaded) prints SQL statements and round trips per update for the
 * first run, and the service's memory: peak RSS, and RSS / heap after each run after a GC — the leak
 * check fails when the heap grew by more than LEAK_MB from the first run to the second.
 *
 * One Meilisearch process (the shipped binary) serves ours and the durable floor (ours gets it as
 * MEILI_URL). Telegram's own limits (30 messages/s overall, 1/s per chat) are lifted for the run
 * (TELEGRAM_MAX_PER_SECOND=1000, the configuration's maximum, and TELEGRAM_CHAT_INTERVAL_MS=0): the
 * bench measures our pipeline, not Telegram's limits. With --db postgres a fresh database is created
 * on the server named by DATABASE_URL (else TEST_DATABASE_URL), the patents are imported into it,
 * and it is dropped afterwards. The CPU line under the table says how busy the machine was with
 * other work: figures from a busy machine are not comparable. Exits 1 when a target is missed.
 *
 * Other options:
 *   --corpus FILE     patents imported before serving (default: the demo patents; e.g.
 *                     ../shared/data/patents/patents.jsonl, 20k) — prints the import's peak RSS too
 *   --rate R          open loop instead: R updates per second however many are unanswered (e.g. 30,
 *                     Telegram's overall limit for one bot)
 *   --warmup 50       updates sent first, not measured
 *   --timeout 15000   ms to wait for one answer before counting it missing
 *   --only ours|durable|floor   one of the three runs
 *   --no-leak-check   ours runs the load once
 *   --trace           preloads scripts/bench-e2e-trace.mjs into the server and prints where an
 *                     update's time goes, stage by stage, and the costliest statements (the tracing
 *                     itself slows the server a little)
 *   --cpu-prof DIR    V8 CPU profile of the server child, written when it exits
 *   --env KEY=VALUE   repeatable: extra environment for the server child (NODE_OPTIONS, a setting to compare)
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import postgres from 'postgres';
import { PACKAGE_ROOT } from '../src/util/paths.js';
import { startFakeTelegram, textUpdate, type FakeCall, type FakeTelegram } from '../tests/support/fake-telegram.js';
import { mix } from './bench-e2e-mix.js';
import { cpuMeter, freePort, mb, memoryOf, startChild, stopChild, watchPeak, type Child } from './bench-e2e-procs.js';
import { explainStatements, explainTrace, pct, throughput, type ProbeReport, type RunResult, type Trace } from './bench-e2e-report.js';
import { MeiliProcess } from './faults/harness.js';

const { values: opt } = parseArgs({
  options: {
    n: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '50' },
    rate: { type: 'string' },
    db: { type: 'string', default: 'pglite' },
    corpus: { type: 'string' },
    warmup: { type: 'string', default: '50' },
    timeout: { type: 'string', default: '15000' },
    only: { type: 'string' },
    'no-leak-check': { type: 'boolean', default: false },
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
const ONLY = opt.only as 'ours' | 'durable' | 'floor' | undefined;
const CORPUS = opt.corpus ? path.resolve(opt.corpus) : path.join(PACKAGE_ROOT, 'content', 'demo-patents.jsonl');
if (!(N > 0) || !(CONCURRENCY > 0) || !(WARMUP >= 0) || !(TIMEOUT_MS > 0) || (DB !== 'pglite' && DB !== 'postgres') || (RATE !== undefined && !(RATE > 0)) || (ONLY !== undefined && !['ours', 'durable', 'floor'].includes(ONLY)) || !existsSync(CORPUS)) {
  console.error('usage: bench:e2e [--n 2000] [--concurrency 50 | --rate R] [--db pglite|postgres] [--corpus file.jsonl] [--warmup 50] [--timeout ms] [--only ours|durable|floor] [--no-leak-check] [--trace] [--cpu-prof DIR] [--env K=V]');
  process.exit(2);
}
/** Targets (issue #18): against the durable floor, on a Postgres server; PGlite: p99. */
const TARGET_RATIO = 0.6;
const TARGET_P95_FACTOR = 1.5;
const TARGET_PGLITE_P99_MS = 1000;
/** Heap growth from the first measured run to the second (after a GC each) that counts as a leak. */
const LEAK_MB = 16;
const SECRET = 'bench_e2e_secret';
const WEBHOOK = '/telegram/webhook';
const BIN = path.join(PACKAGE_ROOT, 'bin', 'patent-bridge.mjs');
const FLOOR = path.join(PACKAGE_ROOT, 'scripts', 'bench-e2e-floor.mjs');
const DURABLE = path.join(PACKAGE_ROOT, 'scripts', 'bench-e2e-durable.mjs');
const TRACE = path.join(PACKAGE_ROOT, 'scripts', 'bench-e2e-trace.mjs');
const PROBE = path.join(PACKAGE_ROOT, 'scripts', 'bench-e2e-probe.mjs');
/** Wall-clock milliseconds comparable across processes on this machine. */
const wall = (perfNow: number) => performance.timeOrigin + perfNow;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

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


// ------------------------------------------------------------------------------------------------
// Shared parts: one Meilisearch, one database (server mode), for ours and the durable floor
// ------------------------------------------------------------------------------------------------

interface Shared {
  meili: MeiliProcess;
  /** The bench database on the Postgres server (--db postgres). */
  dbUrl?: string;
  dir: string;
  close: () => Promise<void>;
}

async function startShared(): Promise<Shared> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-bench-e2e-'));
  const meili = new MeiliProcess(path.join(dir, 'meili'), await freePort());
  await meili.launch();
  let dbUrl: string | undefined;
  let dropDb: (() => Promise<void>) | undefined;
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
    dbUrl = u.toString();
  }
  return {
    meili,
    dir,
    ...(dbUrl ? { dbUrl } : {}),
    close: async () => {
      await meili.kill();
      await dropDb?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

// ------------------------------------------------------------------------------------------------
// The three systems
// ------------------------------------------------------------------------------------------------

interface System {
  port: number;
  fake: FakeTelegram;
  pending: Map<string, (at: number) => void>;
  child: Child;
  /** Process groups whose CPU counts as the system's (the child's, the Meilisearch it uses). */
  groups: number[];
  cleanup: () => Promise<void>;
  traceFile?: string;
  probe?: (path: '/reset' | '/report') => Promise<ProbeReport>;
}

let importLine: string | undefined;

/** Our server's environment; `import` (before any run) and `serve` share it. */
function oursEnv(shared: Shared, fake?: FakeTelegram): Record<string, string> {
  return {
    DATA_DIR: path.join(shared.dir, 'ours'),
    CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'),
    MEILI_URL: shared.meili.url,
    MEILI_MASTER_KEY: shared.meili.masterKey,
    ...(fake ? { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url } : {}),
    PUBLIC_URL: 'https://bench.example.org',
    TELEGRAM_WEBHOOK_SECRET: SECRET,
    TELEGRAM_MAX_PER_SECOND: '1000',
    TELEGRAM_CHAT_INTERVAL_MS: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    ...(shared.dbUrl ? { DATABASE_URL: shared.dbUrl } : {}),
    ...Object.fromEntries(opt.env.filter((kv) => kv.includes('=')).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)])),
  };
}

/** The patents go in first (our DATA_DIR, the shared Meilisearch), so serve finds them and loads no demo; the durable floor searches the same index. */
async function importCorpus(shared: Shared): Promise<void> {
  const t = performance.now();
  const imp = await startChild([BIN, 'import', CORPUS], oursEnv(shared), /./, 'patent-bridge import', 600_000);
  const peak = watchPeak(imp.proc.pid!);
  await imp.exited;
  const done = /imported[^\n]*/.exec(imp.out)?.[0];
  if (!done) throw new Error(`patent-bridge import failed:\n${imp.out}`);
  importLine = `import of ${path.basename(CORPUS)} before serving: ${done.trim()} (${((performance.now() - t) / 1000).toFixed(1)} s), import process peak RSS ${mb(peak())}`;
}

async function startOurs(shared: Shared): Promise<System> {
  const fake = await startFakeTelegram();
  const pending = watchReplies(fake);
  const dataDir = path.join(shared.dir, 'ours');
  const port = await freePort();
  const probePort = await freePort();
  const env: Record<string, string> = { ...oursEnv(shared, fake), PORT: String(port), BENCH_PROBE_PORT: String(probePort) };
  const execArgv = ['--expose-gc', '--import', PROBE, ...(opt['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(opt['cpu-prof'])}`] : [])];
  const traceFile = opt.trace ? path.join(dataDir, 'trace.json') : undefined;
  if (traceFile) {
    execArgv.push('--import', TRACE);
    env.BENCH_TRACE_FILE = traceFile;
  }
  let child: Child;
  try {
    child = await startChild([...execArgv, BIN, 'serve'], env, /web chat at/, 'patent-bridge serve');
  } catch (err) {
    await fake.close();
    throw err;
  }
  return {
    port,
    fake,
    pending,
    child,
    groups: [child.proc.pid!, shared.meili.pid!],
    ...(traceFile ? { traceFile } : {}),
    probe: async (p) => (await fetch(`http://127.0.0.1:${probePort}${p}`)).json() as Promise<ProbeReport>,
    cleanup: async () => {
      await stopChild(child);
      await fake.close();
    },
  };
}

async function startFloor(script: string, what: string, extra: Record<string, string>, groups: number[]): Promise<System> {
  const fake = await startFakeTelegram();
  const pending = watchReplies(fake);
  const child = await startChild([script], { FLOOR_TOKEN: fake.token, FLOOR_API_ROOT: fake.url, FLOOR_SECRET: SECRET, FLOOR_PATH: WEBHOOK, ...extra }, /listening \d+/, what);
  const port = Number(/listening (\d+)/.exec(child.out)![1]);
  return {
    port,
    fake,
    pending,
    child,
    groups: [child.proc.pid!, ...groups],
    cleanup: async () => {
      await stopChild(child);
      await fake.close();
    },
  };
}

const startDurable = (shared: Shared) =>
  startFloor(
    DURABLE,
    'durable floor',
    {
      MEILI_URL: shared.meili.url,
      MEILI_MASTER_KEY: shared.meili.masterKey,
      ...(shared.dbUrl ? { DATABASE_URL: shared.dbUrl } : { FLOOR_PGLITE_DIR: path.join(shared.dir, 'durable-pg') }),
    },
    [shared.meili.pid!],
  );

/** What ours held in memory: peak RSS over the whole run, and RSS / heap after each measured run (after a GC). */
const memory: { peak?: number; after: { run: string; rss: number; heap: number }[] } = { after: [] };
let traceReport: string | undefined;
let statementsReport: string | undefined;

async function measure(sys: System, run: string, chatBase: number): Promise<RunResult> {
  const meter = cpuMeter(sys.groups);
  const r = await load(run, sys.port, sys.pending, mix(N), chatBase, CONCURRENCY, RATE);
  r.cpu = meter();
  // Anything the fake refused (bad HTML, validation) also counts: the person got nothing usable.
  const refused = sys.fake.callsTo('sendMessage').filter((c) => c.failed && Number(c.params.chat_id) >= chatBase && Number(c.params.chat_id) < chatBase + N).length;
  if (refused) process.stderr.write(`${run}: the fake refused ${refused} sendMessage call(s)\n`);
  if (r.httpErrors || r.missing) process.stderr.write(`${run}: last output of the child:\n${sys.child.out.slice(-3000)}\n`);
  return r;
}

async function bench(run: string, start: () => Promise<System>, twice: boolean): Promise<RunResult[]> {
  const t = performance.now();
  const sys = await start();
  process.stderr.write(`${run}: started in ${((performance.now() - t) / 1000).toFixed(1)} s; warming up with ${WARMUP} updates\n`);
  const out: RunResult[] = [];
  try {
    await load(`${run} warm-up`, sys.port, sys.pending, mix(WARMUP, 7), 900_000, CONCURRENCY);
    process.stderr.write(`${run}: ${N} updates ${RATE ? `at ${RATE}/s` : `at concurrency ${CONCURRENCY}`}\n`);
    if (sys.traceFile) sys.child.proc.kill('SIGUSR2');
    await sys.probe?.('/reset');
    const peak = watchPeak(sys.child.proc.pid!);
    const first = await measure(sys, twice ? `${run} run 1` : run, 1_000_000);
    out.push(first);
    if (sys.traceFile) {
      sys.child.proc.kill('SIGUSR2');
      for (let i = 0; i < 100 && !existsSync(sys.traceFile); i++) await sleep(100);
      await sleep(200);
      traceReport = explainTrace(JSON.parse(readFileSync(sys.traceFile, 'utf8')) as Trace, first, DB);
    }
    if (sys.probe) {
      await sleep(1000); // the last rows' done marks
      const p = await sys.probe('/report');
      first.probe = p;
      statementsReport = explainStatements(p, first);
      memory.after.push({ run: first.run, rss: p.rss, heap: p.heapUsed });
    }
    if (twice) {
      process.stderr.write(`${run}: the same load again (leak check)\n`);
      const second = await measure(sys, `${run} run 2`, 2_000_000);
      out.push(second);
      await sleep(1000);
      const p = await sys.probe!('/report');
      memory.after.push({ run: second.run, rss: p.rss, heap: p.heapUsed });
    }
    if (sys.probe) memory.peak = Math.max(peak(), memoryOf(sys.child.proc.pid!)?.peak ?? 0);
    else peak();
    return out;
  } finally {
    await sys.cleanup();
  }
}

// ------------------------------------------------------------------------------------------------
// Main
// ------------------------------------------------------------------------------------------------

const results: RunResult[] = [];
const shared = await startShared();
try {
  await importCorpus(shared);
  if (!ONLY || ONLY === 'ours') results.push(...(await bench(`ours (${DB})`, () => startOurs(shared), !opt['no-leak-check'] && !RATE)));
  if (!ONLY || ONLY === 'durable') results.push(...(await bench(`durable floor (${DB})`, () => startDurable(shared), false)));
  if (!ONLY || ONLY === 'floor') results.push(...(await bench('floor (telegraf echo)', () => startFloor(FLOOR, 'telegraf echo floor', {}, []), false)));
} finally {
  await shared.close();
}

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
if (statementsReport) console.log(statementsReport);
if (importLine) console.log(`\n  ${importLine}`);
const ours = results.find((r) => r.run.startsWith('ours'));
const durable = results.find((r) => r.run.startsWith('durable'));
const floor = results.find((r) => r.run.startsWith('floor'));
let ok = true;
const verdict = (pass: boolean) => {
  ok &&= pass;
  return pass ? 'met' : 'MISSED';
};
if (memory.peak) {
  const [a, b] = memory.after;
  console.log(`  ${ours!.run.replace(/ run 1$/, '')}: service peak RSS ${mb(memory.peak)}; after a GC: ${memory.after.map((m) => `${m.run.replace(/^.* (run \d)$/, '$1')} RSS ${mb(m.rss)}, heap ${mb(m.heap)}`).join('; ')}`);
  if (a && b) {
    const grew = (b.heap - a.heap) / 2 ** 20;
    console.log(`  leak check (heap growth from run 1 to run 2 ≤ ${LEAK_MB} MB): ${verdict(grew <= LEAK_MB)} (${grew >= 0 ? '+' : ''}${grew.toFixed(1)} MB heap, ${((b.rss - a.rss) / 2 ** 20).toFixed(1)} MB RSS)`);
  }
}
const errors = results.filter((r) => r.run.startsWith('ours')).reduce((n, r) => n + r.httpErrors + r.missing, 0);
if (ours) console.log(`\nno lost answers (ours): ${verdict(errors === 0)} (${errors} errors)`);
if (ours && durable && RATE) {
  console.log('ratio ours ÷ durable floor: not meaningful at a fixed rate (both answer what is offered); run without --rate for it');
} else if (ours && durable) {
  const ratio = throughput(ours) / throughput(durable);
  const p95 = pct([...ours.lat].sort((x, y) => x - y), 95);
  const floorP95 = pct([...durable.lat].sort((x, y) => x - y), 95);
  const where = DB === 'postgres' ? '' : ' (the targets are set for the Postgres server; informational here)';
  const r1 = verdict(DB !== 'postgres' || ratio >= TARGET_RATIO);
  const r2 = verdict(DB !== 'postgres' || p95 <= TARGET_P95_FACTOR * floorP95);
  console.log(`ratio ours ÷ durable floor: ${ratio.toFixed(2)} (target ≥ ${TARGET_RATIO}: ${ratio >= TARGET_RATIO ? 'met' : DB === 'postgres' ? r1 : 'missed'})${where}`);
  console.log(`our p95 ${p95.toFixed(0)} ms vs ${TARGET_P95_FACTOR} × durable floor's p95 ${floorP95.toFixed(0)} ms = ${(TARGET_P95_FACTOR * floorP95).toFixed(0)} ms: ${p95 <= TARGET_P95_FACTOR * floorP95 ? 'met' : DB === 'postgres' ? r2 : 'missed'}`);
}
if (ours && DB === 'pglite') {
  const p99 = pct([...ours.lat].sort((x, y) => x - y), 99);
  console.log(`PGlite p99 ${p99.toFixed(0)} ms (target < ${TARGET_PGLITE_P99_MS} ms): ${verdict(p99 < TARGET_PGLITE_P99_MS)}`);
}
if (ours && floor && !RATE) console.log(`ratio ours ÷ telegraf echo (framework floor, informational): ${(throughput(ours) / throughput(floor)).toFixed(2)}`);
if (traceReport) console.log(traceReport);
process.exitCode = ok ? 0 : 1;
