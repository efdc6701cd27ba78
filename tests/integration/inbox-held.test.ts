/**
 * Rows recorded held by their insert (InboxStore.acceptHeld + InboxWorker.reserve/adopt): handled
 * without a claim, and when the worker is full the rest go unheld and are claimed — one chat's rows
 * still in order, and once the backlog is claimed new rows are held again.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboxStore } from '../../src/services/inbox-store.js';
import { InboxWorker } from '../../src/services/inbox-worker.js';
import { createLogger } from '../../src/util/log.js';
import { openTestDb, type TestDb } from '../support/db.js';

let tdb: TestDb;
beforeAll(async () => {
  tdb = await openTestDb('pglite');
});
afterAll(async () => {
  await tdb?.drop();
});

describe('InboxWorker with rows held by their insert', () => {
  it('handles one chat in order across held and overflowing unheld rows, then holds again', async () => {
    const inbox = new InboxStore(tdb.database);
    const handled: string[] = [];
    let open!: () => void;
    let openFirst!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const first = new Promise<void>((r) => (openFirst = r));
    // Concurrency 1: room for 4 held rows. Row 1 waits for `first`, the rest for `gate`.
    const worker = new InboxWorker(inbox, 'telegram', async (row) => {
      await (row.updateId === '1' ? first : gate);
      handled.push(row.updateId);
      await inbox.markDone(row);
    }, createLogger('silent'), 1);
    worker.start(60_000);
    const record = async (id: string) => {
      const hold = worker.reserve();
      const res = await inbox.acceptHeld('telegram', id, 'c', { update_id: id }, hold);
      if (res.row) worker.adopt(res.row);
      else if (hold) worker.release();
      else worker.unheld();
      return hold;
    };
    const holds: boolean[] = [];
    for (const id of ['1', '2', '3', '4', '5']) holds.push(await record(id));
    // Full at the 5th: it waits unheld. Row 1 is done and frees room for row 5's claim; row 6 goes
    // unheld too (full again, or row 5 not yet claimed: it must not overtake it) and is claimed after it.
    openFirst();
    await expect.poll(() => handled.length, { timeout: 10_000 }).toBe(1);
    holds.push(await record('6'));
    expect(holds).toEqual([true, true, true, true, false, false]);
    open();
    await expect.poll(() => handled.length, { timeout: 10_000 }).toBe(6);
    expect(handled).toEqual(['1', '2', '3', '4', '5', '6']);
    // The backlog was claimed: a new row is held by its insert again.
    expect(worker.reserve()).toBe(true);
    worker.release();
    await worker.stop(5_000);
  });
});
