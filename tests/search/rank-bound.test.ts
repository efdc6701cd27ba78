import { describe, expect, it } from 'vitest';
import { loadGlossary } from '../../search/glossary.js';
import { parseQuery } from '../../search/query-understanding.js';
import { bestPossibleScore, scoreDoc } from '../../search/rank.js';

// Search stops reading candidates once the page's last place scores bestPossibleScore: that is only
// right while no record can score above it. These records are built from the needs' own forms, their
// parts, other words and the whole need, in titles, English titles and abstracts, in random orders.
const g = loadGlossary();
const NEEDS = ['钠离子电池负极', '提高水稻抗倒伏能力', '污泥脱水', '光纤光栅传感器', 'solid state battery electrolyte', 'remove heavy metals from soil', '治疗高血压的药物', '无人机避障', 'LED散热'];
const FILLER = ['一种', '方法', '装置', '及其制备方法', '的', '用于', '系统', '基于', 'method', 'device', '和'];

function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32);
}

describe('bestPossibleScore', () => {
  it('no record built from the need scores above it, and the bound is reached', () => {
    const r = rng(7);
    const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
    for (const need of NEEDS) {
      const q = parseQuery(g, need);
      expect(q.concepts.length, need).toBeGreaterThan(0);
      const full = q.concepts.length > 1 ? q.concepts.map((c) => c.term).join('') : undefined;
      const bound = bestPossibleScore(q.concepts, full);
      const words = [...q.concepts.flatMap((c) => [c.term, ...c.alts, ...(c.parts ?? []).flatMap((p) => [p.term, ...p.alts])]), ...FILLER, ...(full ? [full] : [])].filter(Boolean);
      let reached = false;
      for (let k = 0; k < 400; k++) {
        const text = () => Array.from({ length: 1 + Math.floor(r() * 8) }, () => pick(words)).join(r() < 0.5 ? '' : ' ');
        const doc = { id: `d${k}`, title: text(), titleEn: r() < 0.3 ? text() : null, abstract: r() < 0.8 ? text() : null };
        const { score } = scoreDoc(doc, q.concepts, full);
        expect(score, `${need}: ${JSON.stringify(doc)}`).toBeLessThanOrEqual(bound + 1e-9);
        if (Math.abs(score - bound) < 1e-9) reached = true;
      }
      // Every form of the need in the title and the abstract, as the bound assumes.
      const all = [full ?? '', ...q.concepts.map((c) => c.alts[0] ?? c.term)].join(' ');
      expect(scoreDoc({ id: 'all', title: all, titleEn: null, abstract: all }, q.concepts, full).score).toBeCloseTo(bound, 9);
      expect(reached || bound > 0, need).toBe(true);
    }
  });
});
