import { describe, expect, it } from 'vitest';
import { classify } from '../../src/nlu/classify.js';
import { expoSubQuestionOf } from '../../src/nlu/expo-question.js';
import { corrected } from '../../src/nlu/fuzzy.js';
import { normalize } from '../../src/nlu/normalize.js';
import { resultReference } from '../../src/nlu/reference.js';

const ref = (t: string) => resultReference(corrected(normalize(t)));

describe('follow-ups written apart from robust-4', () => {
  it('a question about a listed record named by its topic is a reference to it', () => {
    expect(ref('那个光伏的专利权人是谁')).toEqual({ topic: '光伏' });
    expect(ref('上面那个芯片的还有效吗')).toEqual({ topic: '芯片' });
    expect(ref('刚才那个电池的 发我看看')).toEqual({ topic: '电池' });
    expect(classify('那个光伏的专利权人是谁').intent).toBe('patent_detail');
    // not a reference: a search for a topic
    expect(ref('那个锂电池的专利有哪些')).toBeUndefined();
  });

  it('"the X one" alone or asked about is a reference; "the other one" is not a topic', () => {
    expect(ref('what about the battery one')).toEqual({ topic: 'battery' });
    expect(ref('that drone one')).toEqual({ topic: 'drone' });
    expect(ref('the other one')).toBeUndefined();
  });

  it('places left and paying to take part are expo questions', () => {
    expect(classify('名额还有多少').intent).toBe('expo_info');
    expect(expoSubQuestionOf('名额还有多少')).toBe('capacity');
    expect(classify('参会需要缴费吗').intent).toBe('expo_info');
    expect(expoSubQuestionOf('参会需要缴费吗')).toBe('fee');
  });

  it('what I signed up for is asked without 报名', () => {
    expect(classify('我之前报过哪些活动').intent).toBe('my_registrations');
  });

  it('a request taken back (不X了，…) gives way to the one that follows', () => {
    const r = classify('不买了，我想了解一下湖北的补贴');
    expect(r.intent).toBe('explain_policy');
    expect(r.confidence).toBeLessThan(0.8);
    expect(classify('不去了，帮我取消报名').intent).toBe('cancel_registration');
  });
});

describe('declining a platform action by name', () => {
  it('"not trying to subscribe" / 我不是要报名 is not the action declined', () => {
    expect(classify('not trying to subscribe to anything').intent).not.toBe('subscribe');
    const r = classify("I'm not here to sign up, where is it held");
    expect(r.intent).toBe('expo_info');
    expect(r.confidence).toBeLessThan(0.8);
    expect(classify('我不是要报名，问下门票多少钱').intent).toBe('expo_info');
  });

  it('asking to stop is not a declined action (不想报名了 cancels)', () => {
    expect(classify('我不想报名了').intent).toBe('cancel_registration');
  });

  it('a registration asked to be deleted is cancelled, not the person forgotten', () => {
    expect(classify('参会的报名帮我删一下吧').intent).toBe('cancel_registration');
  });
});

describe('a real word that reads like a province', () => {
  it('is the province where one stands in a text about patents (山溪 → 山西), else left alone', () => {
    expect(classify('山溪的煤矿专利').entities.province).toBe('Shanxi');
    expect(classify('山溪旁边的小屋').entities.province).toBeUndefined();
  });
});

describe('written after robust-5 was measured', () => {
  it('pinyin run together across words is split into the words it spells', () => {
    expect(classify('wo yao quxiaodingyue').intent).toBe('unsubscribe');
  });

  it('paying to get in, seats left and when sign-up closes are expo questions', () => {
    expect(classify('do we have to pay to enter').intent).toBe('expo_info');
    expect(expoSubQuestionOf('座位还有吗')).toBe('capacity');
    expect(expoSubQuestionOf('报名入口什么时候关')).toBe('deadline');
  });

  it('第N个点进去 opens the Nth result', () => {
    expect(ref('第五个点进去看')).toEqual({ index: 5 });
  });
});

describe('closing a conversation', () => {
  it('is nothing to do, not a greeting; a request after it still counts', () => {
    expect(classify('没事了，谢谢啦').intent).toBe('unknown');
    expect(classify('没事了，帮我查下湖北的电池专利').intent).toBe('search_patents');
  });
});
