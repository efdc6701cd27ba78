/**
 * Text normalisation shared by indexing and querying. Both sides must agree exactly, or a query
 * term can never match the indexed form.
 */

/** CJK ideographs (basic + extension A + compatibility). */
const CJK_CHAR = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
const CJK_G = /([\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])/g;

export function isCjk(ch: string): boolean {
  return CJK_CHAR.test(ch);
}

export function hasCjk(s: string): boolean {
  return CJK_CHAR.test(s);
}

/**
 * NFKC (full-width → half-width), lower case, CNKI markup flattened (`CO<sub>2</sub>` → `co2`),
 * control characters removed, whitespace collapsed.
 */
export function normText(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/<\/?(?:sub|sup|i|b|em|strong)>/gi, '')
    .replace(/[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\ufeff]/g, ' ')
    .toLowerCase()
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * Every CJK character becomes its own word. Meilisearch's Chinese segmenter keeps compounds whole
 * (锂电池 is one token, so 电池 would not match it); indexing single characters and querying with
 * phrases (`"电 池"`) turns Meilisearch's phrase search into exact substring search.
 */
export function splitCjk(s: string): string {
  return normText(s).replace(CJK_G, ' $1 ').replace(/\s+/g, ' ').trim();
}

/** A Meilisearch phrase for one term: `"电 池"`. Quotes inside the term are dropped. */
export function phrase(term: string): string {
  const body = splitCjk(term).replace(/"/g, ' ').replace(/\s+/g, ' ').trim();
  return body ? `"${body}"` : '';
}
