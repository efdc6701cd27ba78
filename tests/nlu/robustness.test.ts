import { describe, expect, it } from 'vitest';
import { classify } from '../../src/nlu/classify.js';
import { extractEntities, topicWords } from '../../src/nlu/entities.js';

function junk(n: number, seed = 7): string {
  let x = seed;
  let s = '';
  for (let i = 0; i < n; i++) {
    x = (x * 1103515245 + 12345) & 0x7fffffff;
    s += String.fromCharCode(x % 0xffff);
  }
  return s;
}

describe('robustness', () => {
  it.each([
    ['empty', ''],
    ['spaces', '   \n\t  '],
    ['control characters', '\u0000\u0001\u0007\u001b[31m\u007f'],
    ['emoji', '🤖🤖🔥🔥🎉'],
    ['punctuation', '？？？！！！……'],
    ['binary-looking junk', junk(2000)],
    ['lone surrogates', '\ud800\udc00\ud800abc\udfff'],
  ])('%s → unknown without throwing', (_name, text) => {
    const r = classify(text);
    expect(r.intent).toBe('unknown');
    expect(r.confidence).toBeGreaterThanOrEqual(0);
    expect(r.confidence).toBeLessThanOrEqual(1);
    expect(() => extractEntities(text)).not.toThrow();
    expect(() => topicWords(text)).not.toThrow();
  });

  // A guard against catastrophic backtracking (seconds to hours), not a speed target: the bound is
  // far above the ~tens of ms a 100 KB text takes even on a loaded machine.
  it('handles a 100 KB text without blowing up', () => {
    const inputs = ['a'.repeat(100_000), junk(100_000, 3), '武汉'.repeat(50_000), '专利'.repeat(50_000), 'CN1 '.repeat(25_000)];
    for (const text of inputs) {
      const t0 = performance.now();
      const r = classify(text);
      extractEntities(text);
      topicWords(text);
      expect(performance.now() - t0).toBeLessThan(3000);
      expect(typeof r.intent).toBe('string');
    }
    expect(classify('a'.repeat(100_000)).intent).toBe('unknown');
    expect(classify(junk(100_000, 3)).intent).toBe('unknown');
  });

  it('control characters inside a real request do not break it', () => {
    expect(classify('取消\u0000订阅').intent).toBe('unsubscribe');
    expect(classify('湖北\u200b锂电池\u0007专利').entities.province).toBe('Hubei');
  });

  it('full-width and traditional characters are understood', () => {
    expect(classify('ＣＮ１１６５９５４００Ａ').entities.patentNumber).toBe('CN116595400A');
    expect(classify('湖北有什麼專利補貼').intent).toBe('explain_policy');
  });

  it('does not throw on non-string input at runtime', () => {
    expect(classify(undefined as unknown as string).intent).toBe('unknown');
  });
});
