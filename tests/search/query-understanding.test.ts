import { describe, expect, it } from 'vitest';
import { loadGlossary, normEnglish, segmentChinese, singular, translateEnglish } from '../../search/glossary.js';
import { filterExpression, retrievalVariants } from '../../search/patent-search.js';
import { applicantCandidates, parseQuery } from '../../search/query-understanding.js';
import { CLOSE_MATCH, matchQuality, rank } from '../../search/rank.js';
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
  it('segments Chinese leaving the fewest characters unknown, never gluing a joiner into an unknown run', () => {
    expect(segmentChinese(g, '降低柴油机氮氧化物排放')).toEqual(['降低', '柴油机', '氮氧化物', '排放']);
    // 犇 is no term: it stays apart, and 的 ends its run instead of joining it.
    expect(segmentChinese(g, '犇犇的氮氧化物')).toEqual(['犇犇', '的', '氮氧化物']);
    expect(segmentChinese(g, '锂金属负极枝晶抑制')).toEqual(['锂金属负极', '枝晶', '抑制']);
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

describe('needs', () => {
  const terms = (text: string) => parseQuery(g, text).concepts;
  it('drops question and request words and keeps the object and the wanted effect', () => {
    const cs = terms('怎样才能提高小麦的产量');
    expect(cs.map((c) => c.term)).toEqual(['提高', '小麦', '产量']);
    const [effect, wheat, yieldC] = cs;
    expect(effect).toMatchObject({ role: 'effect', optional: true });
    // The effect widens its object through the verb + object group: 提高产量|增产|高产.
    expect(yieldC!.alts).toEqual(expect.arrayContaining(['增产', '高产']));
    // After an effect verb the last word is a property; the object before it is the head.
    expect(wheat!.head).toBe(true);
    expect(yieldC!.head).toBeUndefined();
  });
  it('takes the last concept as the head without an effect verb, and "X或Y" as one concept', () => {
    const cs = terms('光伏组件的清洗或冷却');
    expect(cs.map((c) => c.term)).toEqual(['光伏组件', '清洗']);
    expect(cs[1]!.alts).toEqual(expect.arrayContaining(['清洗', '冷却']));
    expect(cs[1]!.head).toBe(true);
    // An action is never the head: with one object left there is nothing to weigh.
    expect(terms('肝癌的检测或诊断').map((c) => [c.term, c.role, c.head])).toEqual([['肝癌', undefined, undefined], ['检测', 'action', undefined]]);
  });
  it('finds the English head before the first preposition and reads inflected verbs through their stem', () => {
    const cs = terms('removing heavy metals from soil');
    expect(cs[0]!.alts).toContain('去除');
    expect(cs.find((c) => c.head)!.alts).toContain('重金属');
  });
  it('widens a broad term to its narrower ones, never the other way', () => {
    expect(g.zhAlts.get('工程机械')).toEqual(expect.arrayContaining(['起重机', '混凝土泵']));
    expect(g.zhAlts.get('起重机') ?? []).not.toContain('挖掘机');
  });
  it('rates how much of the need the best record covers', () => {
    const cs = terms('降低电机的噪声');
    const motorOnly = { id: 'a', title: '一种电机冷却结构', abstract: '' };
    const both = { id: 'b', title: '一种低噪声电机', abstract: '' };
    const noiseOnly = { id: 'c', title: '一种风扇降噪装置', abstract: '' };
    expect(matchQuality(both, cs)).toBe(1);
    expect(matchQuality(motorOnly, cs)).toBeLessThan(CLOSE_MATCH);
    expect(matchQuality(noiseOnly, cs)).toBeLessThan(matchQuality(motorOnly, cs));
    expect(rank([noiseOnly, motorOnly, both], cs).map((s) => s.doc.id)).toEqual(['b', 'a', 'c']);
  });
  it('keeps the kind of result optional and weighs the subject named as the topic above it named as a modifier', () => {
    const cs = terms('治疗胃癌的药物');
    expect(cs.map((c) => [c.term, c.role, c.optional])).toEqual([['治疗', 'action', false], ['胃癌', undefined, false], ['药物', 'kind', true]]);
    const drug = { id: 'drug', title: '一种化合物在制备治疗胃癌药物中的应用', abstract: '' };
    const noKind = { id: 'noKind', title: '一种治疗胃癌的组合物', abstract: '' };
    const complication = { id: 'complication', title: '一种治疗胃癌腹膜转移的组合物', abstract: '' };
    const kit = { id: 'kit', title: '胃癌诊断试剂盒', abstract: '用于指导治疗' };
    // A record without the kind word still meets the need; one about a complication ranks lower.
    expect(matchQuality(noKind, cs)).toBe(1);
    expect(rank([kit, complication, noKind, drug], cs).map((s) => s.doc.id)).toEqual(['drug', 'noKind', 'complication', 'kit']);
    // Only kind words: the kind is what is searched for.
    expect(terms('材料')[0]).toMatchObject({ role: 'kind', optional: false });
  });
  it('keeps a content character with the word after it and drops particles', () => {
    expect(terms('铍铜合金的焊接').map((c) => c.term)).toEqual(['铍铜合金', '焊接']);
    expect(terms('如何给锂电池降温').map((c) => c.term)).not.toContain('给');
  });
  it('lets an English word the glossary lacks neither sink the need nor pass for a match', () => {
    const cs = terms('zzqxing for lithium batteries');
    expect(cs.find((c) => c.term === 'zzqxing')).toMatchObject({ role: 'untranslated', optional: true });
    const lithium = { id: 'a', title: '一种锂离子电池', abstract: '' };
    expect(matchQuality(lithium, cs)).toBeLessThan(CLOSE_MATCH);
    // treatment names two actions: with nothing to tell them apart either sense is searched, but they
    // are not synonyms in Chinese.
    expect(terms('treatment of zzqx').find((c) => c.role === 'action')!.alts).toEqual(expect.arrayContaining(['治疗', '处理']));
    expect(g.zhAlts.get('处理') ?? []).not.toContain('治疗');
  });
  it('takes the sense of an English action that its object forms a term with', () => {
    // wastewater treatment is 废水处理: the 治疗 of diseases is not searched.
    for (const q of ['oily wastewater treatment', 'treatment of dyeing wastewater']) {
      const action = terms(q).find((c) => c.role === 'action')!;
      expect(action.term).toBe('处理');
      expect(action.alts).not.toContain('治疗');
    }
    // Without such a term, the field of the object's glossary section: sludge is environment, hypertension medicine.
    expect(terms('sludge treatment').find((c) => c.role === 'action')!.alts).not.toContain('治疗');
    expect(terms('treatment of hypertension').find((c) => c.role === 'action')!.alts).not.toContain('处理');
  });
  it('reads Chinese with a Latin abbreviation in Chinese order, searching the abbreviation as titles write it', () => {
    const cs = terms('蓝光LED的发光材料');
    expect(cs.map((c) => c.term)).toEqual(['蓝光', 'led', '发光材料']);
    expect(cs[2]!.head).toBe(true);
    // The stem 发光 of 发光材料 lies inside 发光二极管, another concept's form: it would match every LED.
    expect(cs[2]!.alts).not.toContain('发光');
    expect(cs[2]!.alts).toContain('荧光粉');
  });
  it('does not count a record that shares only the action with the need', () => {
    const cs = terms('含油废水的处理');
    const actionOnly = { id: 'a', title: '一种数据处理方法', abstract: '' };
    const object = { id: 'b', title: '一种油水分离膜', abstract: '用于含油废水' };
    const [b, a] = rank([actionOnly, object], cs);
    expect([b!.doc.id, b!.coverage > 0, a!.doc.id, a!.coverage]).toEqual(['b', true, 'a', 0]);
  });
});

describe('English needs', () => {
  const terms = (q: string) => parseQuery(g, q).concepts.map((c) => c.term);
  const forms = (q: string) => parseQuery(g, q).concepts.flatMap((c) => c.alts);

  it('reads GaN as gallium nitride beside power/device words or as typed, GAN as the network beside model/image words', () => {
    expect(forms('GaN power devices')).toContain('氮化镓');
    expect(forms('GaN power devices')).not.toContain('生成对抗网络');
    expect(forms('gan transistor on silicon substrate')).toContain('氮化镓');
    expect(forms('GaN')).toContain('氮化镓');
    expect(forms('GAN model for image generation')).toContain('生成对抗网络');
    expect(forms('GAN model for image generation')).not.toContain('氮化镓');
    // Lower case and no cue: the ordinary entry keeps both readings.
    expect(forms('gan')).toEqual(expect.arrayContaining(['生成对抗网络', 'gan']));
  });

  it('takes the battery sense of cathode and anode beside battery words', () => {
    expect(forms('lithium battery cathodes')).toContain('正极');
    expect(forms('lithium batteries with silicon anodes').join('|')).toContain('负极');
    expect(forms('cathode of an electrolysis cell')).toContain('阴极');
  });

  it('reaches the noun entry from plurals, participles and adjectives', () => {
    expect(terms('stopping bleeding')).toEqual(['止血']);
    expect(terms('generating images')).toEqual(['图像生成']);
    expect(terms('recycling lithium batteries')).toEqual(['锂电池回收']);
    expect(terms('catalysts for hydrogen evolution')).toEqual(['催化剂', '析氢']);
  });

  it('reads need verbs as effects and actions', () => {
    const odour = parseQuery(g, 'how to eliminate odors in livestock farms').concepts;
    expect(odour.find((c) => c.term === '消除')).toMatchObject({ role: 'effect', optional: true });
    expect(parseQuery(g, 'purifying water').concepts[0]).toMatchObject({ term: '净化', optional: false });
    expect(parseQuery(g, 'alleviate arthritis').concepts[0]).toMatchObject({ role: 'effect' });
  });

  it('corrects a one-letter typo to the one close glossary word, never a real word to a look-alike', () => {
    expect(terms('flexable electrodes for supercapacitors')).toContain('柔性');
    expect(terms('fluoresent probes')).toEqual(['荧光探针']);
    const bleeding = translateEnglish(g, 'breeding bleeding');
    expect(bleeding.map((p) => p.en)).toEqual(['breeding', 'bleeding']);
    expect(bleeding[1]!.zh).toEqual(['出血']);
    expect(translateEnglish(g, 'zorbified widgets').every((p) => !p.zh)).toBe(true);
  });

  it('makes the object the head after an effect verb in "P of O", and the process the head without one', () => {
    const head = (q: string) => parseQuery(g, q).concepts.find((c) => c.head)?.term;
    expect(head('improving cycling stability of lithium battery cathode materials')).toBe('正极材料');
    expect(head('photocatalytic degradation of dyes')).toBe('光催化降解');
  });

  it('keeps "model" generic, so it is never the head of a need', () => {
    const c = parseQuery(g, 'GAN models for generating images').concepts;
    expect(c.find((x) => x.term === '模型')?.optional).toBe(true);
    expect(c.find((x) => x.head)?.term).toBe('生成对抗网络');
  });
});

describe('how a need is asked (issue #19: filler must not become a required concept)', () => {
  const shown = (q: string) =>
    parseQuery(g, q).concepts.map((c) => `${c.term}${c.optional ? '?' : ''}${c.head ? '*' : ''}`);
  it('drops request and recommendation words, Chinese and English', () => {
    expect(shown('请推荐能治疗糖尿病的新药')).toEqual(['治疗', '糖尿病', '新药?']);
    expect(shown('求一种高效去除室内甲醛的材料')).not.toContain('求');
    expect(shown('帮忙推荐一种更好的防腐涂层')).toEqual(['更好?', '防腐', '涂层*']);
    expect(shown('can you recommend a better method to remediate heavy metal contaminated soil')).not.toContain('推荐');
  });
  it('drops pronouns and auxiliaries (I am looking for …)', () => {
    expect(shown('I am looking for anti-corrosion coatings')).toEqual(['防腐', '涂层*']);
    expect(shown('I am looking for a way to improve the yield of rice').map((t) => t.replace(/[?*]/g, ''))).not.toContain('am');
  });
  it('keeps a degree or comparative as an optional quality, never the head', () => {
    expect(shown('有什么专利能让伤口愈合得更快')).toEqual(['伤口愈合', '更快?']);
    expect(shown('让涂层的硬度更加稳固')).toContain('更加稳固?');
    expect(shown('how can I make solar cells more efficient')).toEqual(['太阳能电池', '高效?']);
    expect(shown('有没有让析氢催化剂更高效的新方法')).toEqual(['析氢', '催化剂*', '更高效?', '方法?']);
  });
  it('treats novelty words as no topic and 新药 as a kind', () => {
    expect(shown('有没有防止眼镜起雾的新型涂层')).not.toContain('新型');
    expect(parseQuery(g, '治疗糖尿病的新药').concepts.find((c) => c.term === '新药')?.role).toBe('kind');
  });
  it('keeps a compound whose meaning is not its words as one concept', () => {
    expect(shown('milk tea recipe')[0]).toBe('奶茶');
    expect(shown('coffee capsule machine')).toContain('胶囊机');
  });
});
