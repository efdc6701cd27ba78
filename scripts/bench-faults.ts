/**
 * `npm run bench:faults [-- --only=1,2,3]`: the Telegram path under faults, with the service as
 * child processes (`node bin/patent-bridge.mjs serve`, webhook mode) — two replicas per fault
 * behind a round-robin load balancer, each fault on its own fresh Postgres database, its own
 * Meilisearch process (MEILI_URL, shared by the two replicas) and its own loopback Bot API.
 * This process plays Telegram: every update is POSTed with the secret header and re-delivered
 * (same update_id, after 1 s) until a 2xx. Each update comes from its own chat, so the chat_id of
 * a sendMessage names the update it answers.
 *
 *  1. kill -9 of one of two replicas at ~1/3 of 300 updates at 30/s: the other keeps answering;
 *     the rows the dead one had claimed come back when their inbox lease runs out (10 s, renewed
 *     while a replica lives); prints the takeover time: from the kill until the last of the dead
 *     replica's rows is answered by the survivor.
 *  2. Meilisearch stopped for 10 s under mixed load (searches, small talk, policy): (a) killed
 *     and restarted on the same port and data, (b) frozen with SIGSTOP/SIGCONT. Searches in the
 *     outage get the "temporarily unavailable" answer, the rest are answered, and searches work
 *     again afterwards without restarting the service.
 *  3. Postgres connections dropped (pg_terminate_backend, several times) and refused for 3 s
 *     (allow_connections false): the webhook answers 5xx when it cannot store, Telegram retries,
 *     nothing is lost or doubled.
 *
 * To stay within a few minutes the loads run one after another, while the waits for leases to
 * expire overlap. Needs a Postgres server: TEST_DATABASE_URL (or DATABASE_URL), default
 * postgres://root@127.0.0.1:5432/test, used as the admin connection (databases are created and
 * dropped).
 */
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { createMeiliClient } from '../search/client.js';
import { PatentIndex } from '../search/patent-index.js';
import { STRINGS } from '../src/core/strings.js';
import { LEASE_SECONDS } from '../src/services/inbox-store.js';
import { importPatents } from '../src/services/patent-importer.js';
import { PatentStore } from '../src/services/patent-store.js';
import { PACKAGE_ROOT } from '../src/util/paths.js';
import { startFakeTelegram, textUpdate, type FakeCall, type FakeTelegram } from '../tests/support/fake-telegram.js';
import { createDb, MeiliProcess, readyz, Resources, sleep, startReplica, type FaultDb, type Replica } from './faults/harness.js';
import { drive, LoadBalancer, TelegramWebhook, type Delivery } from './faults/telegram-delivery.js';

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test';
const ONLY = new Set((process.argv.find((a) => a.startsWith('--only='))?.slice(7) ?? '1,2,3').split(',').map((s) => s.trim()));
const T0 = Date.now();
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const stamp = () => `[${secs(Date.now() - T0).padStart(7)}]`;
const say = (msg: string) => console.log(`${stamp()} ${msg}`);

// ---------------------------------------------------------------------------------------------
// Updates and replies
// ---------------------------------------------------------------------------------------------

type Kind = 'search' | 'talk' | 'policy';
/** Each of these is answered with exactly one message (checked on a clean run). */
const TEXTS: Record<Kind, string[]> = {
  search: ['湖北 锂电池 专利', 'lithium battery patents in Hubei', '江西 稀土 永磁'],
  talk: ['你好', 'hello', '/help'],
  policy: ['湖北的专利质押融资政策', '有哪些做专利维权的机构'],
};
const kindOf = (i: number): Kind => (i % 4 === 1 ? 'talk' : i % 4 === 3 ? 'policy' : 'search');
const textOf = (i: number): string => {
  const list = TEXTS[kindOf(i)];
  return list[Math.floor(i / 4) % list.length]!;
};
const SEARCH_FAILED = [STRINGS.searchFailed.zh, STRINGS.searchFailed.en];
const INTERNAL_ERROR = [STRINGS.internalError.zh, STRINGS.internalError.en];
const isUnavailable = (text: string) => SEARCH_FAILED.some((s) => text.includes(s));
const isInternalError = (text: string) => INTERNAL_ERROR.some((s) => text.includes(s));
const isResults = (text: string) => /^(找到 \d+ 件相关专利|Found \d+ matching patents)/.test(text);

// ---------------------------------------------------------------------------------------------
// A fault's setup: database (with the demo patents), Meilisearch, Bot API, two replicas, LB
// ---------------------------------------------------------------------------------------------

interface Scenario {
  label: string;
  res: Resources;
  db: FaultDb;
  meili: MeiliProcess;
  fake: FakeTelegram;
  replicas: Replica[];
  lb: LoadBalancer;
}

async function setup(label: string, env: Record<string, string> = {}): Promise<Scenario> {
  const res = new Resources();
  try {
    const db = await createDb(res, ADMIN_URL, label);
    const meili = await MeiliProcess.start(res, label);
    // Demo patents straight into this database and index (with DATABASE_URL the service loads none), so searches find something.
    const index = new PatentIndex(createMeiliClient(meili.url, meili.masterKey));
    await index.ensureSettings();
    await importPatents(path.join(PACKAGE_ROOT, 'content', 'demo-patents.jsonl'), { store: new PatentStore(db.database.db), index });
    const fake = await startFakeTelegram();
    res.add('close the fake Bot API', () => fake.close());
    const replicas: Replica[] = [];
    for (const k of [1, 2]) replicas.push(await startReplica(res, { name: `${label}-r${k}`, databaseUrl: db.url, meili, telegram: fake, env }));
    return { label, res, db, meili, fake, replicas, lb: new LoadBalancer(replicas) };
  } catch (err) {
    await res.cleanup();
    throw err;
  }
}

function update(i: number, base: number) {
  const chatId = base + i;
  return { chatId, body: textUpdate({ text: textOf(i), chatId, userId: chatId, updateId: chatId }) };
}

/** The messages each chat got (accepted by the fake), in order. */
function repliesByChat(fake: FakeTelegram): Map<number, FakeCall[]> {
  const m = new Map<number, FakeCall[]>();
  for (const c of fake.callsTo('sendMessage')) {
    if (c.failed) continue;
    const chat = Number(c.params.chat_id);
    m.set(chat, [...(m.get(chat) ?? []), c]);
  }
  return m;
}
const textOfCall = (c: FakeCall) => String(c.params.text ?? '');
/**
 * Whether one message reached the chat more than once: a resend (the answer went out, the done mark
 * was refused, a retry sent it again). An answer of several different messages (a policy answer is
 * three) is one answer; counting messages instead would call every such answer doubled.
 */
const hasRepeat = (msgs: FakeCall[]) => new Set(msgs.map(textOfCall)).size < msgs.length;

async function openInboxRows(s: Scenario): Promise<number | undefined> {
  try {
    const [r] = await s.db.database.rows<{ n: number }>(sql`select count(*)::int as n from inbound_updates where status in ('pending', 'sending')`);
    return r?.n;
  } catch {
    return undefined; // the database is refusing us right now
  }
}

/** Waits until every update is acknowledged and the inbox has nothing open, or the deadline; then a little longer for late duplicates. */
/** Open inbox rows under a lease right now (update id → chat id): at a kill, the dead replica's are among them. */
async function leasedRows(s: Scenario): Promise<Map<string, number>> {
  const rows = await s.db.database
    .rows<{ update_id: string; chat_id: string }>(sql`select update_id, chat_id from inbound_updates where status in ('pending', 'sending') and lease_until > now()`)
    .catch(() => []);
  return new Map(rows.map((r) => [String(r.update_id), Number(r.chat_id)]));
}

async function settle(s: Scenario, ds: Delivery[], deadline: number, what: string): Promise<{ settled: boolean; at: number }> {
  for (;;) {
    // Once every update is acknowledged and no inbox row is open (pending/sending), no reply can come any more.
    const acked = ds.every((d) => d.ackAt || d.gaveUp);
    if (acked && (await openInboxRows(s)) === 0) {
      const at = Date.now();
      await sleep(3000); // more than two worker passes (every 1 s): a late duplicate shows now
      return { settled: true, at };
    }
    if (Date.now() > deadline) {
      const replies = repliesByChat(s.fake);
      say(`${what}: deadline reached with ${ds.filter((d) => !replies.get(d.chatId)?.length).length} update(s) unanswered`);
      return { settled: false, at: Date.now() };
    }
    await sleep(250);
  }
}

interface Row {
  fault: string;
  sent: number;
  once: number;
  twice: number;
  lost: number;
  notes: string[];
  details: string[];
}

/** Counts replies per update and, for anything lost or doubled (or acknowledged but not stored), what the database says. */
async function tally(s: Scenario, ds: Delivery[], fault: string): Promise<Row> {
  const replies = repliesByChat(s.fake);
  let once = 0;
  let twice = 0;
  const lost: Delivery[] = [];
  const doubled: Delivery[] = [];
  for (const d of ds) {
    const msgs = replies.get(d.chatId) ?? [];
    if (msgs.length === 0) lost.push(d);
    else if (!hasRepeat(msgs)) once++;
    else {
      twice++;
      doubled.push(d);
    }
  }
  const row: Row = { fault, sent: ds.length, once, twice, lost: lost.length, notes: [], details: [] };
  const gaveUp = ds.filter((d) => d.gaveUp).length;
  if (gaveUp) row.notes.push(`Telegram gave up on ${gaveUp} update(s)`);
  const ids = ds.map((d) => String(d.updateId));
  const rows = await s.db.database.rows<{ update_id: string; status: string; attempts: number; lease_left: number | null; error: string | null; processed: boolean }>(sql`
    select i.update_id, i.status, i.attempts, extract(epoch from (i.lease_until - now()))::float as lease_left, i.error,
           exists (select 1 from processed_updates p where p.platform = 'telegram' and p.update_id = i.update_id) as processed
    from inbound_updates i where i.platform = 'telegram' and i.update_id in ${sql.raw(`(${ids.map((x) => `'${x}'`).join(',')})`)}`);
  const byId = new Map(rows.map((r) => [r.update_id, r]));
  const notStored = ds.filter((d) => d.ackAt && !byId.has(String(d.updateId)));
  if (notStored.length) row.notes.push(`BUG: ${notStored.length} acknowledged with 200 but not in the inbox`);
  const describe = (d: Delivery) => {
    const r = byId.get(String(d.updateId));
    const msgs = (replies.get(d.chatId) ?? []).map((c) => `${new Date(c.at).toISOString().slice(11, 23)} ${JSON.stringify(textOfCall(c).slice(0, 40))}`);
    return `update ${d.updateId} (${d.kind}; webhook answers ${d.answers.map((a) => `${a.status}@${a.upstream}`).join(',')}): inbox ${
      r ? `status=${r.status} attempts=${r.attempts} lease_left=${r.lease_left === null ? 'none' : `${r.lease_left.toFixed(0)} s`} processed_updates=${r.processed} error=${JSON.stringify(r.error ?? '')}` : 'MISSING'
    }; replies: ${msgs.join(' | ') || 'none'}`;
  };
  for (const d of lost.slice(0, 8)) row.details.push(`lost: ${describe(d)}`);
  if (lost.length > 8) row.details.push(`… and ${lost.length - 8} more lost`);
  const lostDone = lost.filter((d) => byId.get(String(d.updateId))?.status === 'done').length;
  if (lostDone) row.notes.push(`${lostDone} lost row(s) are 'done' in the inbox with no reply sent`);
  const lostLeased = lost.filter((d) => (byId.get(String(d.updateId))?.lease_left ?? 0) > 0).length;
  if (lostLeased) row.notes.push(`${lostLeased} lost row(s) still leased`);
  for (const d of doubled.slice(0, 8)) row.details.push(`doubled: ${describe(d)}`);
  return row;
}

function replicaNotes(s: Scenario, row: Row): void {
  for (const r of s.replicas) {
    const logs = [...r.logCounts].map(([m, n]) => `${m} ×${n}`).join('; ');
    if (logs) row.details.push(`${r.name} logged: ${logs}`);
    for (const [m, lines] of r.logSamples) {
      if (!/telegram update failed|handler failed/.test(m)) continue;
      for (const line of lines) {
        let j: { updateId?: string; attempts?: number; outcome?: string; err?: { message?: string; cause?: { message?: string } } };
        try {
          j = JSON.parse(line) as typeof j;
        } catch {
          continue;
        }
        row.details.push(`${r.name} "${m}" ${j.updateId ? `update ${j.updateId} attempt ${j.attempts} → ${j.outcome}: ` : ''}${(j.err?.message ?? '').replace(/\s+/g, ' ').slice(0, 200)}${j.err?.cause?.message ? ` (cause: ${j.err.cause.message.slice(0, 120)})` : ''}`);
      }
    }
  }
}

const fmtCounts = (o: Record<string, number>) => Object.entries(o).map(([k, v]) => `${v}×${k}`).join(', ') || 'none';

// ---------------------------------------------------------------------------------------------
// Fault 1: kill -9 of one of two replicas under load
// ---------------------------------------------------------------------------------------------

async function faultKillReplica(s: Scenario, load: Gate): Promise<Row> {
  const N = 300;
  const RATE = 30;
  const KILL_AT = 100;
  const tg = new TelegramWebhook(s.lb);
  const [survivor, victim] = s.replicas as [Replica, Replica];
  let killAt = 0;
  let openAtKill: number | undefined;
  let leasedAtKill: Promise<Map<string, number>> = Promise.resolve(new Map());
  await load.run(async () => {
    say(`fault 1: ${N} updates at ${RATE}/s over two replicas; kill -9 ${victim.name} at update ${KILL_AT}`);
    await drive(
      N,
      RATE,
      (i) => {
        const u = update(i, 1_000_000);
        return tg.deliver(u.body, u.chatId, kindOf(i));
      },
      (i) => {
        if (i !== KILL_AT) return;
        victim.proc.kill('SIGKILL');
        killAt = Date.now();
        void openInboxRows(s).then((n) => (openAtKill = n));
        leasedAtKill = leasedRows(s);
        say(`fault 1: ${victim.name} killed (SIGKILL)`);
      },
    );
    say(`fault 1: load sent and acknowledged; waiting for the dead replica's leased rows (lease ${LEASE_SECONDS} s, renewed while held)`);
  });
  const { settled, at } = await settle(s, tg.deliveries, killAt + 150_000, 'fault 1');
  const row = await tally(s, tg.deliveries, '1. kill -9 one of two replicas');
  // When each update was first answered, relative to its acknowledgement.
  const replies = repliesByChat(s.fake);
  const lateBy = tg.deliveries
    .map((d) => ({ d, first: replies.get(d.chatId)?.[0]?.at }))
    .filter((x): x is { d: Delivery; first: number } => x.first !== undefined && x.d.ackAt !== undefined)
    .map((x) => ({ ...x, wait: x.first - x.d.ackAt! }));
  const late = lateBy.filter((x) => x.wait > LEASE_SECONDS * 800);
  const lastReply = Math.max(...lateBy.map((x) => x.first));
  const failures = tg.failures();
  const [{ taken } = { taken: 0 }] = await s.db.database.rows<{ taken: number }>(sql`select count(*)::int as taken from inbound_updates where attempts >= 2`);
  // Takeover: rows leased at the kill and claimed again afterwards (attempts ≥ 2) were the dead replica's.
  const leased = await leasedAtKill;
  const again = new Set(
    (await s.db.database.rows<{ update_id: string }>(sql`select update_id from inbound_updates where attempts >= 2`)).map((r) => String(r.update_id)).filter((id) => leased.has(id)),
  );
  const takenAt = [...again].map((id) => replies.get(leased.get(id)!)?.find((c) => c.at >= killAt)?.at).filter((x): x is number => x !== undefined);
  const takeover = takenAt.length ? `takeover ${secs(Math.max(...takenAt) - killAt)} after the kill (${takenAt.length} of the dead replica's ${again.size} row(s) answered by the survivor)` : 'takeover: no row of the dead replica was left to take over';
  say(`fault 1: ${takeover}`);
  row.notes.push(
    `LB skipped the dead replica ${s.lb.refused}×`,
    `Telegram got non-2xx: ${fmtCounts(failures)}; slowest webhook answer ${secs(tg.slowest())}`,
    late.length
      ? `${late.length} answered more than ${secs(LEASE_SECONDS * 800)} after their 200 (taken over, or queued behind the survivor's backlog): ${secs(Math.min(...late.map((x) => x.wait)))}–${secs(Math.max(...late.map((x) => x.wait)))}`
      : 'no update waited for a lease',
    takeover,
    `last reply ${secs(lastReply - killAt)} after the kill`,
    `${taken} inbox row(s) taken over from the dead replica (attempts ≥ 2); inbox drained ${secs(at - killAt)} after the kill${settled ? '' : ' (deadline)'}`,
    `survivor ${survivor.alive() ? 'alive' : 'DIED'}`,
  );
  row.details.push(`inbox rows open at the kill: ${openAtKill ?? '?'}`);
  replicaNotes(s, row);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Fault 2: Meilisearch stopped for 10 s under mixed load
// ---------------------------------------------------------------------------------------------

async function meiliPhase(s: Scenario, mode: 'kill' | 'freeze', base: number): Promise<Row> {
  const N = 220;
  const RATE = 10;
  const STOP_AFTER = 4000;
  const OUTAGE = 10_000;
  const tg = new TelegramWebhook(s.lb);
  let stopAt = 0;
  let resumedAt = 0;
  const ready: string[] = [];
  const outage = (async () => {
    await sleep(STOP_AFTER);
    stopAt = Date.now();
    if (mode === 'kill') await s.meili.kill();
    else s.meili.freeze();
    say(`fault 2${mode === 'kill' ? 'a' : 'b'}: Meilisearch ${mode === 'kill' ? 'killed' : 'stopped (SIGSTOP)'}`);
    await sleep(OUTAGE / 2);
    const probe = Promise.all(s.replicas.map(readyz)).then((r) => ready.push(`/readyz in the outage: ${r.join(' / ')}`));
    await sleep(stopAt + OUTAGE - Date.now());
    if (mode === 'kill') await s.meili.launch();
    else s.meili.thaw();
    resumedAt = Date.now();
    say(`fault 2${mode === 'kill' ? 'a' : 'b'}: Meilisearch back (${mode === 'kill' ? 'restarted on the same port and data dir' : 'SIGCONT'}) after ${secs(resumedAt - stopAt)}`);
    await probe;
    await sleep(3000);
    ready.push(`3 s after: ${(await Promise.all(s.replicas.map(readyz))).join(' / ')}`);
  })();
  try {
    await drive(N, RATE, (i) => {
      const u = update(i, base);
      return tg.deliver(u.body, u.chatId, kindOf(i));
    });
    await outage;
  } finally {
    s.meili.thaw();
  }
  const { settled } = await settle(s, tg.deliveries, Date.now() + 60_000, `fault 2 (${mode})`);
  const row = await tally(s, tg.deliveries, mode === 'kill' ? '2a. Meilisearch killed 10 s, restarted' : '2b. Meilisearch frozen 10 s (SIGSTOP)');
  const replies = repliesByChat(s.fake);
  const period = (d: Delivery) => (d.firstAt < stopAt ? 'before' : d.firstAt <= resumedAt ? 'during' : d.firstAt > resumedAt + 1000 ? 'after' : 'edge');
  const stats = (p: string, k: 'search' | 'other') => {
    const ds = tg.deliveries.filter((d) => period(d) === p && (k === 'search' ? d.kind === 'search' : d.kind !== 'search'));
    const first = (d: Delivery) => {
      const c = replies.get(d.chatId)?.[0];
      return c ? textOfCall(c) : undefined;
    };
    const count = (f: (text: string) => boolean) => ds.filter((d) => first(d) !== undefined && f(first(d)!)).length;
    const waits = ds.map((d) => (replies.get(d.chatId)?.[0]?.at ?? NaN) - d.firstAt).filter(Number.isFinite);
    return {
      n: ds.length,
      unavailable: count(isUnavailable),
      results: count(isResults),
      internal: count(isInternalError),
      ok: count((t) => !isUnavailable(t) && !isInternalError(t)),
      maxWait: waits.length ? Math.max(...waits) : NaN,
    };
  };
  const during = stats('during', 'search');
  const after = stats('after', 'search');
  const before = stats('before', 'search');
  const othersDuring = stats('during', 'other');
  row.notes.push(
    `searches sent in the outage: ${during.unavailable}/${during.n} "temporarily unavailable", ${during.results} results (slowest reply ${secs(during.maxWait)})`,
    `other updates in the outage answered normally ${othersDuring.ok}/${othersDuring.n} (slowest ${secs(othersDuring.maxWait)})`,
    `searches after it: ${after.results}/${after.n} results, ${after.unavailable} unavailable (no service restart)`,
    ...ready,
  );
  if (before.unavailable) row.notes.push(`${before.unavailable} search(es) sent just before the outage answered unavailable`);
  if (!settled) row.notes.push('did not settle within 60 s');
  const all = s.replicas.map((r) => `${r.name} ${r.alive() ? 'alive' : 'DIED'}`).join(', ');
  row.notes.push(all);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Fault 3: Postgres connections dropped and refused
// ---------------------------------------------------------------------------------------------

async function faultPostgres(s: Scenario, load: Gate): Promise<Row> {
  const N = 300;
  const RATE = 20;
  const tg = new TelegramWebhook(s.lb);
  const { admin, name } = s.db;
  const events: string[] = [];
  let loadEnd = 0;
  const terminate = async (why: string) => {
    const r = await admin.unsafe(`select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = '${name}' and pid <> pg_backend_pid()`);
    events.push(`${secs(Date.now() - start)} ${why}: ${r.length} backends terminated`);
  };
  let start = 0;
  await load.run(async () => {
    say(`fault 3: ${N} updates at ${RATE}/s; Postgres connections terminated at 2, 4, 6 and 13 s, connections refused from 8 to 11 s`);
    start = Date.now();
    const faults = (async () => {
      for (const at of [2000, 4000, 6000]) {
        await sleep(start + at - Date.now());
        await terminate('pg_terminate_backend');
      }
      await sleep(start + 8000 - Date.now());
      await admin.unsafe(`alter database ${name} with allow_connections false`);
      await terminate('allow_connections false + pg_terminate_backend');
      await sleep(start + 11_000 - Date.now());
      await admin.unsafe(`alter database ${name} with allow_connections true`);
      events.push(`${secs(Date.now() - start)} allow_connections true`);
      await sleep(start + 13_000 - Date.now());
      await terminate('pg_terminate_backend');
    })();
    try {
      await drive(N, RATE, (i) => {
        const u = update(i, 3_000_000);
        return tg.deliver(u.body, u.chatId, kindOf(i));
      });
      await faults;
    } finally {
      await admin.unsafe(`alter database ${name} with allow_connections true`).catch(() => {});
    }
    loadEnd = Date.now();
    say(`fault 3: load sent and acknowledged (${fmtCounts(tg.failures())} answered to Telegram first)`);
  });
  const { settled, at } = await settle(s, tg.deliveries, loadEnd + 140_000, 'fault 3');
  const row = await tally(s, tg.deliveries, '3. Postgres connections dropped/refused');
  const retried = tg.deliveries.filter((d) => d.answers.length > 1).length;
  const replies = repliesByChat(s.fake);
  const waits = tg.deliveries.map((d) => (replies.get(d.chatId)?.[0]?.at ?? NaN) - (d.ackAt ?? NaN)).filter(Number.isFinite);
  const slow = waits.filter((w) => w > 30_000);
  row.notes.push(
    `webhook non-2xx: ${fmtCounts(tg.failures())}; ${retried} update(s) redelivered by Telegram; slowest webhook answer ${secs(tg.slowest())}`,
    slow.length ? `${slow.length} answered only after a lease ran out (${secs(Math.min(...slow))}–${secs(Math.max(...slow))} after their 200)` : `slowest reply ${secs(Math.max(...waits))} after its 200`,
    `settled ${secs(at - loadEnd)} after the load${settled ? '' : ' (deadline)'}`,
    s.replicas.map((r) => `${r.name} ${r.alive() ? 'alive' : 'DIED'}`).join(', '),
  );
  row.details.push(...events.map((e) => `fault 3 timeline: ${e}`));
  // A replica that died says why in its last lines (a crash's stack, an exit message).
  for (const r of s.replicas.filter((x) => !x.alive())) row.details.push(`${r.name} died; its stderr ends:\n${r.stderr.split('\n').slice(-25).join('\n')}`);
  const slowAnswers = tg.deliveries.flatMap((d) => d.answers.filter((a) => a.ms > 5000).map((a) => `${a.status}@${a.upstream} sent at ${secs(a.at! - start)} took ${secs(a.ms)}`));
  if (slowAnswers.length) row.details.push(`webhook answers slower than 5 s: ${slowAnswers.join('; ')}`);
  replicaNotes(s, row);
  return row;
}

// ---------------------------------------------------------------------------------------------
// Running them
// ---------------------------------------------------------------------------------------------

/** One load at a time (two CPUs are shared by six replicas); waits run alongside. */
class Gate {
  private tail: Promise<unknown> = Promise.resolve();
  run<T>(fn: () => Promise<T>): Promise<T> {
    const p = this.tail.then(fn, fn);
    this.tail = p.catch(() => {});
    return p;
  }
}

function printTable(rows: Row[]): void {
  const head = ['fault', 'updates sent', 'answered once', 'a message sent twice', 'lost'];
  const cells = rows.map((r) => [r.fault, String(r.sent), String(r.once), String(r.twice), String(r.lost)]);
  const w = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const line = (c: string[]) => `| ${c.map((x, i) => (i === 0 ? x.padEnd(w[i]!) : x.padStart(w[i]!))).join(' | ')} | `;
  console.log('');
  console.log(line(head) + 'notes');
  console.log(`|${w.map((n) => '-'.repeat(n + 2)).join('|')}|-------`);
  rows.forEach((r, k) => {
    const indent = ' '.repeat(line(cells[k]!).length);
    console.log(line(cells[k]!) + (r.notes[0] ?? ''));
    for (const n of r.notes.slice(1)) console.log(indent + n);
  });
  console.log('');
  for (const r of rows) for (const d of r.details) console.log(`${r.fault.split(' ')[0]} ${d}`);
}

const all = new Resources();
let cleaning: Promise<void> | undefined;
const cleanup = () => (cleaning ??= all.cleanup());
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.once(sig, () => {
    console.error(`\n${sig}: stopping every child and dropping the databases …`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  const load = new Gate();
  const scenarios = new Map<string, Scenario>();
  for (const k of ['1', '3', '2']) {
    if (!ONLY.has(k)) continue;
    const s = await setup(`f${k}`);
    all.add(`clean up fault ${k}`, () => s.res.cleanup());
    scenarios.set(k, s);
    say(`fault ${k}: database ${s.db.name}, Meilisearch ${s.meili.url}, replicas on ports ${s.replicas.map((r) => r.port).join(' and ')}`);
  }
  const done = async (k: string, p: Promise<Row | Row[]>): Promise<Row[]> => {
    try {
      const r = await p;
      return Array.isArray(r) ? r : [r];
    } catch (err) {
      return [{ fault: `${k}. (failed)`, sent: 0, once: 0, twice: 0, lost: 0, notes: [String((err as Error).stack ?? err).split('\n').slice(0, 3).join(' ')], details: [] }];
    } finally {
      await scenarios.get(k)?.res.cleanup(); // frees the CPU for the rest
    }
  };
  const jobs: Promise<Row[]>[] = [];
  if (scenarios.has('1')) jobs.push(done('1', faultKillReplica(scenarios.get('1')!, load)));
  if (scenarios.has('3')) jobs.push(done('3', faultPostgres(scenarios.get('3')!, load)));
  if (scenarios.has('2')) {
    const s = scenarios.get('2')!;
    jobs.push(done('2', load.run(async () => [await meiliPhase(s, 'kill', 2_000_000), await meiliPhase(s, 'freeze', 2_500_000)])));
  }
  const rows = (await Promise.all(jobs)).flat().sort((a, b) => a.fault.localeCompare(b.fault));
  printTable(rows);
  say('done');
  process.exitCode = rows.some((r) => r.lost || r.twice || r.fault.includes('failed')) ? 1 : 0;
} finally {
  await cleanup();
}
