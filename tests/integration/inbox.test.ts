/** The inbound-update inbox on PGlite and, with TEST_DATABASE_URL, on the Postgres server. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InboxStore, MAX_ATTEMPTS } from '../../src/services/inbox-store.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';

describe.each(DB_KINDS)('inbox on %s', (kind) => {
  let tdb: TestDb;
  let inbox: InboxStore;
  beforeAll(async () => {
    tdb = await openTestDb(kind);
    inbox = new InboxStore(tdb.database);
  });
  afterAll(() => tdb?.drop());

  it('records an update once', async () => {
    expect(await inbox.accept('telegram', '1', '42', { update_id: 1, text: 'a' })).toBe('recorded');
    expect(await inbox.accept('telegram', '1', '42', { update_id: 1, text: 'a' })).toBe('duplicate');
  });

  it('stores text Postgres refuses (NUL, lone surrogates, in values and keys), cleaned', async () => {
    expect(await inbox.accept('slack', 'Ev\u0000X', 'D\u00001', { text: 'a\u0000b\ud800c', ['k\u0000']: ['\udc00'] })).toBe('recorded');
    const [r] = await tdb.database.rows<{ update_id: string; chat_id: string; payload: unknown }>(sql`select update_id, chat_id, payload from inbound_updates where platform = 'slack'`);
    expect(r).toEqual({ update_id: 'EvX', chat_id: 'D1', payload: { text: 'ab\ufffdc', k: ['\ufffd'] } });
    await tdb.database.rows(sql`delete from inbound_updates where platform = 'slack'`);
  });

  it('records a rejected update once, without a payload, and never hands it to a worker', async () => {
    await inbox.reject('telegram', '500', 'no_chat');
    await inbox.reject('telegram', '500', 'no_chat');
    const rows = await tdb.database.rows<{ status: string; payload: unknown; error: string }>(sql`select status, payload, error from inbound_updates where update_id = '500'`);
    expect(rows).toEqual([{ status: 'rejected', payload: {}, error: 'no_chat' }]);
    expect(await inbox.accept('telegram', '500', '42', { update_id: 500 })).toBe('duplicate');
  });

  it('leases rows so two claimers never get the same one', async () => {
    for (let i = 2; i <= 6; i++) await inbox.accept('telegram', String(i), '42', { update_id: i });
    const [a, b] = await Promise.all([inbox.claim('telegram', 3), inbox.claim('telegram', 3)]);
    const ids = [...a, ...b].map((r) => r.updateId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.sort()).toEqual(['1', '2', '3', '4', '5', '6']); // not the rejected '500'
    expect(await inbox.claim('telegram', 10)).toEqual([]);
    expect(a.every((r) => r.attempts === 1)).toBe(true);
  });

  it('resumes sending where it stopped and clears personal data when done', async () => {
    await tdb.database.rows(sql`update inbound_updates set lease_until = null where update_id = '1'`);
    const [row] = await inbox.claim('telegram', 1);
    expect(row!.updateId).toBe('1');
    await inbox.saveReplies(row!, [{ text: 'one' }, { text: 'two' }]);
    await inbox.markSent(row!, 1);
    await tdb.database.rows(sql`update inbound_updates set lease_until = null where update_id = '1'`);
    const [again] = await inbox.claim('telegram', 1);
    expect(again).toMatchObject({ status: 'sending', sent: 1, replies: [{ text: 'one' }, { text: 'two' }], attempts: 3 });
    await inbox.markDone(again!);
    const [done] = await tdb.database.rows<{ status: string; payload: unknown; replies: unknown }>(
      sql`select status, payload, replies from inbound_updates where update_id = '1'`,
    );
    expect(done).toEqual({ status: 'done', payload: {}, replies: null });
  });

  it('backs off after a failure and parks a row after the last attempt', async () => {
    await inbox.accept('telegram', '99', '7', { update_id: 99 });
    let [row] = await inbox.claim('telegram', 1);
    expect(await inbox.markFailed(row!, 'boom')).toBe('retry');
    expect(await inbox.claim('telegram', 1)).toEqual([]); // still backing off
    await tdb.database.rows(sql`update inbound_updates set attempts = ${MAX_ATTEMPTS - 1}, lease_until = null where update_id = '99'`);
    [row] = await inbox.claim('telegram', 1);
    expect(await inbox.markFailed(row!, 'boom')).toBe('failed');
    const [r] = await tdb.database.rows<{ status: string; error: string }>(sql`select status, error from inbound_updates where update_id = '99'`);
    expect(r).toEqual({ status: 'failed', error: 'boom' });
  });

  it('keeps no parameters of a failed query in the error it stores', async () => {
    await inbox.accept('telegram', '98', '7', { update_id: 98 });
    await tdb.database.rows(sql`update inbound_updates set lease_until = null where update_id = '98'`);
    const [row] = await inbox.claim('telegram', 1);
    await inbox.markFailed(row!, 'DrizzleQueryError: Failed query: insert into "x" values ($1)\nparams: {"first_name":"Zhangwei","text":"11010519491231002X"}\u0000');
    const [r] = await tdb.database.rows<{ error: string }>(sql`select error from inbound_updates where update_id = '98'`);
    expect(r!.error).toBe('DrizzleQueryError: Failed query: insert into "x" values ($1)\nparams: [redacted]');
  });

  it('records an update held by its insert: leased like a claim, so no claimer gets it, once', async () => {
    const held = await inbox.acceptHeld('telegram', '70', '8', { update_id: 70 }, true);
    expect(held).toEqual({ outcome: 'recorded', row: { platform: 'telegram', updateId: '70', chatId: '8', payload: { update_id: 70 }, status: 'pending', attempts: 1, replies: null, sent: 0 } });
    expect(await inbox.claim('telegram', 10)).toEqual([]);
    expect(await inbox.acceptHeld('telegram', '70', '8', { update_id: 70 }, true)).toEqual({ outcome: 'duplicate' });
    // The lease lapses (a dead worker): any claimer takes it over, as the second attempt.
    await tdb.database.rows(sql`update inbound_updates set lease_until = now() - interval '1 second' where update_id = '70'`);
    const [again] = await inbox.claim('telegram', 10);
    expect(again).toMatchObject({ updateId: '70', attempts: 2 });
    await inbox.markDone(again!);
  });

  it('finishes rows whose done marks are asked for together, each once written', async () => {
    for (let i = 71; i <= 75; i++) await inbox.accept('telegram', String(i), String(i), { update_id: i });
    const rows = await inbox.claim('telegram', 10);
    expect(rows.map((r) => r.updateId).sort()).toEqual(['71', '72', '73', '74', '75']);
    await Promise.all(rows.map((r) => inbox.markDone(r)));
    const done = await tdb.database.rows<{ update_id: string; status: string; payload: unknown }>(
      sql`select update_id, status, payload from inbound_updates where update_id in ('70', '71', '72', '73', '74', '75') order by update_id`,
    );
    expect(done.map((d) => [d.update_id, d.status])).toEqual([['70', 'done'], ['71', 'done'], ['72', 'done'], ['73', 'done'], ['74', 'done'], ['75', 'done']]);
    expect(done.every((d) => JSON.stringify(d.payload) === '{}')).toBe(true);
  });

  it('prunes finished and rejected rows after a week', async () => {
    await tdb.database.rows(sql`update inbound_updates set updated_at = now() - interval '8 days' where status in ('done', 'failed', 'rejected')`);
    expect(await inbox.prune(7)).toBe(9);
  });
});
