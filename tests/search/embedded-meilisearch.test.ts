/**
 * The embedded Meilisearch ends when its owner ends, however the owner ends: kill -9, process.exit
 * (the second-signal path of `serve`), a clean stop, or its watchdog being killed. Owners are
 * child processes; "gone" means no such pid or a zombie waiting for its reaper.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedMeilisearch } from '../../search/embedded-meilisearch.js';

const CHILD = path.join(import.meta.dirname, 'meili-child.ts');
const dirs: string[] = [];
const started: number[] = [];
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function goneWithin(pid: number, ms: number): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(50)) if (!alive(pid)) return true;
  return !alive(pid);
}

function parentOf(pid: number): number {
  return Number(readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^\d+ \(.*\) /, '').split(' ')[1]);
}

async function owner(mode?: 'exit') {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-meili-owner-'));
  dirs.push(dir);
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, dir, ...(mode ? [mode] : [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  proc.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
  for (const end = Date.now() + 30_000; !/ready \d+\n/.test(out); await sleep(50)) {
    if (Date.now() > end || proc.exitCode !== null) throw new Error(`the owner did not start:\n${err}`);
  }
  const pid = Number(/ready (\d+)/.exec(out)![1]);
  started.push(pid);
  return { proc, pid, exited };
}

afterAll(() => {
  for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('the embedded Meilisearch ends with its owner', () => {
  it('when the owner is killed with SIGKILL', async () => {
    const { proc, pid, exited } = await owner();
    expect(alive(pid)).toBe(true);
    proc.kill('SIGKILL');
    await exited;
    expect(await goneWithin(pid, 5000)).toBe(true);
  }, 60_000);

  it('when the owner calls process.exit (the second signal of serve)', async () => {
    const { proc, pid, exited } = await owner('exit');
    proc.kill('SIGTERM');
    expect(await exited).toBe(130);
    expect(await goneWithin(pid, 5000)).toBe(true);
  }, 60_000);

  it('when its watchdog is killed, and on a clean stop, which removes the pid file', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-meili-owner-'));
    dirs.push(dir);
    const a = await startEmbeddedMeilisearch({ dir, maxIndexingMemory: '256MiB' });
    const pid = Number(readFileSync(path.join(dir, 'meilisearch.pid'), 'utf8'));
    started.push(pid);
    const watchdog = parentOf(pid);
    expect(watchdog).not.toBe(process.pid);
    process.kill(watchdog, 'SIGKILL');
    expect(await goneWithin(pid, 5000)).toBe(true);
    await a.stop();

    const b = await startEmbeddedMeilisearch({ dir, maxIndexingMemory: '256MiB' });
    const pid2 = Number(readFileSync(path.join(dir, 'meilisearch.pid'), 'utf8'));
    started.push(pid2);
    expect((await fetch(`${b.url}/health`)).ok).toBe(true);
    await b.stop();
    expect(alive(pid2)).toBe(false);
    expect(existsSync(path.join(dir, 'meilisearch.pid'))).toBe(false);
  }, 60_000);
});
