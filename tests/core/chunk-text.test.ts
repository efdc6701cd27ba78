import { describe, expect, it } from 'vitest';
import { chunkText } from '../../src/util/chunk-text.js';

describe('chunkText', () => {
  it('cuts at line boundaries, and inside a line only when it is longer than the limit', () => {
    expect(chunkText('ab\ncd\nef', 5)).toEqual(['ab\ncd', 'ef']);
    expect(chunkText('abcdefgh', 3)).toEqual(['abc', 'def', 'gh']);
    expect(chunkText('  \n \n', 10)).toEqual([]);
  });

  it('counts characters, never cutting a surrogate pair, and keeps every character', () => {
    const text = '专利🚀'.repeat(5); // 15 code points, 20 UTF-16 units
    const parts = chunkText(text, 4);
    expect(parts.map((p) => [...p].length)).toEqual([4, 4, 4, 3]);
    for (const p of parts) expect(p).not.toMatch(/[\uD800-\uDBFF]$|^[\uDC00-\uDFFF]/);
    expect(parts.join('')).toBe(text);
  });
});
