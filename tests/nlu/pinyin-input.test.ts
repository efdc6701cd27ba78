import { describe, expect, it } from 'vitest';
import { classify } from '../../src/nlu/classify.js';
import { fromPinyin } from '../../src/nlu/pinyin-input.js';

describe('pinyin typed without a Chinese input method', () => {
  it('reads a wholly pinyin message back as the Chinese words it knows', () => {
    expect(fromPinyin('tuiding tongzhi')).toBe('退订通知');
    expect(fromPinyin('wo xiang goumai zhuanli')).toBe('我想购买专利');
  });

  it('leaves English, mixed text and syllable-only English without vocabulary alone', () => {
    for (const s of ['help me find patents', 'can you', 'hello', 'china', '我要 baoming']) expect(fromPinyin(s)).toBe(s);
  });

  it('keeps place names for the gazetteer (shanxi is 山西 or 陕西 without tones)', () => {
    expect(fromPinyin('shanxi zhengce')).toBe('shanxi 政策');
  });

  it('classifies what it reads back', () => {
    expect(classify('wo yao quxiao dingyue').intent).toBe('unsubscribe');
    expect(classify('zhanhui shenme shihou kaishi').intent).toBe('expo_info');
    expect(classify('hubei waiguan sheji zhuanli').entities).toMatchObject({ province: 'Hubei', patentType: 'design' });
  });
});
