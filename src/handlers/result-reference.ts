/**
 * "第三个", "the 2nd result", "刚才那个石墨烯的专利": which of the results last shown the user means.
 * The search reply stores the page it showed (`rememberResults`: ids and titles, numbered from `from`,
 * so "第7个" on the second page is the second item); `referencedResult` reads the reference the NLU
 * found (nlu/reference.ts) against it. A topic that matches no shown title is searched instead.
 */
import { resultReference } from '../nlu/reference.js';
import { corrected } from '../nlu/fuzzy.js';
import { normalize } from '../nlu/normalize.js';
import type { ConversationState } from '../services/user-store.js';

type Titled = { id: string; title: string; titleEn?: string | null | undefined };

/**
 * One entry per card, as numbered on screen: the invention's primary publication (the grant; see
 * domain/publication-family.ts), so "第2条" opens the card shown second. Chinese and English titles of
 * all its publications are kept, for a reference by topic ("the drone one") — an application's title
 * may differ from the amended grant's.
 */
export function rememberResults(state: ConversationState, from: number, cards: readonly { primary: Titled; others: readonly Titled[] }[]): void {
  const titles = (c: { primary: Titled; others: readonly Titled[] }) =>
    [...new Set([c.primary, ...c.others].flatMap((h) => [h.title, h.titleEn ?? '']).filter(Boolean))].join(' ');
  state.lastResults = { from, hits: cards.map((c) => ({ id: c.primary.id, title: titles(c).slice(0, 200) })) };
}

export type Referenced = { id: string } | { search: string } | { none: 'no_results' | 'out_of_range' } | undefined;

/** What a message without a patent number refers to; undefined when it names no result at all. */
export function referencedResult(state: ConversationState, text: string): Referenced {
  const ref = resultReference(corrected(normalize(text)));
  if (!ref) return undefined;
  const last = state.lastResults;
  if ('topic' in ref) {
    const words = ref.topic.toLowerCase().split(/\s+/).filter(Boolean);
    const hit = last?.hits.find((h) => words.every((w) => h.title.toLowerCase().includes(w)));
    return hit ? { id: hit.id } : { search: ref.topic };
  }
  if (!last?.hits.length) return { none: 'no_results' };
  const { from, hits } = last;
  if (ref.index === -1) return { id: hits[hits.length - 1]!.id };
  // Numbered as shown (6–10 on page 2); a small number on a later page counts within the page.
  const at = ref.index >= from && ref.index < from + hits.length ? ref.index - from : ref.index - 1;
  const hit = hits[at];
  return hit ? { id: hit.id } : { none: 'out_of_range' };
}
