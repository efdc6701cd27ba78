import { describe, expect, it } from 'vitest';
import { loadGlossary } from '../../search/glossary.js';
import { parseQuery } from '../../search/query-understanding.js';
import { labelledVariants, MAX_VARIANTS, traditional } from '../../search/retrieval-variants.js';

const g = loadGlossary();
const spelt = (v: { phrases: string[] }) => v.phrases.map((p) => p.replace(/[" ]/g, '')).join(' ');

describe('retrieval variants', () => {
  it('tells Traditional spellings from Simplified ones', () => {
    expect(traditional('鋰電池')).toBe(true);
    expect(traditional('傳感器')).toBe(true);
    expect(traditional('锂电池')).toBe(false);
    expect(traditional('led')).toBe(false);
  });

  it('asks the need first, then its Simplified forms, and Traditional forms last', () => {
    const v = labelledVariants(parseQuery(g, '锂离子电池正极材料').concepts);
    expect(v.length).toBeLessThanOrEqual(MAX_VARIANTS);
    expect(v[0]).toEqual({ phrases: ['"锂 离 子 电 池"', '"正 极 材 料"'], stage: 'asked' });
    const firstRare = v.findIndex((x) => traditional(spelt(x).replace(/ /g, '')));
    expect(firstRare, 'the glossary gives 锂离子电池 Traditional forms').toBeGreaterThan(0);
    expect(v.slice(firstRare).every((x) => traditional(spelt(x).replace(/ /g, '')))).toBe(true);
    // The whole need in other forms and the concepts alone all come before them.
    expect(v.slice(0, firstRare).map(spelt)).toEqual(expect.arrayContaining(['锂电池 正极材料', '锂离子电池 阴极材料', '锂离子电池', '正极材料']));
  });

  it('under the cap, a Traditional form gives way to another Simplified query', () => {
    const v = labelledVariants(parseQuery(g, 'fiber optic temperature sensing').concepts).map(spelt);
    expect(v).toHaveLength(MAX_VARIANTS);
    expect(v.some((x) => traditional(x.replace(/ /g, '')))).toBe(false);
    expect(v).toContain('温度');
  });
});
