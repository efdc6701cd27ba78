/**
 * The batched done mark (InboxStore.markDone) on PGlite and, with TEST_DATABASE_URL, on the
 * Postgres server: marks of two platforms asked for together finish exactly their own rows, and the
 * statement finds its rows by the primary key, not by reading the whole inbox.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { doneStatement, InboxStore } from '../../src/services/inbox-store.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';

describe.each(DB_KINDS)('inbox done marks on %s', (kind) => {
  let tdb: TestDb;
  let inbox: InboxStore;
  beforeAll(async () => {
    tdb = await openTestDb(kind);
    inbox = new InboxStore(tdb.database);
  });
  afterAll(() => tdb?.drop());

  it('finishes the rows of two platforms asked for together, and no row of the same id on another platform', async () => {
    for (const platform of ['telegram', 'feishu', 'slack']) for (const id of ['1', '2', '3']) await inbox.accept(platform, id, '9', { id });
    const rows = [...(await inbox.claim('telegram', 10)), ...(await inbox.claim('feishu', 10))].filter((r) => r.updateId !== '3');
    expect(rows).toHaveLength(4);
    await Promise.all(rows.map((r) => inbox.markDone(r)));
    const status = await tdb.database.rows<{ k: string; status: string }>(sql`select platform || ':' || update_id as k, status from inbound_updates order by 1`);
    expect(Object.fromEntries(status.map((s) => [s.k, s.status]))).toEqual({
      'feishu:1': 'done',
      'feishu:2': 'done',
      'feishu:3': 'pending',
      'slack:1': 'pending',
      'slack:2': 'pending',
      'slack:3': 'pending',
      'telegram:1': 'done',
      'telegram:2': 'done',
      'telegram:3': 'pending',
    });
  });

  it('finds the rows to finish by the primary key in an inbox of thousands, for one id or many', async () => {
    await tdb.database.rows(sql`
      insert into inbound_updates (platform, update_id, chat_id, payload, status)
      select 'telegram', (1000 + g)::text, '9', '{}'::jsonb, 'done' from generate_series(1, 5000) g`);
    for (const ids of [['1001'], Array.from({ length: 50 }, (_, i) => String(2000 + i))]) {
      const plan = (await tdb.database.rows<Record<string, string>>(sql`explain ${doneStatement('telegram', ids)}`)).map((r) => Object.values(r)[0]).join('\n');
      expect(plan).toContain('inbound_updates_platform_update_id_pk');
      expect(plan).not.toMatch(/Seq Scan on inbound_updates/);
    }
  });
});
