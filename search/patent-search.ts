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
import { bestPossibleScore, CLOSE_MATCH, conceptWeight, matchQuality, rank } from './rank.js';
import { labelledVariants, type Variant } from './retrieval-variants.js';
import { EMBEDDER, type SemanticConfig } from './semantic.js';
import { normText } from './text.js';

export { retrievalVariants } from './retrieval-variants.js';

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
/** What the ranker reads of each candidate (the page's records are then fetched in full). */
const RANK_FIELDS = ['id', 'title', 'titleEn', 'abstract'];
type RankDoc = Pick<PatentHit, 'id' | 'title' | 'titleEn' | 'abstract'>;
/** Candidates per retrieval query (the need as asked; each later variant); the ranked pool is their union. */
const POOL = 60;
const LATER_POOL = 30;
/**
 * A need of one concept first reads the page and this many more of its best candidates; the rest of
 * its POOL only when those do not settle the page (see bestPossibleScore in rank.ts). A need of several concepts seldom
 * settles early (the whole need in one piece of a title is rare), so it reads its POOL at once.
 */
const FIRST_EXTRA = 10;
const UNDERSTOOD = 1000;
/** Meilisearch retries a failing embedder for seconds; a search does not wait that long for it. */
const SEMANTIC_TIMEOUT_MS = 1500;
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

/**
 * Whether the need as asked already fills the first `want` places with records that carry every
 * required concept's own term in their title: the other variants find alternative forms (scored
 * lower) or partial matches, which cannot rank above those.
 */
function fillsPage(results: { hits: unknown[] }[], concepts: Concept[], want: number): boolean {
  const req = concepts.filter((c) => !c.optional);
  if (req.length === 0) return false;
  const seen = new Set<string>();
  for (const r of results) {
    for (const h of r.hits as RankDoc[]) {
      if (seen.has(h.id)) continue;
      const title = normText(`${h.title} ${h.titleEn ?? ''}`);
      if (req.every((c) => title.includes(c.alts[0]!))) seen.add(h.id);
      if (seen.size >= want) return true;
    }
  }
  return false;
}

export class PatentSearch {
  /** With `semantic` (the index has the embedder: PatentIndex with the same config), one hybrid query joins the candidates. */
  constructor(
    private readonly client: Meilisearch,
    private readonly glossary: Glossary,
    private readonly semantic?: Pick<SemanticConfig, 'ratio'>,
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
    const q = this.understand(rest, preset);
    if (q.number) {
      const hits = await this.byNumber(q.number);
      if (hits.length) return { query: q, hits: hits.slice((page - 1) * pageSize, page * pageSize), total: hits.length, matched: hits.length, partial: false, quality: 1, closeMatch: true, page, pageSize };
    }
    const { hits, total, estimated, partial, quality } = await this.retrieveAndRank(q, page, pageSize);
    return { query: q, hits, total, matched: Math.max(total, estimated), partial, quality, closeMatch: quality >= CLOSE_MATCH, page, pageSize };
  }

  /** Query understanding is pure: its results are kept per process (the most recent UNDERSTOOD texts). */
  private readonly understood = new Map<string, ParsedQuery>();
  private understand(rest: string, preset: SearchFilters): ParsedQuery {
    const key = `${rest}\u0000${JSON.stringify(preset)}`;
    let q = this.understood.get(key);
    if (q) this.understood.delete(key);
    else q = parseQuery(this.glossary, rest, preset);
    this.understood.set(key, q);
    if (this.understood.size > UNDERSTOOD) this.understood.delete(this.understood.keys().next().value!);
    return q;
  }

  async byNumber(number: string): Promise<PatentHit[]> {
    const filter = [applicationNumberVariants(number).map((v) => `numbers = ${quote(v)}`).join(' OR ')];
    const res = await guard('looking up a patent number', () =>
      this.client.index<PatentDoc>(PATENT_INDEX).search('', { filter, limit: 10, attributesToRetrieve: RETRIEVE }),
    );
    return res.hits as PatentHit[];
  }

  /** Every record filed under any of these number bodies (CN + digits: an invention's application and grant), in one request. */
  async byBodies(bodies: string[]): Promise<PatentHit[]> {
    if (bodies.length === 0) return [];
    const filter = [`numbers IN [${bodies.map(quote).join(', ')}]`];
    const res = await guard('looking up patent numbers', () =>
      this.client.index<PatentDoc>(PATENT_INDEX).search('', { filter, limit: 4 * bodies.length, attributesToRetrieve: RETRIEVE }),
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

  private async retrieveAndRank(q: ParsedQuery, page: number, pageSize: number): Promise<{ hits: PatentHit[]; total: number; estimated: number; partial: boolean; quality: number }> {
    const filter = filterExpression(q.filters);
    const variants = labelledVariants(q.concepts);
    const from = (page - 1) * pageSize;
    if (variants.length === 0) {
      // Filters alone: the newest records, already in full.
      const res = await guard('searching patents', () =>
        this.client.index(PATENT_INDEX).search<PatentHit>('', { filter, offset: from, limit: pageSize, sort: ['year:desc'], attributesToRetrieve: RETRIEVE }),
      );
      const total = Math.min(res.estimatedTotalHits ?? 0, POOL * 2);
      return { hits: res.hits as PatentHit[], total, estimated: res.estimatedTotalHits ?? 0, partial: false, quality: total ? 1 : 0 };
    }
    const want = from + pageSize;
    const full = q.concepts.length > 1 ? q.concepts.map((c) => c.term).join('') : undefined;
    const query = (v: Variant, attributesToRetrieve: string[], limit: number, offset?: number): MultiSearchQuery => ({
      indexUid: PATENT_INDEX,
      q: v.phrases.join(' '),
      filter,
      matchingStrategy: 'all' as const,
      attributesToRetrieve,
      limit,
      ...(offset ? { offset } : {}),
      locales: ['cmn' as const],
    });
    const head = Math.max(POOL, want);
    const firstN = q.concepts.length === 1 ? Math.min(head, want + FIRST_EXTRA) : head;
    const semantic = this.semantic ? this.semanticCandidates(q, filter) : Promise.resolve([]);
    // The need as asked first, its best few; then, unless those settle the page, the rest of its pool
    // and (unless they fill the page with records carrying every concept's own term in the title)
    // the other forms, in one request. (Sending the partial variants only when the whole-need forms
    // leave the page short of whole-need records cut queries by 16 % but changed 2 top-5 pages of 168:
    // a record with two concepts in other forms, 锂电池正极, is found only by a partial query.)
    const [first] = await this.multi([query(variants[0]!, RETRIEVE, firstN)]);
    const results = [first!];
    // Results that carry full records (the page's records are read from these when they are there).
    const inFull = [first!];
    const estimated = first!.estimatedTotalHits ?? 0;
    const settled = (rank(first!.hits as RankDoc[], q.concepts, full)[want - 1]?.score ?? -Infinity) >= bestPossibleScore(q.concepts, full);
    if (!settled) {
      const rest = firstN < head && estimated > firstN ? [query(variants[0]!, RETRIEVE, head - firstN, firstN)] : [];
      // The other forms bring only what the ranker reads; title matches come first within each (attribute rule).
      const others = fillsPage(results, q.concepts, want) ? [] : variants.slice(1).map((v) => query(v, RANK_FIELDS, LATER_POOL));
      const more = await this.multi([...rest, ...others]);
      if (rest.length) inFull.push(more[0]!);
      results.push(...more);
    }
    const byId = new Map<string, RankDoc>();
    for (const r of results) for (const h of r.hits as RankDoc[]) if (!byId.has(h.id)) byId.set(h.id, h);
    // Semantic neighbours join the pool; those that carry none of the concepts rank after all that do.
    const near = new Set<string>();
    for (const h of await semantic) if (!byId.has(h.id)) (byId.set(h.id, h), near.add(h.id));
    const scored = rank([...byId.values()], q.concepts, full).filter((s) => s.coverage > 0 || near.has(s.doc.id) || q.concepts.every((c) => c.optional));
    const required = q.concepts.filter((c) => !c.optional).reduce((n, c) => n + conceptWeight(c), 0);
    const partial = scored.length > 0 && scored[0]!.coverage < required;
    const quality = matchQuality(scored[0]?.doc, q.concepts);
    const known = new Map((inFull.flatMap((r) => r.hits) as PatentHit[]).map((h) => [h.id, h]));
    const hits = await this.records(scored.slice(from, from + pageSize).map((s) => s.doc.id), known);
    // A settled page still offers the pool the need as asked would have brought, for paging on.
    const total = settled ? Math.max(scored.length, Math.min(estimated, head)) : scored.length;
    return { hits, total, estimated, partial, quality };
  }

  private async multi(queries: MultiSearchQuery[]) {
    if (queries.length === 0) return [];
    const res = await guard('searching patents', () => this.client.multiSearch({ queries }));
    return res.results;
  }

  /** Full records of the page, in the ranked order; only those not `known` yet are read. */
  private async records(ids: string[], known: Map<string, PatentHit>): Promise<PatentHit[]> {
    const missing = ids.filter((id) => !known.has(id));
    if (missing.length) for (const h of await this.fetchRecords(missing)) known.set(h.id, h);
    return ids.map((id) => known.get(id)).filter((h): h is PatentHit => h !== undefined);
  }

  private async fetchRecords(ids: string[]): Promise<PatentHit[]> {
    const res = await guard('reading patents', () =>
      this.client.index(PATENT_INDEX).search<PatentHit>('', { filter: [`id IN [${ids.map(quote).join(', ')}]`], limit: ids.length, attributesToRetrieve: RETRIEVE }),
    );
    return res.hits as PatentHit[];
  }

  /** The hybrid query; an embedder that fails leaves the keyword results alone. */
  private async semanticCandidates(q: ParsedQuery, filter: string[]): Promise<RankDoc[]> {
    const text = q.concepts.filter((c) => !c.optional || c.role === 'effect').map((c) => c.term).join(' ') || q.topic;
    if (!text) return [];
    try {
      const res = await this.client.index(PATENT_INDEX).search<RankDoc>(text, {
        filter,
        limit: LATER_POOL,
        attributesToRetrieve: RANK_FIELDS,
        hybrid: { embedder: EMBEDDER, semanticRatio: this.semantic!.ratio },
      }, { signal: AbortSignal.timeout(SEMANTIC_TIMEOUT_MS) });
      return res.hits as RankDoc[];
    } catch {
      return [];
    }
  }
}
