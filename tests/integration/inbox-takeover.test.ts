/**
 * A replica dies holding inbox rows (SIGKILL of a child process): while it lives its heartbeat
 * keeps the rows its own however long they take; once dead, the survivor takes them over when
 * their lease runs out — at most LEASE_SECONDS (10 s) after the kill, read off the rows on the
 * database's clock rather than timed here — and each update is handled exactly once, on the rows'
 * second claim. Needs two processes on one database: the server.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { sql } from 'drizzle-orm';
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

  it('keeps a live holder\'s rows, and hands a dead one\'s to the survivor once its lease runs out, once each', async () => {
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
    const claims: number[] = [];
    survivor = new InboxWorker(inbox, 'telegram', async (row: InboxRow) => {
      handled.push(row.updateId);
      claims.push(row.attempts);
      await inbox.markDone(row);
    }, createLogger('silent'));
    survivor.start(200);
    // Longer than one lease: only renewal keeps the rows with the (live, busy) holder.
    await sleep(LEASE_SECONDS * 1000 + 2000);
    expect(handled).toEqual([]);

    child.kill('SIGKILL');
    const killedAt = Date.now();
    // What the dead holder left: leases that run out within one lease from now, on the database's
    // clock (its heartbeat set them; nobody renews them any more).
    const left = await t.database.rows<{ ms: number }>(
      sql`select (extract(epoch from lease_until - now()) * 1000)::float8 as ms from inbound_updates where platform = 'telegram' and update_id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`,
    );
    expect(left).toHaveLength(ids.length);
    for (const l of left) expect(l.ms).toBeLessThanOrEqual(LEASE_SECONDS * 1000);
    // A deadline for the survivor's polls to get there, not a measure of them.
    for (const end = killedAt + 30_000; handled.length < ids.length && Date.now() < end; ) await sleep(50);
    const takeoverMs = Date.now() - killedAt;
    expect(handled.sort()).toEqual(ids);
    // Each row's second claim (the child's, then the survivor's): nobody claimed it in between.
    expect(claims).toEqual(ids.map(() => 2));
    await sleep(1000);
    expect(handled).toHaveLength(ids.length);
    console.log(`inbox takeover after SIGKILL: ${takeoverMs} ms (diagnostic; leases left at the kill ${left.map((l) => Math.round(l.ms)).join(', ')} ms)`);
  }, 60_000);
});
