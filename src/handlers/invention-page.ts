/**
 * A page of inventions rather than publications (see domain/publication-family.ts): the search
 * ranking is left as it is (merging inside it lowered nDCG), and the ranked list is merged after it.
 *
 * Page p holds the inventions p·n−n+1 … p·n of the merged list, where each invention sits at its
 * best-ranked publication. Every invention has at most two publications, so the first 2·p·n ranked
 * records always hold p·n inventions: one search call covers pages 1–5 (at most 50 records a call),
 * later pages read further chunks. Merging always starts from the first record, so an invention shown
 * on one page is never repeated on another. A card whose other publication was not ranked (its title
 * lacks the words searched for) gets it from a number lookup, so a granted invention never shows as
 * a lone application.
 */
import type { PatentHit, PatentSearch, SearchResult } from '../../search/patent-search.js';
import type { SearchFilters } from '../../search/query-understanding.js';
import { groupFamilies, inventionPublication, type Family } from '../domain/publication-family.js';

/** The most records PatentSearch returns per call. */
const CHUNK_MAX = 50;

export interface InventionPage extends SearchResult {
  /** The page's inventions; `hits` holds each one's primary publication. */
  families: Family<PatentHit>[];
  /** More inventions follow this page. */
  more: boolean;
  /** How many inventions the whole ranked list holds, when all of it was read. */
  inventions?: number;
}

export async function searchInventions(
  search: PatentSearch,
  text: string,
  opts: { page: number; pageSize: number; filters?: SearchFilters },
): Promise<InventionPage> {
  const { page, pageSize } = opts;
  const need = page * pageSize;
  const chunk = Math.min(CHUNK_MAX, 2 * need);
  const ranked: PatentHit[] = [];
  let first: SearchResult | undefined;
  let families: Family<PatentHit>[] = [];
  let exhausted = false;
  for (let k = 1; ; k++) {
    const res = await search.search(text, { page: k, pageSize: chunk, ...(opts.filters ? { filters: opts.filters } : {}) });
    first ??= res;
    ranked.push(...res.hits);
    families = groupFamilies(ranked);
    exhausted = res.hits.length < chunk || ranked.length >= res.total;
    if (families.length > need || exhausted) break;
  }
  const shown = await withMates(search, families.slice(need - pageSize, need));
  return {
    ...first!,
    page,
    pageSize,
    hits: shown.map((f) => f.primary),
    families: shown,
    more: families.length > need,
    ...(exhausted ? { inventions: families.length } : {}),
  };
}

/**
 * The families completed with the invention's publications the ranking did not bring, in one
 * lookup for the whole page (a lookup per card made a page cost five more round trips).
 */
export async function withMates(search: Pick<PatentSearch, 'byBodies'>, families: Family<PatentHit>[]): Promise<Family<PatentHit>[]> {
  const lone = families.map((f) => (f.others.length > 0 ? undefined : inventionPublication(f.primary)?.body));
  const bodies = [...new Set(lone.filter((b): b is string => b !== undefined))];
  if (bodies.length === 0) return families;
  const found = await search.byBodies(bodies);
  return families.map((f, i) => {
    const body = lone[i];
    const mates = body === undefined ? [] : found.filter((h) => h.id !== f.primary.id && inventionPublication(h)?.body === body);
    return mates.length > 0 ? groupFamilies([f.primary, ...mates])[0]! : f;
  });
}
