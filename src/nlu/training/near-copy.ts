/**
 * Near-copy detection between the training corpus and evaluation sets: two lines are near copies when
 * their normalised edit distance (Levenshtein distance / length of the longer) is below a limit, after
 * both are normalised (NFKC, lower case, punctuation and spaces removed).
 * Banded dynamic programming: only distances up to the limit are computed, so a full scan is fast.
 */
import { readFileSync } from 'node:fs';

export interface Labelled {
  text: string;
  intent: string;
  entities: Record<string, unknown>;
}

export function readJsonl(path: string): Labelled[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Labelled);
}

export function canon(s: string): string {
  return s.normalize('NFKC').toLowerCase().replace(/[\s\p{P}\p{S}]+/gu, '');
}

/** Levenshtein distance of a and b if it is ≤ k, else k + 1. */
export function boundedDistance(a: string, b: string, k: number): number {
  if (Math.abs(a.length - b.length) > k) return k + 1;
  let prev = new Array<number>(b.length + 1);
  let cur = new Array<number>(b.length + 1);
  for (let j = 0; j <= b.length; j++) prev[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const lo = Math.max(1, i - k);
    const hi = Math.min(b.length, i + k);
    cur.fill(k + 1);
    cur[0] = i;
    let rowMin = i;
    for (let j = lo; j <= hi; j++) {
      const sub = prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1);
      const v = Math.min(sub, prev[j]! + 1, cur[j - 1]! + 1);
      cur[j] = v;
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > k) return k + 1;
    [prev, cur] = [cur, prev];
  }
  return Math.min(prev[b.length]!, k + 1);
}

/** Pairs (training line, reference line) whose normalised distance is below `limit`. */
export function nearCopies(train: readonly string[], refs: readonly string[], limit = 0.2): [string, string][] {
  const refCanon = refs.map((r) => [r, canon(r)] as const).filter(([, c]) => c.length > 0);
  const out: [string, string][] = [];
  for (const t of train) {
    const a = canon(t);
    if (!a) continue;
    for (const [r, b] of refCanon) {
      const longer = Math.max(a.length, b.length);
      // distance / longer < limit  ⇔  distance ≤ ceil(limit · longer) − 1
      const k = Math.ceil(limit * longer) - 1;
      if (k < 0) {
        if (a === b) out.push([t, r]);
        continue;
      }
      if (boundedDistance(a, b, k) <= k) out.push([t, r]);
    }
  }
  return out;
}
