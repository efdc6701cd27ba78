/**
 * Patent search as the chat and the CLI use it: query understanding, candidate retrieval from
 * Meilisearch, our ranking, paging. Sub-word Chinese matching comes from phrase queries over the
 * character-split fields (see text.ts); English reaches Chinese records through the glossary.
 */
import type { Meilisearch, MultiSearchQuery } from 'meilisearch';
import { applicationNumberVariants } from '../src/domain/patent-number.js';
import { guard } from './client.js';
import type { Glossary } from './glossary.js';
import { PATENT_INDEX, type PatentDoc } from './patent-index.js';
import { applicantCandidates, parseQuery, type Concept, type ParsedQuery, type SearchFilters } from './query-understanding.js';
import { CLOSE_MATCH, conceptWeight, matchQuality, rank } from './rank.js';
import { normText, phrase } from './text.js';

export type PatentHit = Pick<
  PatentDoc,
  'id' | 'title' | 'titleEn' | 'applicants' | 'province' | 'provinceRaw' | 'patentType' | 'legalStatus' | 'year' | 'ipc' | 'publicationDate' | 'tradeModes' | 'demo'
> & { abstract: string | null; city?: string | null };

export interface SearchResult {
  query: ParsedQuery;
  hits: PatentHit[];
  /** Number of ranked results available for paging (the most relevant ones). */
  total: number;
  /** Meilisearch's estimate of all records matching the whole query (≥ total when it is known). */
  matched: number;
  /** No record carries every topic word; the hits match some of them. */
  partial: boolean;
  /** How much of the need the best hit covers (0–1; see matchQuality). */
  quality: number;
  /** quality ≥ CLOSE_MATCH: the hits answer the need; otherwise they are at best related. */
  closeMatch: boolean;
  page: number;
  pageSize: number;
}

/** Hits a reply shows, labelled as related, when nothing close was found. */
export const RELATED_SHOWN = 3;

const RETRIEVE = ['id', 'title', 'titleEn', 'abstract', 'applicants', 'province', 'provinceRaw', 'city', 'patentType', 'legalStatus', 'year', 'ipc', 'publicationDate', 'tradeModes', 'demo'];
/** Candidates per retrieval query; the ranked pool is their union. */
const POOL = 60;
const MAX_QUERIES = 20;
const TITLE_VARIANTS = 6;

function quote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Filter expression from allow-listed, already validated values only. */
export function filterExpression(f: SearchFilters): string[] {
  const out: string[] = [];
  if (f.province) out.push(`province = ${quote(f.province)}`);
  if (f.city) out.push(`(city = ${quote(f.city)} OR city IS NULL OR city NOT EXISTS)`);
  if (f.patentType) out.push(`patentType = ${quote(f.patentType)}`);
  if (f.ipc) out.push(f.ipc.includes('/') ? `ipc = ${quote(f.ipc)}` : `ipcClass = ${quote(f.ipc)}`);
  if (f.yearFrom) out.push(`year >= ${Math.trunc(f.yearFrom)}`);
  if (f.yearTo) out.push(`year <= ${Math.trunc(f.yearTo)}`);
  if (f.applicant) out.push(`applicants = ${quote(f.applicant)}`);
  if (f.tradeMode) out.push(`tradeModes = ${quote(f.tradeMode)}`);
  return out;
}

/** Ways to express one concept in a query: each alternative form, and combinations of its parts. */
function options(c: Concept): string[][] {
  const opts = c.alts.slice(0, 5).map((a) => [phrase(a)]);
  const parts = c.parts?.filter((p) => !p.optional) ?? [];
  if (parts.length > 1) {
    let combos: string[][] = [[]];
    for (const p of parts) combos = combos.flatMap((combo) => p.alts.slice(0, 4).map((a) => [...combo, phrase(a)])).slice(0, 8);
    opts.push(...combos);
  }
  return opts;
}

/**
 * The phrase lists to retrieve candidates with: the query as asked first, then each concept's
 * other forms in turn, then each concept alone (for when nothing carries every concept).
 */
export function retrievalVariants(concepts: Concept[]): string[][] {
  const req = concepts.filter((c) => !c.optional);
  const base = req.length ? req : concepts;
  if (base.length === 0) return [];
  const opts = base.map(options);
  const variants: string[][] = [opts.flatMap((o) => o[0]!)];
  opts.forEach((o, i) => {
    for (const alt of o.slice(1)) variants.push(opts.flatMap((p, j) => (j === i ? alt : p[0]!)));
  });
  // Then the need less one concept (the head kept first), then each concept alone.
  if (base.length > 2) {
    const order = base.map((c, i) => i).sort((a, b) => conceptWeight(base[a]!) - conceptWeight(base[b]!));
    for (const drop of order) variants.push(opts.flatMap((p, j) => (j === drop ? [] : p[0]!)));
  }
  if (base.length > 1) for (const o of opts) variants.push(...o.slice(0, 2));
  const seen = new Set<string>();
  return variants
    .map((v) => v.filter(Boolean))
    .filter((v) => v.length > 0 && !seen.has(v.join(' ')) && (seen.add(v.join(' ')), true));
}

export class PatentSearch {
  constructor(
    private readonly client: Meilisearch,
    private readonly glossary: Glossary,
  ) {}

  /** `filters` are added to what the text says (a rewritten query keeps the original's province, type, …). */
  async search(text: string, opts: { page?: number; pageSize?: number; filters?: SearchFilters } = {}): Promise<SearchResult> {
    const page = Math.max(1, Math.trunc(opts.page ?? 1));
    const pageSize = Math.min(50, Math.max(1, Math.trunc(opts.pageSize ?? 5)));
    // An applicant's name goes first: it may contain place names (中山大学) that must not become filters.
    let rest = normText(text).slice(0, 500);
    let preset: SearchFilters = { ...opts.filters };
    for (const cand of applicantCandidates(rest)) {
      if (await this.isApplicant(cand)) {
        preset = { ...preset, applicant: cand };
        rest = rest.replace(cand, ' ');
        break;
      }
    }
    const q = parseQuery(this.glossary, rest, preset);
    if (q.number) {
      const hits = await this.byNumber(q.number);
      if (hits.length) return { query: q, hits: hits.slice((page - 1) * pageSize, page * pageSize), total: hits.length, matched: hits.length, partial: false, quality: 1, closeMatch: true, page, pageSize };
    }
    const { ranked, estimated, partial } = await this.retrieveAndRank(q);
    const matched = Math.max(ranked.length, estimated);
    const quality = matchQuality(ranked[0], q.concepts);
    return { query: q, hits: ranked.slice((page - 1) * pageSize, page * pageSize), total: ranked.length, matched, partial, quality, closeMatch: quality >= CLOSE_MATCH, page, pageSize };
  }

  async byNumber(number: string): Promise<PatentHit[]> {
    const filter = [applicationNumberVariants(number).map((v) => `numbers = ${quote(v)}`).join(' OR ')];
    const res = await guard('looking up a patent number', () =>
      this.client.index<PatentDoc>(PATENT_INDEX).search('', { filter, limit: 10, attributesToRetrieve: RETRIEVE }),
    );
    return res.hits as PatentHit[];
  }

  async get(id: string): Promise<PatentHit | undefined> {
    const hits = await this.byNumber(id);
    return hits.find((h) => h.id === id) ?? hits[0];
  }

  /** Whether some record names exactly this applicant (filter equality is case-insensitive). */
  private async isApplicant(name: string): Promise<boolean> {
    const res = await guard('looking up an applicant', () =>
      this.client.index(PATENT_INDEX).search('', { filter: [`applicants = ${quote(name)}`], limit: 0 }),
    );
    return (res.estimatedTotalHits ?? 0) > 0;
  }

  private async retrieveAndRank(q: ParsedQuery): Promise<{ ranked: PatentHit[]; estimated: number; partial: boolean }> {
    const filter = filterExpression(q.filters);
    const variants = retrievalVariants(q.concepts);
    const queries: MultiSearchQuery[] = [];
    if (variants.length === 0) {
      queries.push({ indexUid: PATENT_INDEX, q: '', filter, limit: POOL * 2, sort: ['year:desc'], attributesToRetrieve: RETRIEVE });
    }
    for (const [i, v] of variants.entries()) {
      const common = { indexUid: PATENT_INDEX, q: v.join(' '), filter, matchingStrategy: 'all' as const, attributesToRetrieve: RETRIEVE, locales: ['cmn' as const] };
      // Title matches rank first, so the leading variants fetch them separately.
      if (i < TITLE_VARIANTS) queries.push({ ...common, attributesToSearchOn: ['tc', 'te'], limit: POOL });
      queries.push({ ...common, limit: POOL });
      if (queries.length >= MAX_QUERIES) break;
    }
    const res = await guard('searching patents', () => this.client.multiSearch({ queries })).catch(async (err: unknown) => {
      // Meilisearch knows an attribute only once a document has it: on an empty index the title
      // queries are rejected (invalid_search_attributes_to_search_on). Nothing indexed finds nothing.
      if ((await this.client.index(PATENT_INDEX).getStats().catch(() => undefined))?.numberOfDocuments === 0) return { results: [] };
      throw err;
    });
    const byId = new Map<string, PatentHit>();
    for (const r of res.results) for (const h of r.hits as PatentHit[]) if (!byId.has(h.id)) byId.set(h.id, h);
    const docs = [...byId.values()];
    // The query as asked, over all attributes (the second query when titles were fetched first).
    const main = res.results[variants.length === 0 ? 0 : 1];
    const estimated = main?.estimatedTotalHits ?? 0;
    if (variants.length === 0) return { ranked: docs, estimated, partial: false };
    const full = q.concepts.length > 1 ? q.concepts.map((c) => c.term).join('') : undefined;
    const scored = rank(docs, q.concepts, full).filter((s) => s.coverage > 0 || q.concepts.every((c) => c.optional));
    const required = q.concepts.filter((c) => !c.optional).reduce((n, c) => n + conceptWeight(c), 0);
    const partial = scored.length > 0 && scored[0]!.coverage < required;
    return { ranked: scored.map((s) => s.doc), estimated, partial };
  }
}
