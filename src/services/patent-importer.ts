/**
 * `patent-bridge import`: JSONL (the shared corpus schema) or CSV with a header row, upserted by
 * publication number into Postgres and then Meilisearch.
 *
 * Consistency: Postgres is written first; each row carries the hash Meilisearch last confirmed
 * (indexed_hash). Rows are marked only after their indexing task succeeds, so a crash or a search
 * outage between the two leaves them visibly pending, and `reindex --pending` (also run at every
 * start) repairs them. The stores can lag, never silently disagree.
 */
import { createReadStream, statSync } from 'node:fs';
import readline from 'node:readline';
import type { PatentIndex } from '../../search/patent-index.js';
import { parsePatentInput, recordHash } from '../domain/patent-input.js';
import type { PatentRecord } from '../domain/patent.js';
import { readCsv } from './csv.js';
import type { PatentStore } from './patent-store.js';

export type ImportFormat = 'jsonl' | 'csv';

export interface ImportReject {
  line: number;
  reason: string;
}

export interface ImportReport {
  lines: number;
  inserted: number;
  updated: number;
  unchanged: number;
  duplicates: number;
  rejected: ImportReject[];
  ms: number;
}

export interface ImportProgress {
  bytesRead: number;
  bytesTotal: number;
  lines: number;
  written: number;
  rejected: number;
}

const BATCH = 1000;
const ARRAY_FIELDS = new Set(['applicants', 'inventors', 'ipc', 'sourceCategory', 'tradeModes']);

export function formatFromPath(file: string): ImportFormat {
  return /\.csv$/i.test(file) ? 'csv' : 'jsonl';
}

export async function importPatents(
  file: string,
  deps: { store: PatentStore; index: PatentIndex },
  opts: { format?: ImportFormat; onProgress?: (p: ImportProgress) => void; maxRejectsListed?: number } = {},
): Promise<ImportReport> {
  const started = performance.now();
  const format = opts.format ?? formatFromPath(file);
  const bytesTotal = statSync(file).size;
  const stream = createReadStream(file, { encoding: 'utf8' });
  const rl = readline.createInterface({ input: stream, crlfDelay: Infinity });
  const report: ImportReport = { lines: 0, inserted: 0, updated: 0, unchanged: 0, duplicates: 0, rejected: [], ms: 0 };
  const tasks: { uid: number; items: { id: string; hash: string }[] }[] = [];
  let batch = new Map<string, { record: PatentRecord; hash: string; line: number }>();
  let written = 0;

  const progress = () =>
    opts.onProgress?.({ bytesRead: stream.bytesRead, bytesTotal, lines: report.lines, written, rejected: report.rejected.length });

  const flush = async () => {
    if (batch.size === 0) return;
    const items = [...batch.values()];
    batch = new Map();
    const existing = await deps.store.hashes(items.map((i) => i.record.id));
    const changed = items.filter((i) => existing.get(i.record.id) !== i.hash);
    for (const i of items) {
      const h = existing.get(i.record.id);
      if (h === undefined) report.inserted++;
      else if (h === i.hash) report.unchanged++;
      else report.updated++;
    }
    if (changed.length > 0) {
      await deps.store.upsert(changed);
      const uid = await deps.index.enqueueUpsert(changed.map((c) => c.record));
      tasks.push({ uid, items: changed.map((c) => ({ id: c.record.id, hash: c.hash })) });
    }
    written += items.length;
    progress();
  };

  const accept = async (value: unknown, line: number) => {
    const res = parsePatentInput(value);
    if (!res.ok) {
      report.rejected.push({ line, reason: res.reason });
      return;
    }
    const hash = recordHash(res.record);
    if (batch.has(res.record.id)) report.duplicates++;
    batch.set(res.record.id, { record: res.record, hash, line });
    if (batch.size >= BATCH) await flush();
  };

  if (format === 'jsonl') {
    let lineNo = 0;
    for await (const line of rl) {
      lineNo++;
      if (line.trim() === '') continue;
      report.lines++;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (err) {
        report.rejected.push({ line: lineNo, reason: `invalid JSON: ${(err as Error).message.slice(0, 120)}` });
        continue;
      }
      await accept(value, lineNo);
    }
  } else {
    let header: string[] | undefined;
    for await (const rec of readCsv(rl)) {
      if ('error' in rec) {
        report.rejected.push({ line: rec.line, reason: rec.error });
        continue;
      }
      if (!header) {
        header = rec.fields.map((f) => f.trim());
        if (!header.includes('title') || !(header.includes('id') || header.includes('publicationNumber')))
          throw new Error('CSV header must name at least the columns id (or publicationNumber) and title');
        continue;
      }
      report.lines++;
      if (rec.fields.length !== header.length) {
        report.rejected.push({ line: rec.line, reason: `expected ${header.length} fields, found ${rec.fields.length}` });
        continue;
      }
      const obj: Record<string, unknown> = {};
      header.forEach((h, i) => {
        const v = rec.fields[i]!;
        obj[h] = ARRAY_FIELDS.has(h) ? v.split(';') : v;
      });
      await accept(obj, rec.line);
    }
  }
  await flush();

  for (const t of tasks) {
    await deps.index.waitForTask(t.uid);
    await deps.store.markIndexed(t.items);
  }
  report.ms = Math.round(performance.now() - started);
  return report;
}

/**
 * Brings Meilisearch in line with Postgres: all rows (`full`, after clearing the index) or only
 * rows whose indexed hash is stale (`pending`).
 */
export async function syncIndex(deps: { store: PatentStore; index: PatentIndex }, mode: 'full' | 'pending'): Promise<number> {
  await deps.index.ensureSettings();
  if (mode === 'full') await deps.index.deleteAll();
  let n = 0;
  const tasks: { uid: number; items: { id: string; hash: string }[] }[] = [];
  for await (const rows of deps.store.scan({ onlyUnindexed: mode === 'pending', batch: 2000 })) {
    const uid = await deps.index.enqueueUpsert(rows.map((r) => r.record));
    tasks.push({ uid, items: rows.map((r) => ({ id: r.record.id, hash: r.hash })) });
    n += rows.length;
  }
  for (const t of tasks) {
    await deps.index.waitForTask(t.uid);
    await deps.store.markIndexed(t.items);
  }
  return n;
}
