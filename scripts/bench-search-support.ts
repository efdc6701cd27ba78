/**
 * Helpers for `npm run bench:search`: corpus loading, a seeded query generator, percentiles, the
 * database the importer writes to, and a Meilisearch client wrapper that records what our search
 * sends (used only for the diagnostic pass, never for the timed comparison).
 */
import { randomBytes } from 'node:crypto';
import { createReadStream, readFileSync } from 'node:fs';
import readline from 'node:readline';
import type { Meilisearch, MultiSearchParams, MultiSearchResponse, SearchParams } from 'meilisearch';
import postgres from 'postgres';
import { segmentChinese, type Glossary } from '../search/glossary.js';
import { hasCjk, normText } from '../search/text.js';
import { openDatabase, type Database } from '../src/db/database.js';
import { parsePatentInput } from '../src/domain/patent-input.js';
import type { PatentRecord } from '../src/domain/patent.js';

// ---------------------------------------------------------------- statistics

/** Nearest-rank percentile of an unsorted sample. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
}

export const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : NaN);
export const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
export const ms = (x: number) => `${x.toFixed(1)} ms`;
export const secs = (x: number) => `${(x / 1000).toFixed(1)} s`;

/** mulberry32: a small seeded PRNG so the generated query set is the same on every run. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// ---------------------------------------------------------------- corpus

export async function loadRecords(file: string): Promise<PatentRecord[]> {
  const out: PatentRecord[] = [];
  for await (const line of readline.createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Infinity })) {
    if (!line.trim()) continue;
    const r = parsePatentInput(JSON.parse(line));
    if (r.ok) out.push(r.record);
  }
  return out;
}

// ---------------------------------------------------------------- generated queries

export interface BenchQuery {
  text: string;
  kind: string;
}

/**
 * `n` queries from the glossary terms found in random corpus titles: single Chinese terms, two
 * Chinese terms of one title, single English glossary keys whose Chinese form is in the title, and
 * two English terms of one title (40/20/25/15 %).
 */
export function generateQueries(records: PatentRecord[], g: Glossary, n: number, seed: number): BenchQuery[] {
  const rand = rng(seed);
  const enOf = new Map<string, string[]>();
  for (const [k, forms] of g.en) for (const f of forms) if (hasCjk(f)) enOf.set(f, [...(enOf.get(f) ?? []), k]);
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const plan: [string, number][] = [
    ['gen-zh', Math.round(n * 0.4)],
    ['gen-zh-pair', Math.round(n * 0.2)],
    ['gen-en', Math.round(n * 0.25)],
  ];
  plan.push(['gen-en-pair', n - plan.reduce((a, [, c]) => a + c, 0)]);
  const seen = new Set<string>();
  const out: BenchQuery[] = [];
  for (const [kind, count] of plan) {
    let made = 0;
    for (let tries = 0; made < count && tries < 200_000; tries++) {
      const title = normText(pick(records).title);
      const words = [...new Set(segmentChinese(g, title).filter((w) => w.length >= 2 && g.zhWords.has(w)))];
      const pool = kind.startsWith('gen-en') ? words.filter((w) => enOf.has(w)) : words;
      const pair = kind.endsWith('-pair');
      if (pool.length < (pair ? 2 : 1)) continue;
      const a = pick(pool);
      const b = pair ? pick(pool.filter((w) => w !== a)) : undefined;
      const terms = [a, b].filter((w): w is string => !!w);
      const text = kind.startsWith('gen-en') ? terms.map((w) => pick(enOf.get(w)!)).join(' ') : terms.join(' ');
      if (seen.has(text)) continue;
      seen.add(text);
      out.push({ text, kind });
      made++;
    }
  }
  return out;
}

// ---------------------------------------------------------------- database

export interface BenchDb {
  database: Database;
  describe: string;
  drop(): Promise<void>;
}

/** PGlite in `dir`, or a fresh database on the server named by DATABASE_URL / TEST_DATABASE_URL (dropped afterwards). */
export async function openBenchDb(kind: 'pglite' | 'postgres', dir: string): Promise<BenchDb> {
  if (kind === 'pglite') {
    const database = await openDatabase({ pgliteDir: dir });
    await database.migrate();
    return { database, describe: `PGlite (${dir})`, drop: () => database.close() };
  }
  const admin = process.env.DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('--db postgres needs DATABASE_URL or TEST_DATABASE_URL (a server URL; a fresh database is created and dropped)');
  const name = `pb_bench_${randomBytes(5).toString('hex')}`;
  const sqlAdmin = postgres(admin, { max: 1, onnotice: () => {} });
  await sqlAdmin.unsafe(`create database ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString() });
  await database.migrate();
  return {
    database,
    describe: `Postgres (${u.host}/${name})`,
    async drop() {
      await database.close();
      await sqlAdmin.unsafe(`drop database if exists ${name} with (force)`);
      await sqlAdmin.end();
    },
  };
}

// ---------------------------------------------------------------- instrumented client

export interface MultiSearchLog {
  queries: number;
  requestBytes: number;
  responseChars: number;
  hits: number;
  uniqueHits: number;
  /** Sum of the per-query processingTimeMs Meilisearch reports. */
  serverMs: number;
  wallMs: number;
  /** The request as sent, to replay it without our code around it. */
  request: MultiSearchParams;
  /** The raw response, to re-run our ranking on the same candidates. */
  response: MultiSearchResponse;
}

export interface SingleSearchLog {
  what: 'applicant' | 'number' | 'other';
  serverMs: number;
  /** Characters of the JSON response (its hits). */
  responseChars: number;
  wallMs: number;
}

export interface CallLog {
  multi: MultiSearchLog[];
  single: SingleSearchLog[];
}

/**
 * Wraps `client.multiSearch` and `client.index(uid).search` of this client instance to record
 * every call into `log.current`. The wrapper adds a JSON.stringify of each request and response,
 * so use it for the breakdown only.
 */
export function instrument(client: Meilisearch): { log: { current: CallLog }; reset(): CallLog } {
  const log = { current: { multi: [], single: [] } as CallLog };
  const multi = client.multiSearch.bind(client) as (q: MultiSearchParams) => Promise<MultiSearchResponse>;
  (client as unknown as { multiSearch: unknown }).multiSearch = async (params: MultiSearchParams) => {
    const request = structuredClone(params);
    const t = performance.now();
    const res = await multi(params);
    const wallMs = performance.now() - t;
    const ids = new Set<string>();
    let hits = 0;
    for (const r of res.results) for (const h of r.hits) (hits++, ids.add(String((h as { id: string }).id)));
    log.current.multi.push({
      queries: params.queries.length,
      requestBytes: Buffer.byteLength(JSON.stringify(params)),
      responseChars: JSON.stringify(res).length,
      hits,
      uniqueHits: ids.size,
      serverMs: sum(res.results.map((r) => r.processingTimeMs)),
      wallMs,
      request,
      response: res,
    });
    return res;
  };
  const index = client.index.bind(client);
  (client as unknown as { index: unknown }).index = (uid: string) => {
    const idx = index(uid);
    const search = idx.search.bind(idx) as (q?: string | null, p?: SearchParams) => Promise<{ processingTimeMs: number }>;
    (idx as unknown as { search: unknown }).search = async (q?: string | null, p?: SearchParams) => {
      const t = performance.now();
      const res = await search(q, p);
      const f = JSON.stringify(p?.filter ?? '');
      const what = f.includes('applicants =') ? 'applicant' : f.includes('numbers =') ? 'number' : 'other';
      log.current.single.push({ what, serverMs: res.processingTimeMs, responseChars: JSON.stringify(res).length, wallMs: performance.now() - t });
      return res;
    };
    return idx;
  };
  return {
    log,
    reset() {
      const prev = log.current;
      log.current = { multi: [], single: [] };
      return prev;
    },
  };
}

// ---------------------------------------------------------------- CPU time

/**
 * CPU time (ms) used so far by this process plus the Meilisearch child whose pid file is given:
 * less sensitive than wall time to other work on a shared machine. Linux /proc only; the child's
 * share is null elsewhere.
 */
export function cpuMs(pidFile: string): { node: number; meili: number | null } {
  const u = process.cpuUsage();
  let meili: number | null = null;
  try {
    const pid = readFileSync(pidFile, 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name: utime and stime are the 12th and 13th.
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    meili = ((Number(f[11]) + Number(f[12])) * 1000) / CLK_TCK;
  } catch {
    /* not Linux, or not running */
  }
  return { node: (u.user + u.system) / 1000, meili };
}
/** USER_HZ: 100 on every Linux architecture Node runs on. */
const CLK_TCK = 100;
