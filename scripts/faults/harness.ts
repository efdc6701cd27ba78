/**
 * Processes and resources for `npm run bench:faults`: a fresh Postgres database per fault, a
 * Meilisearch process of our own (the npm binary, started as embedded-meilisearch.ts does, so it
 * can be stopped and restarted on the same port and data directory), and the service as child
 * processes (`node bin/patent-bridge.mjs serve`, webhook mode, one port and DATA_DIR each).
 *
 * Everything started here registers its own undo in `Resources`; `cleanup()` runs them in reverse
 * (process groups killed, databases dropped, temporary directories removed), also on failure and
 * on SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/db/database.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { meilisearchBinary } from '../../search/embedded-meilisearch.js';
import { freePort } from '../../tests/support/free-port.js';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'patent-bridge.mjs');

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

export async function until<T>(f: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms: number, everyMs = 50): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Undo steps, run in reverse by cleanup(); each step runs once even if cleanup is called twice. */
export class Resources {
  private steps: { what: string; run: () => Promise<void> | void }[] = [];

  add(what: string, run: () => Promise<void> | void): void {
    this.steps.push({ what, run });
  }

  async cleanup(): Promise<void> {
    for (const s of this.steps.splice(0).reverse()) {
      try {
        await s.run();
      } catch (err) {
        console.error(`cleanup: ${s.what} failed: ${(err as Error).message}`);
      }
    }
  }

  tempDir(prefix: string): string {
    const dir = mkdtempSync(path.join(os.tmpdir(), prefix));
    this.add(`remove ${dir}`, () => rmSync(dir, { recursive: true, force: true }));
    return dir;
  }
}

/** SIGKILL to a whole process group (a child spawned detached leads its own group). */
function killGroup(pid: number | undefined, signal: NodeJS.Signals = 'SIGKILL'): void {
  if (!pid) return;
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

// ---------------------------------------------------------------------------------------------
// Postgres
// ---------------------------------------------------------------------------------------------

export interface FaultDb {
  name: string;
  url: string;
  database: Database;
  /** A connection to the admin database (not this one): pg_terminate_backend, allow_connections. */
  admin: postgres.Sql;
}

export async function createDb(res: Resources, adminUrl: string, label: string): Promise<FaultDb> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  res.add('close the admin connection', () => admin.end({ timeout: 2 }));
  const name = `pb_faults_${label}_${randomBytes(4).toString('hex')}`;
  await admin.unsafe(`create database ${name}`);
  res.add(`drop database ${name}`, async () => {
    await admin.unsafe(`alter database ${name} with allow_connections true`).catch(() => {});
    await admin.unsafe(`drop database if exists ${name} with (force)`);
  });
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), maxConnections: 2 });
  res.add(`close the connection to ${name}`, () => database.close());
  await database.migrate();
  return { name, url: u.toString(), database, admin };
}

// ---------------------------------------------------------------------------------------------
// Meilisearch (our own process, shared by the replicas through MEILI_URL)
// ---------------------------------------------------------------------------------------------

export class MeiliProcess {
  readonly url: string;
  readonly masterKey = randomBytes(24).toString('base64url');
  private proc?: ChildProcess;
  private exited?: Promise<void>;

  constructor(
    private readonly dir: string,
    readonly port: number,
  ) {
    this.url = `http://127.0.0.1:${port}`;
    mkdirSync(dir, { recursive: true });
  }

  static async start(res: Resources, label: string): Promise<MeiliProcess> {
    const m = new MeiliProcess(res.tempDir(`pb-faults-meili-${label}-`), await freePort());
    res.add(`stop Meilisearch ${label}`, () => m.kill());
    await m.launch();
    return m;
  }

  /** Starts the binary (again) on the same port and data directory; resolves once /health answers. */
  async launch(timeoutMs = 30_000): Promise<void> {
    const args = [
      '--db-path', path.join(this.dir, 'db'),
      '--dump-dir', path.join(this.dir, 'dumps'),
      '--snapshot-dir', path.join(this.dir, 'snapshots'),
      '--http-addr', `127.0.0.1:${this.port}`,
      '--env', 'production',
      '--no-analytics',
      '--log-level', 'WARN',
      '--max-indexing-memory', '256MiB',
    ];
    const proc = spawn(meilisearchBinary(), args, {
      stdio: ['ignore', 'ignore', 'pipe'],
      env: { PATH: process.env.PATH ?? '', MEILI_MASTER_KEY: this.masterKey },
      detached: true,
    });
    let stderr = '';
    proc.stderr!.on('data', (b: Buffer) => (stderr = (stderr + b.toString()).slice(-4000)));
    this.proc = proc;
    let gone = false;
    this.exited = new Promise<void>((r) => proc.once('exit', () => ((gone = true), r())));
    await until(
      async () => {
        if (gone) throw new Error(`Meilisearch exited at start: ${stderr}`);
        try {
          return (await fetch(`${this.url}/health`)).ok;
        } catch {
          return false;
        }
      },
      'Meilisearch /health',
      timeoutMs,
    );
  }

  /** SIGKILL (also a stopped process), and wait for it to be gone. */
  async kill(): Promise<void> {
    if (!this.proc || this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    killGroup(this.proc.pid, 'SIGKILL');
    await Promise.race([this.exited, sleep(5000)]);
  }

  /** The process (and group) id while it runs: bench:e2e counts its CPU. */
  get pid(): number | undefined {
    return this.proc?.pid;
  }

  freeze(): void {
    killGroup(this.proc?.pid, 'SIGSTOP');
  }

  thaw(): void {
    killGroup(this.proc?.pid, 'SIGCONT');
  }
}

// ---------------------------------------------------------------------------------------------
// The service as a child process
// ---------------------------------------------------------------------------------------------

export const WEBHOOK_SECRET = 'bench_faults_secret';
export const PUBLIC_URL = 'https://faults.example.org';

export interface Replica {
  name: string;
  port: number;
  proc: ChildProcess;
  /** The last 40 kB of its stderr (logs at LOG_LEVEL=warn). */
  stderr: string;
  exited: Promise<void>;
  alive(): boolean;
  /** Log lines by their `msg` (warn and above), and a few of each one's lines. */
  logCounts: Map<string, number>;
  logSamples: Map<string, string[]>;
}

export interface ReplicaOptions {
  name: string;
  databaseUrl: string;
  meili: { url: string; masterKey: string };
  telegram: { token: string; url: string };
  env?: Record<string, string>;
}

/** `node bin/patent-bridge.mjs serve` in its own process group; resolves once it is ready. */
export async function startReplica(res: Resources, o: ReplicaOptions): Promise<Replica> {
  const dataDir = res.tempDir(`pb-faults-${o.name}-`);
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, 'serve'], {
    cwd: PACKAGE_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.homedir(),
      DATABASE_URL: o.databaseUrl,
      MEILI_URL: o.meili.url,
      MEILI_MASTER_KEY: o.meili.masterKey,
      DATA_DIR: dataDir,
      CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'),
      TELEGRAM_BOT_TOKEN: o.telegram.token,
      TELEGRAM_API_ROOT: o.telegram.url,
      TELEGRAM_WEBHOOK_SECRET: WEBHOOK_SECRET,
      PUBLIC_URL,
      PORT: String(port),
      LOG_LEVEL: 'warn',
      ...o.env,
    },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let exited = false;
  const r: Replica = {
    name: o.name,
    port,
    proc,
    stderr: '',
    exited: new Promise<void>((resolve) => proc.once('exit', () => ((exited = true), resolve()))),
    alive: () => !exited,
    logCounts: new Map(),
    logSamples: new Map(),
  };
  res.add(`kill ${o.name}`, async () => {
    killGroup(proc.pid, 'SIGKILL');
    await Promise.race([r.exited, sleep(5000)]);
  });
  proc.stdout!.resume();
  let partial = '';
  proc.stderr!.on('data', (b: Buffer) => {
    r.stderr = (r.stderr + b.toString()).slice(-40_000);
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (!line.startsWith('{')) continue;
      try {
        const msg = String((JSON.parse(line) as { msg?: unknown }).msg);
        r.logCounts.set(msg, (r.logCounts.get(msg) ?? 0) + 1);
        const samples = r.logSamples.get(msg) ?? [];
        if (samples.length < 3) r.logSamples.set(msg, [...samples, line]);
      } catch {
        /* not a log line */
      }
    }
  });
  await until(
    () => {
      if (exited) throw new Error(`${o.name} exited during start (code ${proc.exitCode}):\n${r.stderr}`);
      return r.stderr.includes('web chat at');
    },
    `${o.name} to be ready`,
    90_000,
  ).catch((err: Error) => Promise.reject(new Error(`${err.message}\nstderr of ${o.name}:\n${r.stderr}`)));
  return r;
}

/** The replica's /readyz: 200 and the checks, or the error. */
export async function readyz(r: Replica): Promise<string> {
  const t = performance.now();
  try {
    const resp = await fetch(`http://127.0.0.1:${r.port}/readyz`, { signal: AbortSignal.timeout(15_000) });
    const body = (await resp.json()) as { checks?: Record<string, string> };
    const bad = Object.entries(body.checks ?? {}).filter(([, v]) => v !== 'ok').map(([k]) => k);
    const took = `${((performance.now() - t) / 1000).toFixed(1)} s`;
    return resp.status === 200 ? `200 in ${took}` : `${resp.status} (${bad.join(', ')}) in ${took}`;
  } catch (err) {
    return `error: ${(err as Error).message}`;
  }
}
