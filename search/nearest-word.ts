/**
 * The vocabulary word a misspelt English word most likely stands for (flexable → flexible, fluoresent →
 * fluorescent): one edit (a letter left out, doubled or added, two neighbours swapped, or one vowel for
 * another) for words of 6–8 letters, two for longer ones, the same first letter, and only when exactly one
 * word is that close. A consonant for a consonant is not a typo here: bleeding is a word, not breeding
 * misspelt, and an unknown but correctly spelt word must be left alone rather than turned into a look-alike.
 */
export function nearestWord(w: string, vocabulary: Iterable<string>): string | undefined {
  if (w.length < 6 || !/^[a-z]+$/.test(w)) return undefined;
  const max = w.length >= 9 ? 2 : 1;
  let best: string | undefined;
  let bestD = Infinity;
  let ties = 0;
  for (const v of vocabulary) {
    if (v[0] !== w[0] || Math.abs(v.length - w.length) > max || v === w || v.length < 5) continue;
    const d = editDistance(w, v, max);
    if (d > max) continue;
    if (d < bestD) (best = v), (bestD = d), (ties = 1);
    else if (d === bestD && v !== best) ties++;
  }
  return ties === 1 ? best : undefined;
}

const VOWEL = /[aeiouy]/;
/** A consonant substitution costs more than any allowed distance. */
const SUBSTITUTION = 3;

/** Optimal-string-alignment distance (vowel-for-vowel substitutions only), stopping early once it exceeds `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  const m = a.length;
  const n = b.length;
  let prev2: number[] = [];
  let prev = Array.from({ length: n + 1 }, (_, j) => j);
  for (let i = 1; i <= m; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= n; j++) {
      const x = a[i - 1]!;
      const y = b[j - 1]!;
      const cost = x === y ? 0 : VOWEL.test(x) && VOWEL.test(y) ? 1 : SUBSTITUTION;
      let d = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d = Math.min(d, prev2[j - 2]! + 1);
      cur.push(d);
      rowMin = Math.min(rowMin, d);
    }
    if (rowMin > max) return max + 1;
    prev2 = prev;
    prev = cur;
  }
  return prev[n]!;
}
