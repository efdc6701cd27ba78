import { describe, expect, it } from 'vitest';
import { loadGlossary } from '../../search/glossary.js';
import { CLOSE_MATCH, matchQuality } from '../../search/match-quality.js';
import { parseQuery } from '../../search/query-understanding.js';

/**
 * The boundary of CLOSE_MATCH, on the cases of the calibration (tests/search/closematch-calibration.md)
 * nearest it on either side: the real best hits, title and abstract cut to what decides the match.
 */
describe('CLOSE_MATCH', () => {
  const g = loadGlossary();
  const terms = (text: string) => parseQuery(g, text).concepts;
  it('calls a hit close that misses only a modifier of the need (0.71: answerable, four grade-2 hits shown)', () => {
    const cs = terms('电动汽车电池的热管理');
    const hit = { id: 'CN1', title: '一种车载锂电池的热管理装置及热管理方法', abstract: '本发明涉及电池热管理技术领域' };
    expect(matchQuality(hit, cs)).toBeGreaterThanOrEqual(CLOSE_MATCH);
  });
  it('calls a hit only related that misses the object the need is about (0.60–0.67: no grade-2 patent exists)', () => {
    // The corpus has no spent-fuel record: the best hit shares only 后处理.
    const fuel = terms('乏燃料的后处理');
    expect(matchQuality({ id: 'CN2', title: '一种润滑脂的后处理装置', abstract: '' }, fuel)).toBeLessThan(CLOSE_MATCH);
    // Pesticide residues in textiles, not food.
    const food = terms('怎样检测食品中的农药残留');
    expect(matchQuality({ id: 'CN3', title: '一种纺织品中有机磷农药残留的检测方法', abstract: '' }, food)).toBeLessThan(CLOSE_MATCH);
  });
  it('counts an action as half an object: missing only 回收 still is close', () => {
    const cs = terms('从废旧锂离子电池中回收金属');
    expect(matchQuality({ id: 'CN4', title: '一种废旧锂离子电池中不同磁性金属的分离方法', abstract: '' }, cs)).toBeGreaterThanOrEqual(CLOSE_MATCH);
  });
});
