import { describe, expect, it } from 'vitest';
import { PROVINCES } from '../../src/core/intents.js';
import { PROVINCE_INFO, findPlaces, findProvince, provinceFromName, provinceZhFull } from '../../src/domain/geo.js';

describe('findProvince', () => {
  it.each([
    ['湖北省的专利', 'Hubei'],
    ['河南', 'Henan'],
    ['在合肥有没有', 'Anhui'],
    ['景德镇陶瓷', 'Jiangxi'],
    ['株洲轨道交通', 'Hunan'],
    ['晋中的企业', 'Shanxi'],
    ['仙桃无纺布', 'Hubei'],
    ['济源市', 'Henan'],
    ['神农架', 'Hubei'],
    ['湘西州', 'Hunan'],
    ['Wuhan', 'Hubei'],
    ['patents from changsha', 'Hunan'],
    ['Ganzhou rare earth', 'Jiangxi'],
    ['Taiyuan', 'Shanxi'],
    ['Hefei', 'Anhui'],
    ['ＷＵＨＡＮ', 'Hubei'],
    ["Ma'anshan steel", 'Anhui'],
    ['在鄂转化', 'Hubei'],
    ['皖企', 'Anhui'],
  ])('%s → %s', (text, province) => {
    expect(findProvince(text)?.province).toBe(province);
  });

  it('keeps 陕西 / Shaanxi (not covered) apart from 山西 / Shanxi', () => {
    expect(findProvince('陕西的专利')?.province).toBeNull();
    expect(findProvince('山西的专利')?.province).toBe('Shanxi');
    expect(findProvince('Shaanxi')?.province).toBeNull();
    expect(findProvince('Shanxi')?.province).toBe('Shanxi');
    expect(findProvince('西安')?.province).toBeNull();
    expect(findProvince('太原')?.province).toBe('Shanxi');
  });

  it.each(['广东', '深圳', '杭州', '北京市', '上海', 'Guangdong', 'Shenzhen', 'Hong Kong', '海南', '河北', 'Xiamen'])(
    '%s is named but not covered → null',
    (text) => {
      const m = findProvince(text);
      expect(m).toBeDefined();
      expect(m?.province).toBeNull();
    },
  );

  it('returns the span and surface of the mention', () => {
    const m = findProvince('我在武汉市工作');
    expect(m).toMatchObject({ province: 'Hubei', start: 2, end: 5, surface: '武汉市' });
  });

  it('prefers a covered province over an uncovered one', () => {
    expect(findProvince('深圳公司想找湖南的技术')?.province).toBe('Hunan');
  });

  it('does not read idioms, words or other provinces as places', () => {
    expect(findProvince('两个方案大同小异')).toBeUndefined();
    expect(findProvince('他最近晋升了')).toBeUndefined();
    expect(findProvince('我还在犹豫')).toBeUndefined();
    expect(findProvince('浙江西部')?.province).toBeNull();
    expect(findProvince('鄂尔多斯')?.province).toBeNull();
    expect(findProvince('lithium battery')).toBeUndefined();
  });

  it('lists all mentions in order', () => {
    expect(findPlaces('广东和湖南').map((m) => m.province)).toEqual([null, 'Hunan']);
  });
});

describe('PROVINCE_INFO', () => {
  it('covers the six provinces with full names and cities', () => {
    for (const p of PROVINCES) {
      const info = PROVINCE_INFO[p];
      expect(info.zhFull).toBe(`${info.zh}省`);
      expect(provinceZhFull(p)).toBe(info.zhFull);
      expect(info.cities.length).toBeGreaterThanOrEqual(11);
      for (const c of info.cities) expect(findProvince(c.zh)?.province).toBe(p);
    }
  });

  it('maps stored corpus values back', () => {
    expect(provinceFromName('湖北省')).toBe('Hubei');
    expect(provinceFromName('广东省')).toBeNull();
    expect(provinceFromName('Jiangxi')).toBe('Jiangxi');
  });
});

describe('place names inside ordinary words', () => {
  it.each(['河流入海口水质监测', '无为而治', '还原平台数据', '周口店遗址', '中山路上的店'])('%s names no covered province', (text) => {
    expect(findProvince(text)?.province ?? undefined).toBeUndefined();
  });
  it('镇江西路 is in Jiangsu, not Jiangxi', () => {
    expect(findProvince('镇江西路')?.province).toBeNull();
  });
});
