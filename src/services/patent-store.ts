/**
 * Patents in the system of record. Writes are idempotent upserts keyed by publication number; a
 * row whose content hash is unchanged is not touched, so re-importing a file changes nothing.
 */
import { and, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { patents } from '../db/schema.js';
import type { PatentRecord } from '../domain/patent.js';
import type { PatentType, Province } from '../core/intents.js';

type Row = typeof patents.$inferSelect;

export function rowToRecord(r: Row): PatentRecord {
  return {
    id: r.id,
    title: r.title,
    titleEn: r.titleEn,
    abstract: r.abstract,
    applicants: r.applicants,
    inventors: r.inventors,
    applicationNumber: r.applicationNumber,
    grantPublicationNumber: r.grantPublicationNumber,
    applicationDate: r.applicationDate,
    publicationDate: r.publicationDate,
    grantDate: r.grantDate,
    ipc: r.ipc,
    patentType: r.patentType as PatentType | null,
    legalStatus: r.legalStatus,
    applicantAddress: r.applicantAddress,
    province: r.province as Province | null,
    provinceRaw: r.provinceRaw,
    city: r.city,
    language: r.language,
    source: r.source,
    sourceCategory: r.sourceCategory,
    tradeModes: r.tradeModes,
    demo: r.demo,
  };
}

export class PatentStore {
  constructor(private readonly db: Db) {}

  /** Content hashes of the ids that exist. */
  async hashes(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = await this.db.select({ id: patents.id, h: patents.contentHash }).from(patents).where(inArray(patents.id, ids));
    return new Map(rows.map((r) => [r.id, r.h]));
  }

  /** Inserts or replaces the given records in one transaction; they are marked as not yet indexed. */
  async upsert(items: { record: PatentRecord; hash: string }[]): Promise<void> {
    if (items.length === 0) return;
    const values = items.map(({ record, hash }) => ({ ...record, contentHash: hash, indexedHash: null }));
    const set = Object.fromEntries(
      Object.keys(values[0]!)
        .filter((k) => k !== 'id')
        .map((k) => {
          const col = (patents as unknown as Record<string, { name: string }>)[k]!;
          return [k, sql.raw(`excluded."${col.name}"`)];
        }),
    );
    await this.db.transaction(async (tx) => {
      await tx
        .insert(patents)
        .values(values)
        .onConflictDoUpdate({ target: patents.id, set: { ...set, updatedAt: sql`now()` } });
    });
  }

  /** Records that Meilisearch has confirmed at their current content hash. */
  async markIndexed(items: { id: string; hash: string }[]): Promise<void> {
    if (items.length === 0) return;
    // One statement per batch: ids with their hash, so a row changed meanwhile stays unindexed.
    const ids = items.map((i) => i.id);
    const hashes = items.map((i) => i.hash);
    await this.db.execute(sql`
      update patents p set indexed_hash = v.h
      from unnest(${sql.param(ids)}::text[], ${sql.param(hashes)}::text[]) as v(id, h)
      where p.id = v.id and p.content_hash = v.h`);
  }

  async get(id: string): Promise<PatentRecord | undefined> {
    const [row] = await this.db.select().from(patents).where(eq(patents.id, id)).limit(1);
    return row ? rowToRecord(row) : undefined;
  }

  async count(): Promise<number> {
    const [r] = await this.db.select({ n: sql<number>`count(*)::int` }).from(patents);
    return r?.n ?? 0;
  }

  /** One page of rows, most recently imported or changed first, each saying whether Meilisearch has confirmed it (the console's list). */
  async list(opts: { limit: number; offset: number }): Promise<{ records: (PatentRecord & { indexed: boolean })[]; total: number }> {
    const rows = await this.db.select().from(patents).orderBy(sql`${patents.updatedAt} desc`, patents.id).limit(opts.limit).offset(opts.offset);
    return { records: rows.map((r) => ({ ...rowToRecord(r), indexed: r.indexedHash === r.contentHash })), total: await this.count() };
  }

  /** Rows Meilisearch has not confirmed at their current content hash (what `reindex --pending` picks up). */
  async pendingCount(): Promise<number> {
    const [r] = await this.db
      .select({ n: sql<number>`count(*)::int` })
      .from(patents)
      .where(or(isNull(patents.indexedHash), ne(patents.indexedHash, patents.contentHash)));
    return r?.n ?? 0;
  }

  /** Pages through all rows (or only those not yet indexed) in id order. */
  async *scan(opts: { onlyUnindexed?: boolean; batch?: number } = {}): AsyncGenerator<{ record: PatentRecord; hash: string }[]> {
    const batch = opts.batch ?? 1000;
    let after = '';
    for (;;) {
      const cond = opts.onlyUnindexed
        ? and(sql`${patents.id} > ${after}`, or(isNull(patents.indexedHash), ne(patents.indexedHash, patents.contentHash)))
        : sql`${patents.id} > ${after}`;
      const rows = await this.db.select().from(patents).where(cond).orderBy(patents.id).limit(batch);
      if (rows.length === 0) return;
      yield rows.map((r) => ({ record: rowToRecord(r), hash: r.contentHash }));
      after = rows[rows.length - 1]!.id;
    }
  }
}
