/**
 * The phrase queries that retrieve a need's candidates: the need as asked; the need with one concept
 * in another form (`swap`: its hits carry the whole need); the need less a concept and each concept
 * alone (`partial`). Forms in Traditional spelling come last.
 */
import * as OpenCC from 'opencc-js';
import type { Concept } from './query-understanding.js';
import { conceptWeight } from './rank.js';
import { phrase } from './text.js';

export interface Variant {
  phrases: string[];
  /** `asked` the need as asked; `swap` the whole need, one concept in another form; `partial` the need less a concept, or a concept alone. */
  stage: 'asked' | 'swap' | 'partial';
}

/**
 * Variant queries per search at most. The first 14 variants: what 20 queries reached when the six
 * leading variants also had a title-only query (those found nothing the all-field query did not:
 * the attribute ranking rule already puts title matches first).
 */
export const MAX_VARIANTS = 14;

/** Traditional → Simplified (OpenCC tables, built on first use). */
let t2s: ((s: string) => string) | undefined;
/** A form spelt in Traditional characters (鋰電池): the corpus is mainland Chinese, so such forms come last. */
export function traditional(form: string): boolean {
  if (!/[\u3400-\u9fff\uf900-\ufaff]/.test(form)) return false;
  return (t2s ??= OpenCC.Converter({ from: 't', to: 'cn' }))(form) !== form;
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

/** The variants, labelled, at most MAX_VARIANTS, without repeats. */
export function labelledVariants(concepts: Concept[]): Variant[] {
  const req = concepts.filter((c) => !c.optional);
  const base = req.length ? req : concepts;
  if (base.length === 0) return [];
  const opts = base.map(options);
  const out: Variant[] = [{ phrases: opts.flatMap((o) => o[0]!), stage: 'asked' }];
  const swaps = (from: number, to: number | undefined, stage: Variant['stage']) =>
    opts.forEach((o, i) => {
      for (const alt of o.slice(from, to)) out.push({ phrases: opts.flatMap((p, j) => (j === i ? alt : p[0]!)), stage });
    });
  // Each concept's next two forms; then the need less one concept (the least weighty dropped first),
  // so a cap on queries never leaves out every partial match; then the remaining forms and each
  // concept alone.
  swaps(1, 3, 'swap');
  if (base.length > 2) {
    const order = base.map((c, i) => i).sort((a, b) => conceptWeight(base[a]!) - conceptWeight(base[b]!));
    for (const drop of order) out.push({ phrases: opts.flatMap((p, j) => (j === drop ? [] : p[0]!)), stage: 'partial' });
  }
  swaps(3, undefined, 'swap');
  if (base.length > 1) for (const o of opts) out.push(...o.slice(0, 2).map((phrases) => ({ phrases, stage: 'partial' as const })));
  // A variant in Traditional spelling finds next to nothing in a mainland corpus (of the shared 20,000
  // records 2 hold any of 鋰 電池 傳感 發光 光纖 檢測 處理): it goes last, so the cap leaves it out first
  // (光纖, 傳感器 made way for 光导纤维 and 温度 alone in fiber optic temperature sensing).
  const rare = (v: Variant) => v.stage !== 'asked' && v.phrases.some((p) => traditional(p.replace(/[" ]/g, '')));
  const ordered = [...out.filter((v) => !rare(v)), ...out.filter(rare).map((v) => ({ ...v, stage: 'partial' as const }))];
  const seen = new Set<string>();
  return ordered
    .map((v) => ({ ...v, phrases: v.phrases.filter(Boolean) }))
    .filter((v) => v.phrases.length > 0 && !seen.has(v.phrases.join(' ')) && (seen.add(v.phrases.join(' ')), true))
    .slice(0, MAX_VARIANTS);
}

/**
 * The phrase lists to retrieve candidates with: the query as asked first, then each concept's
 * other forms in turn, then each concept alone (for when nothing carries every concept).
 */
export function retrievalVariants(concepts: Concept[]): string[][] {
  return labelledVariants(concepts).map((v) => v.phrases);
}
