import { describe, expect, it } from 'vitest';
import { extractEntities, topicWords } from '../../src/nlu/entities.js';

describe('topicWords', () => {
  it.each([
    ['湖北 锂电池 专利', '锂电池'],
    ['lithium battery patents in Hubei', 'lithium battery'],
    ['南昌的加速度计专利', '加速度计'],
    ['外观设计 激光', '激光'],
    ['帮我查一下有没有石墨烯相关的专利', '石墨烯'],
    ['find patents related to solar cells', 'solar cells'],
    ['H01M10/052 电池', '电池'],
    ['江西省稀土方面的专利技术有哪些', '稀土'],
    ['Show me utility model patents for water pumps from Luoyang', 'water pumps'],
    ['CN116245100A', ''],
    ['广东和湖南的LED专利', 'led'],
  ])('%s → %s', (text, topic) => {
    expect(topicWords(text)).toBe(topic);
  });
});

describe('extractEntities', () => {
  it('finds province, type, number and IPC with spans', () => {
    const { entities, spans } = extractEntities('武汉 实用新型 CN218751475U G06F 16/30');
    expect(entities).toMatchObject({
      province: 'Hubei',
      patentType: 'utility_model',
      patentNumber: 'CN218751475U',
      ipc: 'G06F16/30',
    });
    const kinds = spans.map((s) => s.kind).sort();
    expect(kinds).toEqual(['ipc', 'patentNumber', 'patentType', 'province']);
    for (const s of spans) expect(s.end).toBeGreaterThan(s.start);
  });

  it.each([
    ['发明专利', 'invention'],
    ['实用新型', 'utility_model'],
    ['外观专利', 'design'],
    ['invention patents on pumps', 'invention'],
    ['utility models', 'utility_model'],
    ['design patent for a chair', 'design'],
  ])('patent type of %s is %s', (text, type) => {
    expect(extractEntities(text).entities.patentType).toBe(type);
  });

  it('does not take the inventor or a generic invention as a patent type', () => {
    expect(extractEntities('发明人是谁').entities.patentType).toBeUndefined();
    expect(extractEntities('I made an invention').entities.patentType).toBeUndefined();
  });

  it.each([
    ['h01m', 'H01M'],
    ['IPC: H01M 10/0525', 'H01M10/0525'],
    ['a61k36/00 中药', 'A61K36/00'],
  ])('IPC of %s is %s', (text, ipc) => {
    expect(extractEntities(text).entities.ipc).toBe(ipc);
  });

  it('does not invent entities', () => {
    expect(extractEntities('你好').entities).toEqual({});
    expect(extractEntities('B2B platform with 5G').entities.ipc).toBeUndefined();
  });

  it.each([
    ['我们想买下这项技术', 'buy'],
    ['申请实施许可', 'license'],
    ['愿意入股', 'invest'],
    ['产学研合作', 'cooperate'],
    ['专利挂牌出售', 'sell'],
    ['发布一个技术需求', 'demand'],
    ['产品被仿冒了', 'protect'],
    ['I want to sell it', 'sell'],
    ['they are infringing our patent', 'protect'],
  ])('lead type of %s is %s', (text, lead) => {
    expect(extractEntities(text).entities.leadType).toBe(lead);
  });
});
