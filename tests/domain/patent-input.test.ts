import { describe, expect, it } from 'vitest';
import { parsePatentInput, recordHash } from '../../src/domain/patent-input.js';
import { readCsv } from '../../src/services/csv.js';

const base = { id: 'CN218751475U', title: '一种无人机机载多功能盒', patentType: '实用新型', province: '河南省', applicants: ['中科大数据研究院'], publicationDate: '2023-03-28' };

describe('parsePatentInput', () => {
  it('maps the corpus’ Chinese values to canonical ones and keeps the raw province', () => {
    const r = parsePatentInput(base);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.record.patentType).toBe('utility_model');
    expect(r.record.province).toBe('Henan');
    expect(r.record.provinceRaw).toBe('河南省');
    const gd = parsePatentInput({ ...base, province: '广东省', patentType: '发明' });
    expect(gd.ok && gd.record.province).toBeNull();
    expect(gd.ok && gd.record.patentType).toBe('invention');
  });

  it('gives a reason for every rejection', () => {
    const cases: [unknown, RegExp][] = [
      [null, /not a JSON object/],
      [[1, 2], /not a JSON object/],
      [{ title: 'x' }, /missing id/],
      [{ ...base, title: '  ' }, /missing title/],
      [{ ...base, id: 'hello world' }, /not a publication number/],
      [{ ...base, patentType: '商标' }, /patentType/],
      [{ ...base, publicationDate: '2023-02-30' }, /publicationDate/],
      [{ ...base, applicants: 5 }, /applicants/],
      [{ ...base, tradeModes: ['steal'] }, /tradeModes/],
    ];
    for (const [input, re] of cases) {
      const r = parsePatentInput(input);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason).toMatch(re);
    }
  });

  it('hashes equal records equally and different ones differently', () => {
    const a = parsePatentInput(base);
    const b = parsePatentInput({ ...base, applicants: ['中科大数据研究院'] });
    const c = parsePatentInput({ ...base, title: '一种无人机机载多功能盒子' });
    if (!a.ok || !b.ok || !c.ok) throw new Error('setup');
    expect(recordHash(a.record)).toBe(recordHash(b.record));
    expect(recordHash(a.record)).not.toBe(recordHash(c.record));
  });
});

describe('readCsv', () => {
  async function* lines(...ls: string[]) {
    yield* ls;
  }
  it('handles quotes, doubled quotes and newlines inside fields, with start lines', async () => {
    const out = [];
    for await (const r of readCsv(lines('\ufeffid,title', 'CN1,"a, ""b""', 'c"', '', 'CN2,plain'))) out.push(r);
    expect(out).toEqual([
      { line: 1, fields: ['id', 'title'] },
      { line: 2, fields: ['CN1', 'a, "b"\nc'] },
      { line: 5, fields: ['CN2', 'plain'] },
    ]);
  });
  it('reports an unterminated quote', async () => {
    const out = [];
    for await (const r of readCsv(lines('id,title', 'CN1,"open'))) out.push(r);
    expect(out.at(-1)).toEqual({ line: 2, error: 'unterminated quoted field' });
  });
});
