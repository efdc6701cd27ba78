/**
 * `npm run bench:console [-- --db pglite|postgres] [--leads N] [--registrations N]`: seeds a fresh
 * database (seed:console: 10,000 leads, 20,000 registrations, 6 broadcasts), starts the service as
 * a child process (`node bin/patent-bridge.mjs serve`, embedded Meilisearch, ADMIN_TOKEN set),
 * signs in as the operator and prints the median of 5 loads (after one warm-up) of each console
 * page, body read in full. `--db postgres` creates (and drops) a database on the server of
 * TEST_DATABASE_URL or BENCH_DATABASE_URL; the default is PGlite in a temporary DATA_DIR, as
 * `npm start` runs.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'drizzle-orm';
import postgres from 'postgres';
import { openDatabase } from '../src/db/database.js';
import { startServe } from '../tests/support/serve-child.js';
import { seedConsole } from './seed-console.js';

const { values } = parseArgs({ options: { db: { type: 'string', default: 'pglite' }, leads: { type: 'string', default: '10000' }, registrations: { type: 'string', default: '20000' }, runs: { type: 'string', default: '5' } } });
const kind = values.db === 'postgres' ? 'postgres' : 'pglite';
const RUNS = Number(values.runs);
const ADMIN = randomBytes(24).toString('base64url');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pb-bench-console-'));

let databaseUrl: string | undefined;
let dropDb = async () => {};
if (kind === 'postgres') {
  const admin = process.env.BENCH_DATABASE_URL ?? process.env.TEST_DATABASE_URL;
  if (!admin) throw new Error('--db postgres needs TEST_DATABASE_URL or BENCH_DATABASE_URL (a server where it may create a database)');
  const name = `pb_bench_${randomBytes(4).toString('hex')}`;
  const a = postgres(admin, { max: 1, onnotice: () => {} });
  await a.unsafe(`create database ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  databaseUrl = u.toString();
  dropDb = async () => {
    await a.unsafe(`drop database if exists ${name} with (force)`);
    await a.end();
  };
}

const t0 = performance.now();
const db = await openDatabase(databaseUrl ? { url: databaseUrl } : { pgliteDir: path.join(dataDir, 'pg') });
await db.migrate();
const seeded = await seedConsole(db, { leads: Number(values.leads), registrations: Number(values.registrations) });
const [lead] = await db.rows<{ ref: string }>(sql`select ref from leads where status = 'won' order by id desc limit 1`);
await db.close();
console.log(`${kind}: seeded ${seeded.leads} leads (${seeded.leadEvents} audit events), ${seeded.registrations} registrations, ${seeded.broadcasts} broadcasts (${seeded.deliveries} deliveries) in ${(seeded.ms / 1000).toFixed(1)} s`);

const child = await startServe({ dataDir, env: { ADMIN_TOKEN: ADMIN, ...(databaseUrl ? { DATABASE_URL: databaseUrl } : {}) } });
console.log(`service ready ${((performance.now() - t0) / 1000).toFixed(1)} s after the start of seeding`);
try {
  const login = await fetch(`${child.url}/console/login`, { method: 'POST', body: new URLSearchParams({ token: ADMIN }), redirect: 'manual' });
  const cookie = login.headers.get('set-cookie')?.split(';')[0];
  if (login.status !== 303 || !cookie) throw new Error(`sign-in answered ${login.status}`);
  const pages: [string, string][] = [
    ['dashboard', '/console/dashboard'],
    ['leads', '/console/leads'],
    ['leads, filtered (claimed, buy, Hubei)', '/console/leads?status=claimed&type=buy&province=Hubei'],
    ['leads, filtered (agency, ≤ 7 d)', '/console/leads?agency=xiangjiang-ip-trading&age=7d'],
    ['one lead', `/console/leads/${lead!.ref}`],
    ['registrations (expo-2026-wuhan)', '/console/registrations?expo=expo-2026-wuhan'],
    ['broadcasts', '/console/broadcasts'],
  ];
  const rows: string[] = [];
  for (const [name, p] of pages) {
    const times: number[] = [];
    let status = 0;
    let bytes = 0;
    for (let i = 0; i <= RUNS; i++) {
      const s = performance.now();
      const res = await fetch(child.url + p, { headers: { cookie }, redirect: 'manual' });
      bytes = (await res.arrayBuffer()).byteLength;
      status = res.status;
      if (i > 0) times.push(performance.now() - s); // the first load warms up
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    rows.push(`${name.padEnd(40)} ${status === 200 ? `${median.toFixed(0).padStart(6)} ms` : `   HTTP ${status}`}  (min ${times[0]!.toFixed(0)}, max ${times.at(-1)!.toFixed(0)} ms, ${(bytes / 1024).toFixed(0)} kB)  ${p}`);
  }
  console.log(`median of ${RUNS} loads per page (${kind}):`);
  for (const r of rows) console.log(`  ${r}`);
} finally {
  await child.stop();
  rmSync(dataDir, { recursive: true, force: true });
  await dropDb();
}
