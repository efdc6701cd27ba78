/** nDCG@k with graded gains 2^g − 1, the usual definition for graded judgments. */
export function ndcgAt(k: number, ranked: string[], relevant: Record<string, number>): number {
  const dcg = ranked.slice(0, k).reduce((s, id, i) => s + (2 ** (relevant[id] ?? 0) - 1) / Math.log2(i + 2), 0);
  const ideal = Object.values(relevant)
    .sort((a, b) => b - a)
    .slice(0, k)
    .reduce((s, g, i) => s + (2 ** g - 1) / Math.log2(i + 2), 0);
  return ideal === 0 ? 0 : dcg / ideal;
}
