/**
 * The `patents` Meilisearch index: settings and the mapping from a PatentRecord to an index
 * document. The index is derived data: `reindex` rebuilds it from Postgres at any time.
 */
import type { Meilisearch, Settings } from 'meilisearch';
import type { PatentRecord } from '../src/domain/patent.js';
import { normalizePatentNumber } from '../src/domain/patent-number.js';
import { guard, toSearchError } from './client.js';
import { SearchError } from './errors.js';
import { recordCity } from './city.js';
import { EMBEDDER, embedderSettings, type SemanticConfig } from './semantic.js';
import { normText, splitCjk } from './text.js';

export const PATENT_INDEX = 'patents';

export interface PatentDoc {
  id: string;
  title: string;
  titleEn: string | null;
  abstract: string | null;
  /** Title and abstract with every CJK character a word (see text.ts: sub-word search). */
  tc: string;
  ac: string;
  /** English title (demo records), searchable for English queries. */
  te: string;
  applicants: string[];
  province: string | null;
  provinceRaw: string | null;
  /** The city of the six provinces (武汉) from the record or its applicant's address; null when unknown. */
  city: string | null;
  patentType: string | null;
  legalStatus: string | null;
  year: number | null;
  /** IPC subclasses (H01M) and full symbols (H01M10/0525), upper case without spaces. */
  ipcClass: string[];
  ipc: string[];
  /** Every number the record is known by, normalised: publication, application, grant. */
  numbers: string[];
  tradeModes: string[];
  publicationDate: string | null;
  demo: boolean;
}

export const PATENT_INDEX_SETTINGS: Settings = {
  searchableAttributes: ['tc', 'te', 'ac'],
  filterableAttributes: ['id', 'province', 'city', 'patentType', 'year', 'ipcClass', 'ipc', 'numbers', 'applicants', 'tradeModes', 'demo'],
  sortableAttributes: ['year'],
  displayedAttributes: ['id', 'title', 'titleEn', 'abstract', 'applicants', 'province', 'provinceRaw', 'city', 'patentType', 'legalStatus', 'year', 'ipc', 'publicationDate', 'tradeModes', 'demo'],
  localizedAttributes: [{ attributePatterns: ['tc', 'ac'], locales: ['cmn'] }],
  rankingRules: ['words', 'typo', 'attribute', 'proximity', 'exactness', 'sort'],
  typoTolerance: { disableOnAttributes: ['tc', 'ac'], disableOnNumbers: true },
  pagination: { maxTotalHits: 2000 },
  faceting: { maxValuesPerFacet: 200 },
};

function ipcClean(s: string): string {
  return s.toUpperCase().replace(/\s+/g, '');
}

export function toPatentDoc(p: PatentRecord): PatentDoc {
  const ipc = [...new Set(p.ipc.map(ipcClean).filter(Boolean))];
  const numbers = new Set<string>();
  for (const n of [p.id, p.applicationNumber, p.grantPublicationNumber]) {
    if (!n) continue;
    const norm = normalizePatentNumber(n) ?? n.toUpperCase().replace(/\s+/g, '');
    numbers.add(norm);
    // People often drop the kind code: CN116245100 finds CN116245100A (and its B publication).
    const base = /^(CN\d{7,9})[A-Z]\d?$/.exec(norm);
    if (base) numbers.add(base[1]!);
  }
  const year = p.publicationDate ? Number(p.publicationDate.slice(0, 4)) : null;
  return {
    id: p.id,
    title: p.title,
    titleEn: p.titleEn,
    abstract: p.abstract,
    tc: splitCjk(p.title),
    ac: splitCjk(p.abstract ?? ''),
    te: normText(p.titleEn ?? ''),
    applicants: p.applicants,
    province: p.province,
    provinceRaw: p.provinceRaw,
    city: recordCity(p),
    patentType: p.patentType,
    legalStatus: p.legalStatus,
    year: Number.isFinite(year) ? year : null,
    ipcClass: [...new Set(ipc.map((s) => s.slice(0, 4)))],
    ipc,
    numbers: [...numbers],
    tradeModes: p.tradeModes,
    publicationDate: p.publicationDate,
    demo: p.demo,
  };
}

export class PatentIndex {
  /** With `semantic`, Meilisearch embeds every record through the configured REST embedder. */
  constructor(
    readonly client: Meilisearch,
    private readonly semantic?: SemanticConfig,
  ) {}

  get index() {
    return this.client.index<PatentDoc>(PATENT_INDEX);
  }

  async ensureSettings(): Promise<void> {
    await guard('creating the patents index', async () => {
      const task = await this.client.createIndex(PATENT_INDEX, { primaryKey: 'id' }).waitTask();
      if (task.status === 'failed' && task.error?.code !== 'index_already_exists')
        throw new SearchError('SEARCH_TASK_FAILED', `index creation failed: ${task.error?.message}`);
    });
    if (this.semantic) {
      // Embedding every record happens inside this task: allow for a slow endpoint on a large index.
      const settings = { ...PATENT_INDEX_SETTINGS, embedders: embedderSettings(this.semantic) };
      await this.waitOk('updating patents settings', () => this.index.updateSettings(settings).waitTask({ timeout: 30 * 60_000 }));
      return;
    }
    await this.waitOk('updating patents settings', () => this.index.updateSettings(PATENT_INDEX_SETTINGS).waitTask());
    // Turned off: an embedder left from an earlier start would keep calling its endpoint on every import.
    const embedders = await guard('reading patents embedders', () => this.index.getEmbedders());
    if (embedders && EMBEDDER in embedders) await this.waitOk('removing the patents embedder', () => this.index.resetEmbedders().waitTask());
  }

  async upsert(records: PatentRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.waitOk('indexing patents', () => this.index.addDocuments(records.map(toPatentDoc), { primaryKey: 'id' }).waitTask());
  }

  /** Enqueues without waiting; the importer waits once for the last task of a run. */
  async enqueueUpsert(records: PatentRecord[]): Promise<number> {
    return guard('indexing patents', async () => (await this.index.addDocuments(records.map(toPatentDoc), { primaryKey: 'id' })).taskUid);
  }

  async waitForTask(taskUid: number): Promise<void> {
    await this.waitOk('indexing patents', () => this.client.tasks.waitForTask(taskUid, { timeout: 300_000 }));
  }

  async deleteAll(): Promise<void> {
    await this.waitOk('clearing patents', () => this.index.deleteAllDocuments().waitTask());
  }

  async count(): Promise<number> {
    return guard('counting patents', async () => (await this.index.getStats()).numberOfDocuments);
  }

  private async waitOk(what: string, fn: () => Promise<{ status: string; error?: { message: string } | null }>) {
    let task;
    try {
      task = await fn();
    } catch (err) {
      throw toSearchError(err, what);
    }
    if (task.status !== 'succeeded') throw new SearchError('SEARCH_TASK_FAILED', `${what}: task ${task.status}: ${task.error?.message ?? ''}`);
  }
}
