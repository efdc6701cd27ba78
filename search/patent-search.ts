/**
 * Patent search as the chat and the CLI use it: query understanding, candidate retrieval from
 * Meilisearch, our ranking, paging. Sub-word Chinese matching comes from phrase queries over the
 * character-split fields (see text.ts); English reaches Chinese records through the glossary.
 */
import type { Meilisearch, MultiSearchQuery } from 'meilisearch';
import { patentNumberKind } from '../src/domain/patent-number.js';
import { guard } from './client.js';
import type { Glossary } from './glossary.js';
import { PATENT_INDEX, type PatentDoc } from './patent-index.js';
import { parseQuery, withApplicant, type Concept, type ParsedQuery, type SearchFilters } from './query-understanding.js';
import { rank } from './rank.js';
import { phrase } from './text.js';

export type PatentHit = Pick<
  PatentDoc,
  'id' | 'title' | 'titleEn' | 'applicants' | 'province' | 'provinceRaw' | 'patentType' | 'legalStatus' | 'year' | 'ipc' | 'publicationDate' | 'tradeModes' | 'demo'
> & { abstract: string | null };

export interface SearchResult {
  query: ParsedQuery;
  hits: PatentHit[];
  /** Number of ranked results available for paging. */
  total: number;
  page: number;
  pageSize: number;
}

const RETRIEVE = ['id', 'title', 'titleEn', 'abstract', 'applicants', 'province', 'provinceRaw', 'patentType', 'legalStatus', 'year', 'ipc', 'publicationDate', 'tradeModes', 'demo'];
/** Candidates per retrieval query; the ranked pool is their union. */
const POOL = 60;
const MAX_QUERIES = 16;

function quote(v: string): string {
  return `"${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Filter expression from allow-listed, already validated values only. */
export function filterExpression(f: SearchFilters): string[] {
  const out: string[] = [];
  if (f.province) out.push(`province = ${quote(f.province)}`);
  if (f.patentType) out.push(`patentType = ${quote(f.patentType)}`);
  if (f.ipc) out.push(f.ipc.includes('/') ? `ipc = ${quote(f.ipc)}` : `ipcClass = ${quote(f.ipc)}`);
  if (f.yearFrom) out.push(`year >= ${Math.trunc(f.yearFrom)}`);
  if (f.yearTo) out.push(`year <= ${Math.trunc(f.yearTo)}`);
  if (f.applicant) out.push(`applicants = ${quote(f.applicant)}`);
  return out;
}

/** The phrase lists to retrieve candidates with: the query as asked, its alternatives, its parts. */
export function retrievalVariants(concepts: Concept[]): string[][] {
  const req = concepts.filter((c) => !c.optional);
  const base = req.length ? req : concepts;
  if (base.length === 0) return [];
  const variants: string[][] = [base.map((c) => phrase(c.alts[0] ?? c.term))];
  base.forEach((c, i) => {
    for (const a of c.alts.slice(1, 5)) variants.push(base.map((d, j) => phrase(j === i ? a : (d.alts[0] ?? d.term))));
    if (c.parts) variants.push(base.flatMap((d, j) => (j === i ? c.parts!.filter((p) => !p.optional).map((p) => phrase(p.alts[0] ?? p.term)) : [phrase(d.alts[0] ?? d.term)])));
  });
  // Partial matches, for when nothing carries every concept.
  if (base.length > 1) for (const c of base) variants.push([phrase(c.alts[0] ?? c.term)]);
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

  async search(text: string, opts: { page?: number; pageSize?: number } = {}): Promise<SearchResult> {
    const page = Math.max(1, Math.trunc(opts.page ?? 1));
    const pageSize = Math.min(50, Math.max(1, Math.trunc(opts.pageSize ?? 5)));
    let q = parseQuery(this.glossary, text);
    if (q.number) {
      const hits = await this.byNumber(q.number);
      if (hits.length) return { query: q, hits: hits.slice((page - 1) * pageSize, page * pageSize), total: hits.length, page, pageSize };
    }
    for (const cand of q.applicantCandidates) {
      const applicant = await this.confirmApplicant(cand);
      if (applicant) {
        q = withApplicant(this.glossary, q, applicant);
        break;
      }
    }
    const ranked = await this.retrieveAndRank(q);
    return { query: q, hits: ranked.slice((page - 1) * pageSize, page * pageSize), total: ranked.length, page, pageSize };
  }

  async byNumber(number: string): Promise<PatentHit[]> {
    const values = patentNumberKind(number) === 'application' ? [number, `CN${number}`] : [number];
    const filter = [values.map((v) => `numbers = ${quote(v)}`).join(' OR ')];
    const res = await guard('looking up a patent number', () =>
      this.client.index<PatentDoc>(PATENT_INDEX).search('', { filter, limit: 10, attributesToRetrieve: RETRIEVE }),
    );
    return res.hits as PatentHit[];
  }

  async get(id: string): Promise<PatentHit | undefined> {
    const hits = await this.byNumber(id);
    return hits.find((h) => h.id === id) ?? hits[0];
  }

  /** An applicant name the user typed, if the index knows it exactly (facet values are allow-listed). */
  private async confirmApplicant(candidate: string): Promise<string | undefined> {
    const res = await guard('looking up an applicant', () =>
      this.client.index(PATENT_INDEX).searchForFacetValues({ facetName: 'applicants', facetQuery: candidate, q: '' }),
    );
    return res.facetHits.find((h) => h.value.toLowerCase() === candidate.toLowerCase())?.value;
  }

  private async retrieveAndRank(q: ParsedQuery): Promise<PatentHit[]> {
    const filter = filterExpression(q.filters);
    const variants = retrievalVariants(q.concepts);
    const queries: MultiSearchQuery[] = [];
    if (variants.length === 0) {
      queries.push({ indexUid: PATENT_INDEX, q: '', filter, limit: POOL * 2, sort: ['year:desc'], attributesToRetrieve: RETRIEVE });
    }
    for (const v of variants) {
      const common = { indexUid: PATENT_INDEX, q: v.join(' '), filter, matchingStrategy: 'all' as const, attributesToRetrieve: RETRIEVE, locales: ['cmn' as const] };
      queries.push({ ...common, attributesToSearchOn: ['tc', 'te'], limit: POOL });
      queries.push({ ...common, limit: POOL });
      if (queries.length >= MAX_QUERIES) break;
    }
    const res = await guard('searching patents', () => this.client.multiSearch({ queries }));
    const byId = new Map<string, PatentHit>();
    for (const r of res.results) for (const h of r.hits as PatentHit[]) if (!byId.has(h.id)) byId.set(h.id, h);
    const docs = [...byId.values()];
    if (variants.length === 0) return docs;
    const full = q.concepts.length > 1 ? q.concepts.map((c) => c.term).join('') : undefined;
    return rank(docs, q.concepts, full)
      .filter((s) => s.coverage > 0 || q.concepts.every((c) => c.optional))
      .map((s) => s.doc);
  }
}
