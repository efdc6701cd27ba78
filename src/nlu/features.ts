/**
 * Sparse features for the learned intent model (model.ts), from a text already normalised by
 * normalize.ts (lower-case Latin, half-width, simplified Chinese):
 *   - Chinese runs: character 1-, 2- and 3-grams, with ^ / $ marking the run's edges
 *     (no word segmentation needed, and an unseen compound still shares its characters with known ones);
 *   - Latin words: the word, the bigram with the previous Latin word, and character 3- and 4-grams of
 *     the word with < > at its edges (so "patnets" still shares most grams with "patents");
 *   - digit runs collapse to "0"; a patent number arrives as one mark (model.ts) and becomes "#pn";
 *   - "?" when the text asks a question.
 * Features are returned once each (binary presence). Work is linear in the text length, and at most
 * MAX_FEATURES are produced, so a 100 KB input stays cheap.
 */

export const MAX_FEATURES = 4000;

const TOKEN = /\ue000|[\u3400-\u4dbf\u4e00-\u9fff]+|[a-z0-9\u00c0-\u024f][a-z0-9\u00c0-\u024f'&-]*/g;

function isCjk(code: number): boolean {
  return (code >= 0x4e00 && code <= 0x9fff) || (code >= 0x3400 && code <= 0x4dbf);
}

export function features(norm: string): string[] {
  const out = new Set<string>();
  const add = (f: string): void => {
    if (out.size < MAX_FEATURES) out.add(f);
  };
  if (norm.includes('?')) add('?');
  let prevWord: string | undefined;
  TOKEN.lastIndex = 0;
  for (let m = TOKEN.exec(norm); m && out.size < MAX_FEATURES; m = TOKEN.exec(norm)) {
    const tok = m[0];
    if (tok === '\ue000') {
      add('#pn');
      prevWord = undefined;
      continue;
    }
    if (isCjk(tok.charCodeAt(0))) {
      prevWord = undefined;
      const s = `^${tok}$`;
      for (let i = 1; i < s.length - 1; i++) add(s[i]!);
      for (let i = 0; i + 2 <= s.length; i++) add(s.slice(i, i + 2));
      for (let i = 0; i + 3 <= s.length; i++) add(s.slice(i, i + 3));
      continue;
    }
    const w = tok.replace(/\d+/g, '0').replace(/^['-]+|['-]+$/g, '');
    if (!w) continue;
    add(`w:${w}`);
    if (prevWord) add(`b:${prevWord}_${w}`);
    prevWord = w;
    if (w.length < 3) continue;
    const g = `<${w}>`;
    for (let i = 0; i + 3 <= g.length; i++) add(`g:${g.slice(i, i + 3)}`);
    for (let i = 0; i + 4 <= g.length; i++) add(`g:${g.slice(i, i + 4)}`);
  }
  return [...out];
}
