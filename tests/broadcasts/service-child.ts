/**
 * The service as a child process for broadcast tests and the broadcast bench: `node
 * bin/patent-bridge.mjs serve` on a Postgres database, talking to the fake Telegram Bot API of
 * the calling process, in webhook mode (PUBLIC_URL set, so replicas do not fight over getUpdates;
 * the fake accepts the webhook and never calls it), each with its own HTTP port and DATA_DIR
 * (its own embedded Meilisearch). Also: seeding registrants in bulk and reading a replica's
 * Prometheus counters.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { sql } from 'drizzle-orm';
import type { Database } from '../../src/db/database.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { freePort } from '../support/free-port.js';

const BIN = path.join(PACKAGE_ROOT, 'bin', 'patent-bridge.mjs');
const STALL_PROBE = pathToFileURL(path.join(PACKAGE_ROOT, 'tests', 'broadcasts', 'stall-probe.mjs')).href;
export const EXPO = 'expo-2026-wuhan';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function until<T>(f: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 10_000, everyMs = 20): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

export interface ServiceChild {
  name: string;
  proc: ChildProcess;
  port: number;
  dataDir: string;
  /** The last 20 kB of its stderr (logs at LOG_LEVEL=warn and the "ready" line). */
  stderr: string;
  /** Times this process did not run for ≥ 10 ms (its stall probe): [from, to] in Date.now() ms. */
  stalls: Stall[];
  exited: Promise<void>;
}

export interface StartOptions {
  name: string;
  databaseUrl: string;
  fake: { token: string; url: string };
  /** Reused across a restart (same Meilisearch data); a fresh temporary directory when omitted. */
  dataDir?: string;
  /** Extra environment (TELEGRAM_MAX_PER_SECOND, BROADCAST_CONCURRENCY …). */
  env?: Record<string, string>;
  readyTimeoutMs?: number;
}

/** Every child started and not yet ended through killGroup, ready or not (see killAllChildren). */
const spawned = new Set<ServiceChild>();

/**
 * Starts `serve` in its own process group and resolves once it is ready ("web chat at" on stderr).
 * If it fails to start, it is ended and its data directory removed when it was a temporary one.
 */
export async function startServiceChild(o: StartOptions): Promise<ServiceChild> {
  const dataDir = o.dataDir ?? mkdtempSync(path.join(os.tmpdir(), `pb-bcast-${o.name}-`));
  const port = await freePort();
  const proc = spawn(process.execPath, [BIN, 'serve'], {
    cwd: PACKAGE_ROOT,
    // Only what the service needs: no TEST_* or VITEST variables leak into it.
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? os.homedir(),
      DATABASE_URL: o.databaseUrl,
      DATA_DIR: dataDir,
      CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'),
      TELEGRAM_BOT_TOKEN: o.fake.token,
      TELEGRAM_API_ROOT: o.fake.url,
      // Webhook mode: no getUpdates, so several replicas can share the bot.
      PUBLIC_URL: 'https://replica.example.org',
      PORT: String(port),
      LOG_LEVEL: 'warn',
      // Reports the process's own stalls (see stall-probe.mjs); no effect on the service.
      NODE_OPTIONS: `--import=${STALL_PROBE}`,
      ...o.env,
    },
    // Its own process group: killGroup ends it together with the Meilisearch it spawned.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const child: ServiceChild = { name: o.name, proc, port, dataDir, stderr: '', stalls: [], exited: new Promise<void>((r) => proc.once('exit', () => r())) };
  spawned.add(child);
  proc.stdout!.resume();
  let partial = '';
  proc.stderr!.on('data', (b: Buffer) => {
    const lines = (partial + b.toString()).split('\n');
    partial = lines.pop()!;
    for (const line of lines) {
      const m = /^stall-probe: (\d+) (\d+)$/.exec(line);
      if (m) child.stalls.push([Number(m[1]), Number(m[2])]);
      else child.stderr = (child.stderr + line + '\n').slice(-20_000);
    }
  });
  let exited = false;
  void child.exited.then(() => (exited = true));
  try {
    await until(
      () => {
        if (exited) throw new Error(`${o.name} exited during start (code ${proc.exitCode})`);
        return child.stderr.includes('web chat at');
      },
      `${o.name} to be ready ("web chat at" on stderr)`,
      o.readyTimeoutMs ?? 60_000,
      50,
    );
  } catch (err) {
    await killGroup(child);
    if (!o.dataDir) removeDir(dataDir);
    throw new Error(`${(err as Error).message}\nstderr of ${o.name}:\n${child.stderr}`);
  }
  return child;
}

export type Stall = [from: number, to: number];

/** The same probe as stall-probe.mjs for this process (where the fake Bot API runs): its stalls, until stop(). */
export function watchStalls(reportMs = 10): { stalls: Stall[]; stop(): void } {
  const stalls: Stall[] = [];
  let last = Date.now();
  let lastHr = performance.now();
  const timer = setInterval(() => {
    const hr = performance.now();
    const now = Date.now();
    if (hr - lastHr - 5 >= reportMs) stalls.push([last, now]);
    last = now;
    lastHr = hr;
  }, 5);
  timer.unref();
  return { stalls, stop: () => clearInterval(timer) };
}

/**
 * The 429s that no stall explains. The senders space sends 3 % wider than 1/cap
 * (SendSlots.SHARED_MARGIN): 30 ms per second to absorb arrival jitter of "a few milliseconds".
 * A process that did not run for ≥ `minMs` — a sender (its due sends leave late, next to others'
 * that leave on time) or the fake (requests wait, then are counted in a burst) — bunches sends
 * that were spaced right, and the fake can refuse one within the next second. A 429 is explained
 * when such a stall ended in the second before it (or just after: the fake counts on arrival).
 */
export function unexplained429s(refusedAt: number[], stalls: Stall[], minMs = 20): number[] {
  const long = stalls.filter(([from, to]) => to - from - 5 >= minMs); // a tick is 5 ms
  return refusedAt.filter((t) => !long.some(([, to]) => to > t - 1050 && to <= t + 20));
}

/** SIGKILL to the service process alone (its Meilisearch is orphaned, as in a real crash; a restart on the same DATA_DIR ends it). */
export async function crash(child: ServiceChild): Promise<void> {
  child.proc.kill('SIGKILL');
  await child.exited;
}

/** Ends the child's whole process group (service and Meilisearch, orphaned or not). */
export async function killGroup(child: ServiceChild): Promise<void> {
  spawned.delete(child);
  try {
    process.kill(-child.proc.pid!, 'SIGKILL');
  } catch {
    /* already gone */
  }
  await Promise.race([child.exited, sleep(5000)]);
}

/**
 * Ends every child still running — also one whose start was cut short because a sibling's failed
 * (Promise.all) — and removes their data directories. Returns how many there were.
 */
export async function killAllChildren(): Promise<number> {
  const all = [...spawned];
  await Promise.all(all.map(killGroup));
  for (const dir of new Set(all.map((c) => c.dataDir))) removeDir(dir);
  return all.length;
}

/**
 * `n` Telegram users (chat ids first … first+n-1, every fourth reading English), each with a
 * confirmed registration for the 2026 expo: one statement. Returns the chat ids.
 */
export async function seedRegistrants(database: Database, n: number, first = 5_000_000): Promise<string[]> {
  await database.rows(sql`
    with u as (
      insert into users (platform, platform_user_id, locale)
      select 'telegram', (${first}::bigint + g)::text, case when g % 4 = 0 then 'en' else 'zh' end from generate_series(0, ${n - 1}) g
      returning id, platform_user_id)
    insert into registrations (expo_slug, user_id, name, organisation, role, phone, status, code, consent_at)
    select ${EXPO}, u.id, 'n', 'o', 'buyer', '13800138000', 'confirmed', 'B' || u.platform_user_id, now() from u
    returning id`);
  return Array.from({ length: n }, (_, i) => String(first + i));
}

/** The replica's own count of broadcast sends to Telegram that came back 'sent' (its /metrics). */
export async function sentByReplica(child: ServiceChild): Promise<number> {
  const body = await (await fetch(`http://127.0.0.1:${child.port}/metrics`)).text();
  const line = body.split('\n').find((l) => l.startsWith('patent_bridge_broadcast_deliveries_total{') && l.includes('platform="telegram"') && l.includes('result="sent"'));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

/** Per recipient, how many of `sends` reached them (0 for nobody lost). */
export function tally(recipients: string[], sends: { method: string; chatId: string }[]): { perChat: Map<string, number>; duplicates: number; lost: number; duplicated: string[] } {
  const perChat = new Map(recipients.map((r) => [r, 0]));
  for (const s of sends) if (s.method === 'sendMessage' && perChat.has(s.chatId)) perChat.set(s.chatId, perChat.get(s.chatId)! + 1);
  let duplicates = 0;
  let lost = 0;
  const duplicated: string[] = [];
  for (const [chat, n] of perChat) {
    if (n === 0) lost++;
    if (n > 1) {
      duplicates += n - 1;
      duplicated.push(chat);
    }
  }
  return { perChat, duplicates, lost, duplicated };
}

export function removeDir(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

