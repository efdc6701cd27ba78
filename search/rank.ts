/**
 * Our relevance: Meilisearch finds candidates, this module orders them. A patent whose title
 * carries every concept of the query outranks one that mentions them only in its abstract, which
 * outranks one that covers the query partly. Pure functions, so the ordering is unit-tested.
 */
import type { Concept } from './query-understanding.js';
import { normText } from './text.js';

export interface RankInput {
  id: string;
  title: string;
  titleEn?: string | null;
  abstract?: string | null;
}

/** How well one field carries a concept: 1 exact term, 0.9 an alternative form, 0.85 all parts. */
export function conceptIn(c: Concept, field: string): number {
  if (!field) return 0;
  let best = 0;
  for (const [i, a] of c.alts.entries()) {
    if (a && field.includes(a)) best = Math.max(best, i === 0 ? 1 : 0.9);
    if (best === 1) return 1;
  }
  if (best === 0 && c.parts && c.parts.every((p) => p.optional || conceptIn(p, field) > 0)) best = 0.85;
  return best;
}

/** A concept's share of the need: the head 1.5, an action 0.5, any other required concept 1. */
export function conceptWeight(c: Concept): number {
  return c.head ? 1.5 : c.role === 'action' ? 0.5 : 1;
}

export interface Scored<T> {
  doc: T;
  score: number;
  /** Required concepts found anywhere in the record, weighted by conceptWeight. */
  coverage: number;
}

export function scoreDoc<T extends RankInput>(doc: T, concepts: Concept[], fullText?: string): Scored<T> {
  const title = normText(`${doc.title} ${doc.titleEn ?? ''}`);
  const abs = normText(doc.abstract ?? '');
  let coverage = 0;
  let score = 0;
  for (const c of concepts) {
    const t = conceptIn(c, title);
    const a = t > 0 ? 0 : conceptIn(c, abs);
    // Parts split between title and abstract still cover the concept, as an abstract match.
    const mixed = t === 0 && a === 0 && c.parts?.every((p) => p.optional || conceptIn(p, title) > 0 || conceptIn(p, abs) > 0) ? 0.8 : 0;
    const m = t > 0 ? 2 * t : a > 0 ? a : mixed;
    if (!c.optional && m > 0) coverage += conceptWeight(c);
    score += c.optional ? 0.3 * m : m;
  }
  if (fullText && fullText.length >= 2 && title.includes(fullText)) score += 0.5;
  return { doc, score: coverage * 100 + score, coverage };
}

/** Stable ordering: score, then the order Meilisearch found the candidates in. */
export function rank<T extends RankInput>(docs: T[], concepts: Concept[], fullText?: string): Scored<T>[] {
  return docs
    .map((d, i) => ({ s: scoreDoc(d, concepts, fullText), i }))
    .sort((x, y) => y.s.score - x.s.score || x.i - y.i)
    .map((x) => x.s);
}

/**
 * How much of the need the best record covers, 0–1: the required concepts it carries in its title
 * or abstract, an action (处理, 检测) weighing half an object. Below CLOSE_MATCH nothing close was
 * found: the reply says so and shows only a few results, labelled as related.
 */
export function matchQuality<T extends RankInput>(best: T | undefined, concepts: Concept[]): number {
  const req = concepts.filter((c) => !c.optional);
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
