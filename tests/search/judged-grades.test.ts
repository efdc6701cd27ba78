import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type JudgedQuery, mergeSupplement, supplementFor } from '../../scripts/judged-grades.js';

describe('judged sets and our supplements (eval:search)', () => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'judged-grades-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('adds only ids the judged set never graded; the set\'s own grade wins and a differing one is listed', () => {
    const judged: JudgedQuery[] = [
      { query: 'a', kind: 'zh', relevant: { X: 2, Y: 0 } },
      { query: 'b', kind: 'en', relevant: { Z: 0 } },
    ];
    const extra: JudgedQuery[] = [
      { query: 'a', kind: 'zh', relevant: { Y: 1, N: 2 } },
      { query: 'b', kind: 'en', relevant: { Z: 0, M: 1 } },
      { query: 'c', kind: 'en', relevant: { Q: 2 } },
    ];
    const m = mergeSupplement(judged, extra);
    expect(m.queries.map((q) => q.relevant)).toEqual([{ X: 2, Y: 0, N: 2 }, { Z: 0, M: 1 }]);
    expect(m.added).toBe(2);
    expect(m.conflicts).toEqual(['a Y: given 0, ours 1']);
    expect(m.strays).toEqual(['c']);
    expect(judged[0]!.relevant).toEqual({ X: 2, Y: 0 }); // the judged set is not changed
  });

  it('maps dev-judged.jsonl to tests/search/dev-judged-extra.jsonl only when that file exists; --extra wins', () => {
    const shared = path.join(root, 'shared', 'dev-judged.jsonl');
    expect(supplementFor(shared, root)).toBeUndefined();
    mkdirSync(path.join(root, 'tests', 'search'), { recursive: true });
    writeFileSync(path.join(root, 'tests', 'search', 'dev-judged-extra.jsonl'), '');
    expect(supplementFor(shared, root)).toBe(path.join(root, 'tests', 'search', 'dev-judged-extra.jsonl'));
    expect(supplementFor(path.join(root, 'shared', 'dev-queries.jsonl'), root)).toBeUndefined();
    expect(supplementFor(shared, root, '/elsewhere/mine.jsonl')).toBe('/elsewhere/mine.jsonl');
  });
});
