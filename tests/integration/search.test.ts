/** Search against a real Meilisearch spawned from the npm-shipped binary. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGlossary } from '../../search/glossary.js';
import { PatentIndex } from '../../search/patent-index.js';
import { PatentSearch } from '../../search/patent-search.js';
import { parsePatentInput } from '../../src/domain/patent-input.js';
import type { PatentRecord } from '../../src/domain/patent.js';
import { startTestMeili, type TestMeili } from '../support/meili.js';

function rec(o: Record<string, unknown>): PatentRecord {
  const r = parsePatentInput({ language: 'zh', ...o });
  if (!r.ok) throw new Error(r.reason);
  return r.record;
}

const CORPUS = [
  rec({ id: 'CN119900001A', title: '一种锂电池隔膜及其制备方法', abstract: '本发明提供一种用于锂电池的复合隔膜。', applicants: ['武汉测试新能源有限公司'], province: '湖北省', patentType: '发明', publicationDate: '2022-05-01', applicationNumber: 'CN202110000001.5' }),
  rec({ id: 'CN219900002U', title: '一种动力电池包散热结构', abstract: '涉及电动汽车电池热管理。', applicants: ['合肥测试汽车有限公司'], province: '安徽省', patentType: '实用新型', publicationDate: '2021-03-01' }),
  rec({ id: 'CN119900003A', title: '一种光纤温度传感器', abstract: '利用光纤光栅测量温度。', applicants: ['测试大学'], province: '广东省', patentType: '发明', publicationDate: '2019-01-01' }),
  rec({ id: 'CN119900004A', title: '分布式光纤振动传感系统', abstract: '用于周界安防。', applicants: ['测试大学'], province: '江西省', patentType: '发明', publicationDate: '2020-01-01' }),
  rec({ id: 'CN119900005A', title: '一种焊接机器人路径规划方法', abstract: '工业机器人焊接轨迹优化。', applicants: ['长沙测试重工有限公司'], province: '湖南省', patentType: '发明', publicationDate: '2023-06-01' }),
  rec({ id: 'CN119900006A', title: '一种基于深度学习的图像分割方法', abstract: '采用卷积神经网络对医学图像进行分割，可用于辅助诊断机器人。', applicants: ['测试大学'], province: '广东省', patentType: '发明', publicationDate: '2024-01-01' }),
  rec({ id: 'CN309900007S', title: '激光切割机', abstract: '外观设计。', applicants: ['郑州测试机械厂'], province: '河南省', patentType: '外观设计', publicationDate: '2018-01-01' }),
  rec({ id: 'CN119900008A', title: '一种激光熔覆修复方法', abstract: '利用激光修复轴类零件。', applicants: ['太原测试钢铁集团'], province: '山西省', patentType: '发明', publicationDate: '2016-01-01' }),
  rec({ id: 'CN119900009B', title: '一种二氧化碳吸附材料', abstract: '用于烟气中CO<sub>2</sub>的捕获。', applicants: ['测试大学'], province: '广东省', patentType: '发明', publicationDate: '2021-01-01' }),
];

let meili: TestMeili;
let search: PatentSearch;

beforeAll(async () => {
  meili = await startTestMeili();
  const index = new PatentIndex(meili.client);
  await index.ensureSettings();
  await index.upsert(CORPUS);
  search = new PatentSearch(meili.client, loadGlossary());
});
afterAll(() => meili?.stop());

const ids = async (q: string, pageSize = 10) => (await search.search(q, { pageSize })).hits.map((h) => h.id);

describe('patent search', () => {
  it('finds compounds from a sub-word (电池 → 锂电池, 动力电池)', async () => {
    const got = await ids('电池');
    expect(got).toEqual(expect.arrayContaining(['CN119900001A', 'CN219900002U']));
    expect(got).not.toContain('CN119900005A');
  });

  it('ranks title matches above abstract-only matches', async () => {
    const got = await ids('机器人');
    expect(got[0]).toBe('CN119900005A');
    expect(got).toContain('CN119900006A');
    expect(got.indexOf('CN119900006A')).toBeGreaterThan(0);
  });

  it('finds Chinese patents from English words through the glossary', async () => {
    expect(await ids('lithium battery')).toContain('CN119900001A');
    expect((await ids('robots'))[0]).toBe('CN119900005A');
    expect(await ids('image segmentation')).toEqual(['CN119900006A']);
  });

  it('matches a compound by its parts when the words are apart (光纤传感器 → 光纤…传感)', async () => {
    const got = await ids('光纤传感器');
    expect(got.slice(0, 2).sort()).toEqual(['CN119900003A', 'CN119900004A']);
  });

  it('says when no record carries every word, and shows the closest', async () => {
    const res = await search.search('激光 锂电池', { pageSize: 10 });
    expect(res.partial).toBe(true);
    expect(res.hits.length).toBeGreaterThan(0);
    expect((await search.search('锂电池 隔膜', { pageSize: 10 })).partial).toBe(false);
  });

  it('expands synonyms (二氧化碳捕集 → 吸附/捕获, CO2)', async () => {
    expect(await ids('二氧化碳捕集')).toContain('CN119900009B');
  });

  it('applies province (also from a city), type and year filters', async () => {
    expect(await ids('湖北 电池')).toEqual(['CN119900001A']);
    expect(await ids('武汉的电池专利')).toEqual(['CN119900001A']);
    expect(await ids('合肥 电池')).toEqual(['CN219900002U']);
    expect(await ids('外观设计 激光')).toEqual(['CN309900007S']);
    expect(await ids('激光 发明专利')).toEqual(['CN119900008A']);
    expect(await ids('激光 2017年以后')).toEqual(['CN309900007S']);
  });

  it('turns a province outside the six into a note, not a filter', async () => {
    const res = await search.search('广东 光纤', { pageSize: 10 });
    expect(res.query.provinceNotCovered).toBe(true);
    expect(res.query.filters.province).toBeUndefined();
    expect(res.hits.length).toBe(2);
  });

  it('filters by an applicant the index knows', async () => {
    const res = await search.search('测试大学 光纤', { pageSize: 10 });
    expect(res.query.filters.applicant).toBe('测试大学');
    expect(res.hits.map((h) => h.id).sort()).toEqual(['CN119900003A', 'CN119900004A']);
  });

  it('resolves patent numbers in common spellings', async () => {
    for (const q of ['CN119900001A', 'cn 119900001 a', 'ZL202110000001.5', '申请号 202110000001.5', 'CN119900001']) {
      expect(await ids(q), q).toEqual(['CN119900001A']);
    }
  });

  it('keeps user text out of filter expressions', async () => {
    const res = await search.search('电池" OR province = "x', { pageSize: 10 });
    expect(res.query.filters).toEqual({});
    await expect(search.search('"; DROP', { pageSize: 10 })).resolves.toBeDefined();
  });

  it('pages without overlap', async () => {
    const p1 = (await search.search('一种', { page: 1, pageSize: 2 })).hits.map((h) => h.id);
    const p2 = (await search.search('一种', { page: 2, pageSize: 2 })).hits.map((h) => h.id);
    expect(p1).toHaveLength(2);
    const all = await search.search('一种', { pageSize: 50 });
    expect(all.matched).toBeGreaterThanOrEqual(all.total);
    // 一种 ("a kind of") is filler in patent titles: it restricts nothing.
    expect(all.total).toBe(CORPUS.length);
    expect(p2.filter((id) => p1.includes(id))).toEqual([]);
  });
});
