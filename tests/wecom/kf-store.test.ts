/** The 微信客服 state in Postgres (PGlite, and the server with TEST_DATABASE_URL): pages, window, forget. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KfStore, type KfMessage } from '../../bots/wecom/kf-store.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';

const at = new Date('2026-11-21T02:00:00Z');
const msg = (msgid: string, ext: string, sendTime = at.getTime() / 1000): KfMessage => ({ msgid, open_kfid: 'wkK', external_userid: ext, send_time: sendTime, origin: 3, msgtype: 'text', text: { content: `from ${ext}: 13700001111` } });

describe.each(DB_KINDS)('KfStore on %s', (kind) => {
  let db: TestDb;
  let store: KfStore;
  beforeAll(async () => {
    db = await openTestDb(kind);
    store = new KfStore(db.database);
  });
  afterAll(async () => db?.drop());

  it('records a page and its cursor once: the same page read again adds nothing and keeps the count', async () => {
    const page = [msg('m1', 'wmA'), msg('m2', 'wmB'), { ...msg('m3', 'wmA'), origin: 5 }];
    expect(await store.commitPage('wkK', page, 'c2')).toBe(2);
    expect(await store.cursor('wkK')).toBe('c2');
    expect(await store.take('wmA', at)).toBe(true);
    expect(await store.commitPage('wkK', page, 'c2')).toBe(0);
    expect((await store.window('wmA', at))!.remaining).toBe(4);
  });

  it('gives out at most 5 sends per window, even when asked at once', async () => {
    await store.commitPage('wkK', [msg('m4', 'wmC')], 'c3');
    const taken = await Promise.all(Array.from({ length: 8 }, () => store.take('wmC', at)));
    expect(taken.filter(Boolean)).toHaveLength(5);
    expect((await store.window('wmC', at))!.remaining).toBe(0);
    // 48 hours after the customer's message, the window is closed.
    await store.commitPage('wkK', [msg('m5', 'wmD')], 'c4');
    const later = new Date(at.getTime() + 48 * 3600_000 + 1000);
    expect((await store.window('wmD', later))!.remaining).toBe(0);
    expect(await store.take('wmD', later)).toBe(false);
  });

  it('forget removes the window and the text of what the customer wrote, keeping the msgid', async () => {
    await db.database.rows(sql`update inbound_updates set status = 'done' where platform = 'wechat' and chat_id = 'wmB'`);
    await store.forget('wmB');
    expect(await store.window('wmB', at)).toBeUndefined();
    const rows = await db.database.rows<{ id: string; chat: string | null; payload: string }>(sql`select update_id as id, chat_id as chat, payload::text as payload from inbound_updates where update_id = 'm2'`);
    expect(rows).toEqual([{ id: 'm2', chat: null, payload: '{}' }]);
    // Someone else's messages are untouched.
    const others = await db.database.rows<{ payload: string }>(sql`select payload::text as payload from inbound_updates where update_id = 'm1'`);
    expect(others[0]!.payload).toContain('13700001111');
  });
});
