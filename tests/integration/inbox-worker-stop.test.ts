/**
 * Stopping an inbox worker waits for the rows being handled, but not for ever: a handle stuck past
 * the stop deadline is left (its row stays in the database under a lease that is no longer renewed,
 * so another start takes it over) and the stop says which update ids it left. A shutdown (SIGTERM)
 * must not hang on one stuck row.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboxStore, type InboxRow } from '../../src/services/inbox-store.js';
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

describe('InboxWorker.stop', () => {
  it('waits for a handle that finishes', async () => {
    const inbox = new InboxStore(tdb.database);
    await inbox.accept('telegram', 'u-finishes', 'c1', { text: 'x' });
    let finished = false;
    let started!: () => void;
    const begun = new Promise<void>((r) => (started = r));
    const worker = new InboxWorker(inbox, 'telegram', async () => {
      started();
      await new Promise((r) => setTimeout(r, 200));
      finished = true;
    }, createLogger('silent'));
    worker.start(60_000);
    await begun;
    await worker.stop(5_000);
    expect(finished).toBe(true);
  });

  it('gives up on a stuck handle after its deadline and names the row it left', async () => {
    const inbox = new InboxStore(tdb.database);
    await inbox.accept('slack', 'u-stuck', 'c2', { text: 'x' });
    const lines: string[] = [];
    let started!: () => void;
    const begun = new Promise<void>((r) => (started = r));
    const worker = new InboxWorker(inbox, 'slack', () => (started(), new Promise<void>(() => {})), createLogger('warn', {}, (l) => lines.push(l)));
    worker.start(60_000);
    await begun;
    const stopped = await Promise.race([worker.stop(300).then(() => 'returned'), new Promise((r) => setTimeout(() => r('hung'), 10_000))]);
    expect(stopped).toBe('returned');
    const warn = lines.map((l) => JSON.parse(l) as { msg: string; updateIds?: string[] }).find((l) => /stopped with rows still being handled/.test(l.msg));
    expect(warn?.updateIds).toEqual(['u-stuck']);
  });

  it('drains when it is stopped during a claim that a kick arrived in', async () => {
    // A claim held open by the test: the kick and the stop both land while it runs, as a timer tick
    // and a SIGTERM can on a loaded machine with a slow database.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let claiming!: () => void;
    const inClaim = new Promise<void>((r) => (claiming = r));
    class SlowClaim extends InboxStore {
      override async claim(platform: string, limit: number): Promise<InboxRow[]> {
        claiming();
        await gate;
        return super.claim(platform, limit);
      }
    }
    const lines: string[] = [];
    const worker = new InboxWorker(new SlowClaim(tdb.database), 'telegram', async () => {}, createLogger('warn', {}, (l) => lines.push(l)));
    worker.start(60_000);
    await inClaim;
    worker.kick();
    const stopping = worker.stop(30_000);
    release();
    await stopping;
    expect(lines.filter((l) => /stopped with rows still being handled/.test(l))).toEqual([]);
  });
});
