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

/** A concept's share of the need: the head 1.5, an action or an untranslated word 0.5, any other required concept 1. */
export function conceptWeight(c: Concept): number {
  return c.head ? 1.5 : c.role === 'action' || c.role === 'untranslated' ? 0.5 : 1;
}

export interface Scored<T> {
  doc: T;
  score: number;
  /** Required concepts found anywhere in the record, weighted by conceptWeight; 0 when it carries none but actions. */
  coverage: number;
}

/**
 * The subject of a need: its head, or the one object when the rest are actions, kinds and effects
 * (糖尿病 in 治疗糖尿病的药物).
 */
export function subjectOf(concepts: Concept[]): Concept | undefined {
  const head = concepts.find((c) => c.head);
  if (head) return head;
  const objects = concepts.filter((c) => !c.optional && c.role !== 'action');
  return objects.length === 1 && concepts.length > 1 ? objects[0] : undefined;
}

/** What may follow a word that is itself the topic: a particle, punctuation, a result-kind word. */
const BARE_NEXT = /^(?:$|[^\u3400-\u9fff]|[的和及与或、中等用在]|方法|装置|系统|设备|制备|应用|技术|工艺|用途|组合物|产品|药物|药品|制剂|材料|试剂|检测|治疗|诊断)/;

/**
 * Whether a Chinese title names the concept only as the modifier of another noun (糖尿病肾病,
 * 糖尿病足溃疡 for 糖尿病: the patent is about the complication). Chinese compounds put their head
 * last, so a form followed straight by another content word is a modifier; one followed by a
 * particle, punctuation, a kind word or another concept of the query is the topic itself.
 */
export function onlyModifier(c: Concept, title: string, others: Concept[]): boolean {
  let seen = false;
  for (const a of c.alts) {
    if (!a || !/[\u3400-\u9fff]$/.test(a)) continue;
    for (let i = title.indexOf(a); i >= 0; i = title.indexOf(a, i + 1)) {
      seen = true;
      const rest = title.slice(i + a.length);
      if (BARE_NEXT.test(rest) || others.some((o) => o.alts.some((x) => x && rest.startsWith(x)))) return false;
    }
  }
  return seen;
}

/**
 * What a kind word (药物, 材料) weighs in the score: not required and not coverage (a hydrogel for bone
 * defects is a material without saying so), but a title naming the kind (…的药物) outweighs the
 * subject's title match, so drugs for lung cancer lead diagnostic kits for it.
 */
const KIND_WEIGHT = 0.6;

/** The title weight of a subject named only as a modifier: still above an abstract match. */
const MODIFIER_ONLY = 0.75;

export function scoreDoc<T extends RankInput>(doc: T, concepts: Concept[], fullText?: string): Scored<T> {
  const title = normText(`${doc.title} ${doc.titleEn ?? ''}`);
  const abs = normText(doc.abstract ?? '');
  const subject = subjectOf(concepts);
  let coverage = 0;
  let score = 0;
  // A record that shares only the action with the need (处理 of tasks for 含油废水的处理) is not related.
  const objects = concepts.filter((c) => !c.optional && c.role !== 'action');
  let objectFound = objects.length === 0;
  for (const c of concepts) {
    let t = conceptIn(c, title);
    if (t > 0 && c === subject && onlyModifier(c, normText(doc.title), concepts.filter((o) => o !== c))) t *= MODIFIER_ONLY;
    const a = t > 0 ? 0 : conceptIn(c, abs);
    // Parts split between title and abstract still cover the concept, as an abstract match.
    const mixed = t === 0 && a === 0 && c.parts?.every((p) => p.optional || conceptIn(p, title) > 0 || conceptIn(p, abs) > 0) ? 0.8 : 0;
    const m = t > 0 ? 2 * t : a > 0 ? a : mixed;
    if (!c.optional && m > 0) coverage += conceptWeight(c);
    if (m > 0 && objects.includes(c)) objectFound = true;
    score += (c.role === 'kind' ? KIND_WEIGHT : c.optional ? 0.3 : 1) * m;
  }
  if (fullText && fullText.length >= 2 && title.includes(fullText)) score += 0.5;
  if (!objectFound) coverage = 0;
  return { doc, score: coverage * 100 + score, coverage };
}

/**
 * The most any record can score for these concepts: one whose title and abstract carry every
 * concept's first form and the whole need. When the first `want` ranked candidates all score that,
 * no candidate not yet read can rank above them (ties keep the order found), so search stops early.
 * It must stay an upper bound of scoreDoc: a score term outside title and abstract breaks that
 * (tests/search/rank-bound.test.ts).
 */
export function bestPossibleScore(concepts: Concept[], fullText?: string): number {
  const text = [fullText ?? '', ...concepts.map((c) => c.alts[0] ?? c.term)].join(' ');
  return scoreDoc({ id: '', title: text, titleEn: null, abstract: text }, concepts, fullText).score;
}

/** Stable ordering: score, then the order Meilisearch found the candidates in. */
export function rank<T extends RankInput>(docs: T[], concepts: Concept[], fullText?: string): Scored<T>[] {
  return docs
    .map((d, i) => ({ s: scoreDoc(d, concepts, fullText), i }))
    .sort((x, y) => y.s.score - x.s.score || x.i - y.i)
    .map((x) => x.s);
}

// matchQuality and CLOSE_MATCH live in match-quality.ts (the no-close-match signal); re-exported for old imports.
export { CLOSE_MATCH, matchQuality } from './match-quality.js';
