/**
 * Processes for `npm run bench:e2e`: the server and floor children (own process groups, ready when
 * a line appears in their output), CPU accounting per process group from /proc, and sampling of a
 * process's resident memory while it runs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { PACKAGE_ROOT } from '../src/util/paths.js';
export { freePort } from '../tests/support/free-port.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Child {
  proc: ChildProcess;
  out: string;
  exited: Promise<void>;
}

/** Spawns in its own process group (the server's Meilisearch goes with it) and waits for `ready` in its output. */
export async function startChild(args: string[], env: Record<string, string>, ready: RegExp, what: string, ms = 90_000): Promise<Child> {
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
export async function stopChild(child: Child, graceMs = 20_000): Promise<void> {
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

/** CPU seconds used so far by the processes of some process groups (the server, the Meilisearch it uses), Meilisearch apart. */
function groupCpuSeconds(pgids: number[]): { all: number; meili: number } {
  let ticks = 0;
  let meili = 0;
  try {
    for (const pid of readdirSync('/proc')) {
      if (!/^\d+$/.test(pid)) continue;
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
        if (!pgids.includes(Number(f[2]))) continue;
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

export interface CpuShare {
  server: number;
  meili: number;
  bench: number;
  machine: number;
}

export function cpuMeter(pgids: number[]): () => CpuShare {
  const t0 = performance.now();
  const server0 = groupCpuSeconds(pgids);
  const bench0 = process.cpuUsage();
  const machine0 = machineCpuSeconds();
  return () => {
    const secs = (performance.now() - t0) / 1000;
    const bench = process.cpuUsage(bench0);
    const machine = machineCpuSeconds();
    const server = groupCpuSeconds(pgids);
    return {
      server: (server.all - server0.all) / secs,
      meili: (server.meili - server0.meili) / secs,
      bench: (bench.user + bench.system) / 1e6 / secs,
      machine: machine.total > machine0.total ? ((machine.busy - machine0.busy) / (machine.total - machine0.total)) * os.cpus().length : 0,
    };
  };
}


/** Resident and peak resident memory of one process in bytes (Linux /proc; undefined elsewhere or once it is gone). */
export function memoryOf(pid: number): { rss: number; peak: number } | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? NaN) * 1024;
    return { rss: kb('VmRSS'), peak: kb('VmHWM') };
  } catch {
    return undefined;
  }
}

/** Samples a process's peak RSS every 200 ms until stopped (the last sample before it exits counts). */
export function watchPeak(pid: number): () => number {
  let peak = 0;
  const sample = () => (peak = Math.max(peak, memoryOf(pid)?.peak ?? 0));
  const timer = setInterval(sample, 200);
  sample();
  return () => {
    sample();
    clearInterval(timer);
    return peak;
  };
}

export const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;
