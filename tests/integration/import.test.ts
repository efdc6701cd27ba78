/**
 * The importer against real stores: PGlite (and the Postgres server when TEST_DATABASE_URL is set)
 * plus a real Meilisearch. Rejects are reported with line numbers; re-running changes nothing;
 * the two stores agree afterwards; a search outage leaves rows pending, and they are repaired.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createMeiliClient } from '../../search/client.js';
import { PatentIndex } from '../../search/patent-index.js';
import { importPatents, syncIndex } from '../../src/services/patent-importer.js';
import { PatentStore } from '../../src/services/patent-store.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';
import { startTestMeili, type TestMeili } from '../support/meili.js';

const line = (o: Record<string, unknown>) => JSON.stringify({ title: '一种测试装置', patentType: '发明', province: '湖南省', ...o });
let meili: TestMeili;
let dir: string;
beforeAll(async () => {
  meili = await startTestMeili();
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-import-'));
});
afterAll(async () => {
  await meili?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each(DB_KINDS)('import on %s', (kind) => {
  let tdb: TestDb;
  let store: PatentStore;
  let index: PatentIndex;
  beforeAll(async () => {
    tdb = await openTestDb(kind);
    store = new PatentStore(tdb.database.db);
    // Each database kind gets its own index so the runs do not see each other.
    index = new PatentIndex(meili.client);
    await meili.client.deleteIndex('patents').waitTask();
    await index.ensureSettings();
  });
  afterAll(() => tdb?.drop());

  it('imports JSONL, reports bad lines by number, and is idempotent', async () => {
    const file = path.join(dir, `a-${kind}.jsonl`);
    writeFileSync(
      file,
      [
        line({ id: 'CN119900001A', title: '一种锂电池隔膜', applicants: ['甲公司'] }),
        '{"id": "CN119900002A", "title": broken',
        '',
        line({ id: 'CN119900003A', patentType: '商标' }),
        line({ id: 'CN219900004U', patentType: '实用新型', ipc: ['H01M10/0525'] }),
        line({ id: 'CN119900001A', title: '一种锂电池隔膜（更正）', applicants: ['甲公司'] }),
        '[1,2]',
      ].join('\n'),
    );
    const r1 = await importPatents(file, { store, index });
    expect(r1).toMatchObject({ lines: 6, inserted: 2, updated: 0, unchanged: 0, duplicates: 1 });
    expect(r1.rejected.map((r) => r.line)).toEqual([2, 4, 7]);
    expect(r1.rejected[0]!.reason).toMatch(/invalid JSON/);
    expect(r1.rejected[1]!.reason).toMatch(/patentType/);
    expect(await store.count()).toBe(2);
    expect(await index.count()).toBe(2);
    // The later line of a duplicate wins.
    expect((await store.get('CN119900001A'))?.title).toBe('一种锂电池隔膜（更正）');

    const r2 = await importPatents(file, { store, index });
    expect(r2).toMatchObject({ inserted: 0, updated: 0, unchanged: 2 });
    const pending = await tdb.database.rows<{ n: number }>(sql`select count(*)::int as n from patents where indexed_hash is distinct from content_hash`);
    expect(pending[0]!.n).toBe(0);
  });

  it('imports CSV with a header row, list fields split on ;', async () => {
    const file = path.join(dir, `b-${kind}.csv`);
    writeFileSync(file, 'id,title,applicants,patentType,province\nCN119900010A,"一种""智能""采茶机",乙公司;丙大学,发明,安徽省\nCN119900011A,缺字段\n');
    const r = await importPatents(file, { store, index });
    expect(r.inserted).toBe(1);
    expect(r.rejected).toEqual([{ line: 3, reason: 'expected 5 fields, found 2' }]);
    const p = await store.get('CN119900010A');
    expect(p).toMatchObject({ title: '一种"智能"采茶机', applicants: ['乙公司', '丙大学'], province: 'Anhui', patentType: 'invention' });
  });

  it('leaves rows pending when Meilisearch is down and indexes them on the next sync', async () => {
    const file = path.join(dir, `c-${kind}.jsonl`);
    writeFileSync(file, line({ id: 'CN119900020A', title: '一种稀土永磁材料' }) + '\n');
    const dead = new PatentIndex(createMeiliClient('http://127.0.0.1:9', 'x'.repeat(16), 500));
    await expect(importPatents(file, { store, index: dead })).rejects.toMatchObject({ code: 'SEARCH_UNAVAILABLE' });
    // Postgres has the row, marked not yet indexed; the index does not.
    expect(await store.get('CN119900020A')).toBeDefined();
    const before = await tdb.database.rows<{ h: string | null }>(sql`select indexed_hash as h from patents where id = 'CN119900020A'`);
    expect(before[0]!.h).toBeNull();
    expect(await syncIndex({ store, index }, 'pending')).toBe(1);
    const after = await tdb.database.rows<{ n: number }>(sql`select count(*)::int as n from patents where indexed_hash is distinct from content_hash`);
    expect(after[0]!.n).toBe(0);
    expect(await index.count()).toBe(await store.count());
  });

  it('rebuilds the whole index from Postgres', async () => {
    await index.deleteAll();
    expect(await index.count()).toBe(0);
    const n = await syncIndex({ store, index }, 'full');
    expect(n).toBe(await store.count());
    expect(await index.count()).toBe(n);
  });
});

const corpus = path.resolve(PACKAGE_ROOT, '../shared/data/patents/patents.jsonl');
describe.skipIf(!existsSync(corpus))('shared corpus sample (skipped when ../shared/data/patents/patents.jsonl is absent)', () => {
  it('imports the first 2,000 real records with zero rejects', async () => {
    const { createReadStream } = await import('node:fs');
    const readline = await import('node:readline');
    const sample = path.join(dir, 'sample.jsonl');
    const lines: string[] = [];
    for await (const l of readline.createInterface({ input: createReadStream(corpus, 'utf8') })) {
      lines.push(l);
      if (lines.length === 2000) break;
    }
    writeFileSync(sample, lines.join('\n'));
    const tdb = await openTestDb('pglite');
    try {
      const index = new PatentIndex(meili.client);
      await meili.client.deleteIndex('patents').waitTask();
      await index.ensureSettings();
      const store = new PatentStore(tdb.database.db);
      const r = await importPatents(sample, { store, index });
      expect(r.rejected).toEqual([]);
      expect(r.inserted).toBe(2000);
      expect(await index.count()).toBe(2000);
    } finally {
      await tdb.drop();
    }
  });
});
