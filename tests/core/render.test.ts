import { describe, expect, it } from 'vitest';
import { legalStatusLabel } from '../../src/core/strings.js';
import { detailText, hitItem, truncate } from '../../src/handlers/render-patent.js';
import type { PatentHit } from '../../search/patent-search.js';
import type { PatentRecord } from '../../src/domain/patent.js';

const hit: PatentHit = {
  id: 'CN119900001A',
  title: '一种锂电池隔膜',
  titleEn: 'Lithium battery separator',
  abstract: '摘要'.repeat(400),
  applicants: ['甲公司', '乙大学', '丙研究院', '丁公司'],
  province: 'Hubei',
  provinceRaw: '湖北省',
  patentType: 'invention',
  legalStatus: '有权-审定授权',
  year: 2022,
  ipc: ['H01M50/40'],
  publicationDate: '2022-05-01',
  tradeModes: ['transfer', 'license'],
  demo: true,
};

const record: PatentRecord = {
  ...hit,
  patentType: 'invention',
  province: 'Hubei',
  inventors: ['张三', '李四'],
  applicationNumber: '202110000001.5',
  grantPublicationNumber: 'CN119900001B',
  applicationDate: '2021-01-05',
  grantDate: '2023-02-01',
  applicantAddress: null,
  city: '武汉市',
  language: 'zh',
  source: 'demo',
  sourceCategory: [],
};

describe('patent rendering', () => {
  it('renders a hit in Chinese with the Chinese title, province and buttons', () => {
    const item = hitItem(hit, 'zh');
    expect(item.title).toBe('CN119900001A  一种锂电池隔膜 （演示数据）');
    expect(item.lines[0]).toBe('申请人: 甲公司；乙大学；丙研究院 等4家');
    expect(item.lines[1]).toBe('湖北省 · 发明 · 法律状态: 有权-审定授权 · 2022');
    expect(item.buttons?.map((b) => b.action)).toEqual([
      { type: 'detail', patentId: 'CN119900001A' },
      { type: 'interest', patentId: 'CN119900001A' },
    ]);
  });

  it('renders in English with the English title and translated status, keeping the source', () => {
    const item = hitItem(hit, 'en');
    expect(item.title).toContain('Lithium battery separator');
    expect(item.lines[1]).toBe('Hubei · Invention · Legal status: in force – granted (有权-审定授权) · 2022');
    const d = detailText(record, 'en');
    expect(d).toContain('Open to: transfer, licence');
    expect(d).toContain('一种锂电池隔膜');
    expect(d).toContain('Application no.: 202110000001.5 (2021-01-05)');
    expect(d).toContain('Granted: 2023-02-01 (CN119900001B)');
    expect(d).toContain('Province: Hubei · Wuhan');
  });

  it('keeps the detail short enough for one chat message', () => {
    expect([...detailText(record, 'zh')].length).toBeLessThan(1000);
    expect(detailText(record, 'zh')).toContain('发明人: 张三；李四');
    expect(truncate('一二三四五', 3)).toBe('一二…');
  });

  it('falls back to the raw status when a part is unknown', () => {
    expect(legalStatusLabel('有权-奇怪状态', 'en')).toBe('有权-奇怪状态');
    expect(legalStatusLabel(null, 'en')).toBe('not stated');
  });
});
