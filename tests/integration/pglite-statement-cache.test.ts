/**
 * PGlite's query() through saved (named) statements answers what PGlite's own path answers: the
 * same values by type, the same errors, inside and outside transactions, and after a schema change
 * under a saved statement.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isDataError } from '../../src/db/database.js';
import { cacheStatements } from '../../src/db/pglite-statement-cache.js';

describe('PGlite statement cache', () => {
  let plain: PGlite;
  let cached: PGlite;
  let forget: () => Promise<void>;

  // Two databases for the whole file (starting PGlite is the slow part); a fresh table per test.
  beforeAll(async () => {
    [plain, cached] = await Promise.all([PGlite.create(), PGlite.create()]);
    forget = cacheStatements(cached);
  });
  beforeEach(async () => {
    await forget();
    for (const db of [plain, cached]) await db.exec(`drop table if exists t; create table t (id serial primary key, k text unique not null, n int, at timestamptz, j jsonb, tags text[])`);
  });
  afterAll(async () => {
    await Promise.all([plain.close(), cached.close()]);
  });

  it('answers the same rows and counts as PGlite itself, twice over (saved the second time)', async () => {
    const insert = 'insert into t (k, n, at, j, tags) values ($1, $2, $3, $4, $5) on conflict (k) do nothing returning id, k, n, at, j, tags';
    const select = 'select k, n, at, j, tags from t where k = $1 or n is null order by id';
    const values = [
      ['a', 1, new Date('2026-01-02T03:04:05Z'), { x: [1, 'é'], y: null }, ['p', 'q']],
      ['b', null, null, null, null],
      ['a', 2, new Date(0), { z: 1 }, []],
    ];
    for (const v of values) {
      const [p, c] = [await plain.query(insert, v), await cached.query(insert, v)];
      expect(c.rows).toEqual(p.rows);
      expect(c.affectedRows).toBe(p.affectedRows);
    }
    for (const rowMode of ['object', 'array'] as const) {
      const opts = { rowMode, parsers: { 1184: (s: string) => `at ${s}` } };
      const p = await plain.query(select, ['a'], opts);
      const c = await cached.query(select, ['a'], opts);
      expect(c.rows).toEqual(p.rows);
      expect(c.fields).toEqual(p.fields);
      expect(c.rows).toHaveLength(2);
    }
  });

  it('raises the database error itself, and the connection stays usable', async () => {
    await cached.query('insert into t (k, n) values ($1, $2)', ['a', 1]);
    const err = await cached.query('insert into t (k, n) values ($1, $2)', ['b', 'not a number']).catch((e: unknown) => e);
    expect(isDataError(err)).toBe(true);
    const dup = await cached.query('insert into t (k, n) values ($1, $2)', ['a', 2]).catch((e: unknown) => e as { code?: string });
    expect(dup).toMatchObject({ code: '23505' });
    expect((await cached.query('select count(*)::int as n from t where k = $1', ['a'])).rows).toEqual([{ n: 1 }]);
  });

  it('waits for an open transaction instead of running inside it', async () => {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    const tx = cached.transaction(async (t) => {
      await t.query('insert into t (k) values ($1)', ['in-tx']);
      await held;
      await t.rollback();
    });
    const outside = cached.query('insert into t (k) values ($1) returning k', ['outside']);
    release();
    await tx;
    expect((await outside).rows).toEqual([{ k: 'outside' }]);
    expect((await cached.query('select k from t order by k', [])).rows).toEqual([{ k: 'outside' }]);
  });

  it('saves a statement again when a schema change altered what it returns', async () => {
    const q = 'select * from t where k = $1';
    await cached.query('insert into t (k, n) values ($1, $2)', ['a', 1]);
    expect((await cached.query(q, ['a'])).rows[0]).not.toHaveProperty('extra');
    await cached.exec(`alter table t add column extra text default 'e'`);
    expect((await cached.query(q, ['a'])).rows[0]).toMatchObject({ k: 'a', extra: 'e' });
    await forget();
    expect((await cached.query(q, ['a'])).rows[0]).toMatchObject({ k: 'a', extra: 'e' });
  });

  it('keeps answering past the number of statements it saves', async () => {
    for (let i = 0; i < 300; i++) expect((await cached.query(`select $1::int + ${i} as n`, [1])).rows).toEqual([{ n: i + 1 }]);
    expect((await cached.query('select $1::int + 0 as n', [5])).rows).toEqual([{ n: 5 }]);
  });
});
