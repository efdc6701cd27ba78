import { describe, expect, it } from 'vitest';
import { loadGlossary, normEnglish, singular, translateEnglish } from '../../search/glossary.js';
import { filterExpression, retrievalVariants } from '../../search/patent-search.js';
import { applicantCandidates, parseQuery } from '../../search/query-understanding.js';
import { rank } from '../../search/rank.js';
import { phrase, splitCjk } from '../../search/text.js';

const g = loadGlossary();

describe('text', () => {
  it('splits CJK into single-character words and flattens CNKI markup', () => {
    expect(splitCjk('锂电池CO<sub>2</sub>捕获 LED')).toBe('锂 电 池 co2 捕 获 led');
    expect(phrase('电池')).toBe('"电 池"');
    expect(phrase('"')).toBe('');
  });
});

describe('glossary', () => {
  it('singularises English, regular and irregular', () => {
    expect(singular('batteries')).toBe('battery');
    expect(singular('bacteria')).toBe('bacterium');
    expect(singular('lenses')).toBe('lens');
    expect(singular('analysis')).toBe('analysis');
    expect(normEnglish('Lithium-Ion Batteries')).toBe('lithium ion battery');
    expect(normEnglish('glass fibre reinforced aluminium')).toBe('glass fiber reinforced aluminum');
    expect(normEnglish('tumour optimisation centre')).toBe('tumor optimization center');
  });
  it('translates by longest match and leaves unknown words alone', () => {
    const pieces = translateEnglish(g, 'stem cells for diabetes zzqx');
    expect(pieces.map((p) => p.en)).toEqual(['stem cell', 'for', 'diabetes', 'zzqx']);
    expect(pieces[0]!.zh?.[0]).toBe('干细胞');
    expect(pieces[3]!.zh).toBeUndefined();
  });
  it('holds hundreds of terms', () => {
    expect(g.en.size).toBeGreaterThan(500);
  });
});

describe('parseQuery', () => {
  it('separates filters from topic words', () => {
    const q = parseQuery(g, '湖北 锂电池 发明专利 2020年以后');
    expect(q.filters).toEqual({ province: 'Hubei', patentType: 'invention', yearFrom: 2020 });
    expect(q.concepts.map((c) => c.term)).toEqual(['锂电池']);
  });
  it('maps cities to their province and flags provinces outside the six', () => {
    expect(parseQuery(g, '南昌的加速度计专利').filters.province).toBe('Jiangxi');
    const out = parseQuery(g, '陕西 航空材料');
    expect(out.filters.province).toBeUndefined();
    expect(out.provinceNotCovered).toBe(true);
    expect(parseQuery(g, '山西 煤化工').filters.province).toBe('Shanxi');
  });
  it('understands English filters and topics', () => {
    const q = parseQuery(g, 'lithium battery patents in Hubei since 2019');
    expect(q.filters).toMatchObject({ province: 'Hubei', yearFrom: 2019 });
    expect(q.concepts[0]!.alts).toEqual(expect.arrayContaining(['锂电池']));
  });
  it('decomposes compounds and adds synonyms and stems', () => {
    const [c] = parseQuery(g, '光纤传感器').concepts;
    expect(c!.parts?.map((p) => p.term)).toEqual(['光纤', '传感器']);
    expect(c!.parts![1]!.alts).toContain('传感');
    const many = parseQuery(g, '锂离子电池正极材料').concepts.map((x) => x.term);
    expect(many.length).toBeGreaterThanOrEqual(2);
  });
  it('takes the trade mode a searcher asks for as a filter', () => {
    const q = parseQuery(g, '湖南 可许可的 工程机械 专利');
    expect(q.filters).toMatchObject({ province: 'Hunan', tradeMode: 'license' });
    expect(q.topic).not.toMatch(/许可/);
    expect(parseQuery(g, 'rare earth magnet patents available for licensing in Jiangxi').filters).toMatchObject({ province: 'Jiangxi', tradeMode: 'license' });
    expect(parseQuery(g, '锂电池').filters.tradeMode).toBeUndefined();
  });
  it('takes IPC symbols and patent numbers', () => {
    expect(parseQuery(g, 'H01M 电池').filters.ipc).toBe('H01M');
    expect(parseQuery(g, 'ZL 2020 1 0876543.2').number).toBe('202010876543.2');
  });
  it('proposes applicant names ending at an organisation suffix, longest first', () => {
    expect(applicantCandidates('中山大学孙逸仙纪念医院的超声专利')).toEqual(['中山大学孙逸仙纪念医院', '中山大学']);
    expect(applicantCandidates('锂电池')).toEqual([]);
  });
});

describe('filters and retrieval', () => {
  it('builds filters only from validated values and escapes quotes', () => {
    expect(filterExpression({ province: 'Hubei', patentType: 'design', ipc: 'H01M10/0525', yearFrom: 2019, applicant: 'A "B" \\C' })).toEqual([
      'province = "Hubei"',
      'patentType = "design"',
      'ipc = "H01M10/0525"',
      'year >= 2019',
      'applicants = "A \\"B\\" \\\\C"',
    ]);
  });
  it('asks first for the query as given, then alternatives, then parts', () => {
    const v = retrievalVariants(parseQuery(g, '光纤传感器').concepts);
    expect(v[0]).toEqual(['"光 纤 传 感 器"']);
    expect(v).toContainEqual(['"光 纤"', '"传 感"']);
  });
});

describe('rank', () => {
  it('orders title over abstract over partial coverage', () => {
    const concepts = parseQuery(g, '水凝胶 伤口').concepts;
    const docs = [
      { id: 'partial', title: '一种水凝胶', abstract: '' },
      { id: 'abstract', title: '一种敷料', abstract: '含水凝胶，促进伤口愈合' },
      { id: 'title', title: '促进伤口愈合的水凝胶', abstract: '' },
    ];
    expect(rank(docs, concepts).map((s) => s.doc.id)).toEqual(['title', 'abstract', 'partial']);
  });
});
