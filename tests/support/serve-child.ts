/**
 * `node bin/patent-bridge.mjs serve` as a child process, for the console's browser test and
 * bench: its own process group (so its Meilisearch ends with it), a free port, a fresh DATA_DIR
 * unless one is given, and only the environment passed here (no TEST_* or VITEST variables).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { freePort } from './free-port.js';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'patent-bridge.mjs');
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ServeChild {
  proc: ChildProcess;
  url: string;
  dataDir: string;
  /** The last 20 kB of its stderr. */
  stderr(): string;
  /** SIGTERM to the group (a clean drain), SIGKILL after `graceMs`; removes a DATA_DIR it created. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServeOptions {
  /** Extra environment: ADMIN_TOKEN, DATABASE_URL, TELEGRAM_* … */
  env: Record<string, string>;
  /** Reused when given (and then left in place); a fresh temporary directory otherwise. */
  dataDir?: string;
  readyTimeoutMs?: number;
  /** Every chunk of its stderr as it arrives (the whole log, where `stderr()` keeps only the tail). */
  onStderr?: (chunk: string) => void;
}

export async function startServe(o: ServeOptions): Promise<ServeChild> {
  const ownDir = !o.dataDir;
  const dataDir = o.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'pb-serve-'));
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, 'serve'], {
    cwd: PACKAGE_ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? os.homedir(), DATA_DIR: dataDir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn', ...o.env },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let err = '';
  proc.stdout!.resume();
  proc.stderr!.on('data', (b: Buffer) => {
    err = (err + b.toString()).slice(-20_000);
    o.onStderr?.(b.toString());
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let gone = false;
  void exited.then(() => (gone = true));
  const signal = (s: NodeJS.Signals) => {
    try {
      process.kill(-proc.pid!, s);
    } catch {
      /* already gone */
    }
  };
  const child: ServeChild = {
    proc,
    url: `http://127.0.0.1:${port}`,
    dataDir,
    stderr: () => err,
    async stop(graceMs = 10_000) {
      signal('SIGTERM');
      await Promise.race([exited, sleep(graceMs)]);
      signal('SIGKILL'); // whatever is left of the group (its Meilisearch)
      await Promise.race([exited, sleep(5000)]);
      if (ownDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
  const end = Date.now() + (o.readyTimeoutMs ?? 90_000);
  while (!err.includes('web chat at')) {
    if (gone || Date.now() > end) {
      await child.stop(1000);
      throw new Error(`the service ${gone ? `exited (code ${proc.exitCode})` : 'was not ready in time'} during start; its stderr:\n${err}`);
    }
    await sleep(50);
  }
  return child;
}
