/**
 * Whether a search found something close to the need, or only related records: the signal behind
 * the chat's honest "nothing close was found" reply (it then shows RELATED_SHOWN hits labelled as
 * related and offers to post the need as a demand). Pure functions over the ranked hits.
 */
import type { Concept } from './query-understanding.js';
import { conceptIn, conceptWeight, type RankInput } from './rank.js';
import { normText } from './text.js';

/**
 * How much of the need the best record covers, 0–1: the required concepts it carries in its title
 * or abstract, an action (处理, 检测) weighing half an object. Below CLOSE_MATCH nothing close was
 * found: the reply says so and shows only a few results, labelled as related.
 */
export function matchQuality<T extends RankInput>(best: T | undefined, concepts: Concept[]): number {
  // An English word the glossary could not translate is part of the need though it cannot be required.
  const req = concepts.filter((c) => !c.optional || c.role === 'untranslated');
  if (req.length === 0) return best ? 1 : 0;
  if (!best) return 0;
  const text = normText(`${best.title} ${best.titleEn ?? ''} ${best.abstract ?? ''}`);
  let got = 0;
  let all = 0;
  for (const c of req) {
    const w = conceptWeight(c);
    all += w;
    if (conceptIn(c, text) > 0 || c.parts?.every((p) => p.optional || conceptIn(p, text) > 0)) got += w;
  }
  return got / all;
}

export const CLOSE_MATCH = 0.7;
