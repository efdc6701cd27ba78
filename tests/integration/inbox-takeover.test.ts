/**
 * A replica dies holding inbox rows (SIGKILL of a child process): while it lives its heartbeat
 * keeps the rows its own however long they take; once dead, the survivor takes them over within
 * 15 s and each update is handled exactly once. Needs two processes on one database: the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InboxStore, LEASE_SECONDS, type InboxRow } from '../../src/services/inbox-store.js';
import { InboxWorker } from '../../src/services/inbox-worker.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { openTestDb, type TestDb } from '../support/db.js';

const CHILD = path.join(PACKAGE_ROOT, 'tests', 'integration', 'inbox-child.ts');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!process.env.TEST_DATABASE_URL)('inbox takeover after a SIGKILL (child process; skipped without TEST_DATABASE_URL)', () => {
  let t: TestDb | undefined;
  let child: ChildProcess | undefined;
  let survivor: InboxWorker | undefined;
  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await survivor?.stop();
    await t?.drop();
  });

  it('keeps a live holder\'s rows, and hands a dead one\'s to the survivor within 15 s, once each', async () => {
    t = await openTestDb('postgres');
    const inbox = new InboxStore(t.database);
    const ids = ['901', '902', '903'];
    for (const [i, id] of ids.entries()) await inbox.accept('telegram', id, String(5000 + i), { n: i });

    child = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: PACKAGE_ROOT, env: { ...process.env, DATABASE_URL: t.url! }, stdio: ['ignore', 'pipe', 'inherit'] });
    const holding = new Set<string>();
    child.stdout!.on('data', (b: Buffer) => {
      for (const m of b.toString().matchAll(/holding (\d+)/g)) holding.add(m[1]!);
    });
    for (const end = Date.now() + 30_000; holding.size < ids.length; await sleep(50)) if (Date.now() > end) throw new Error('the child did not claim the rows');

    const handled: string[] = [];
    survivor = new InboxWorker(inbox, 'telegram', async (row: InboxRow) => {
      handled.push(row.updateId);
      await inbox.markDone(row);
    }, createLogger('silent'));
    survivor.start(200);
    // Longer than one lease: only renewal keeps the rows with the (live, busy) holder.
    await sleep(LEASE_SECONDS * 1000 + 2000);
    expect(handled).toEqual([]);

    child.kill('SIGKILL');
    const killedAt = Date.now();
    for (const end = killedAt + 20_000; handled.length < ids.length && Date.now() < end; ) await sleep(50);
    const takeoverMs = Date.now() - killedAt;
    expect(handled.sort()).toEqual(ids);
    expect(takeoverMs).toBeLessThanOrEqual(15_000);
    await sleep(1000);
    expect(handled).toHaveLength(ids.length);
    console.log(`inbox takeover after SIGKILL: ${takeoverMs} ms`);
  }, 60_000);
});
