/**
 * Splits text into pieces of at most `max` characters (code points: a piece never ends inside a
 * surrogate pair), cut at line boundaries where possible; a line longer than `max` is cut inside.
 * Blank trailing text is dropped. Every adapter with a per-message or per-block length limit uses it.
 */
export function chunkText(text: string, max: number): string[] {
  const out: string[] = [];
  let cur = '';
  let curLen = 0;
  for (const line of text.split('\n')) {
    const chars = [...line];
    const pieces = chars.length > max ? Array.from({ length: Math.ceil(chars.length / max) }, (_, i) => chars.slice(i * max, (i + 1) * max).join('')) : [line];
    for (const p of pieces) {
      const len = [...p].length;
      if (cur && curLen + 1 + len > max) {
        out.push(cur);
        cur = p;
        curLen = len;
      } else {
        cur = cur ? `${cur}\n${p}` : p;
        curLen = curLen ? curLen + 1 + len : len;
      }
    }
  }
  if (cur.trim()) out.push(cur);
  return out;
}
