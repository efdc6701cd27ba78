/**
 * The methods behind the robust-6 fixes (#19 part 4–5), each checked on wordings of its own (none is a
 * line of robust-6 or of any other evaluation set): declined imperatives and destructive verbs, old
 * romanisations and a real word read as a province only where a place stands, a registration as the
 * object of a removal, who runs the platform, and the reference / sub-question forms added.
 */
import { describe, expect, it } from 'vitest';
import { classify } from '../../src/nlu/classify.js';
import { expoSubQuestionOf } from '../../src/nlu/expo-question.js';
import { corrected } from '../../src/nlu/fuzzy.js';
import { maskNegated } from '../../src/nlu/negation.js';
import { normalize } from '../../src/nlu/normalize.js';
import { resultReference } from '../../src/nlu/reference.js';

const ref = (text: string) => resultReference(corrected(normalize(text)));

describe('a declined action before the real request', () => {
  it.each([
    ["don't remove my profile, just turn off the alerts", 'unsubscribe'],
    ["please don't cancel it, I only want to see my bookings", 'my_registrations'],
    ['不想删除账号，我想看看我报名了哪些展会', 'my_registrations'],
    ['先别取消报名，我想问问展会还有没有名额', 'expo_info'],
  ] as const)('%s → %s, never surer than the negation cap', (text, intent) => {
    const r = classify(text);
    expect(r.intent).toBe(intent);
    expect(r.confidence).toBeLessThanOrEqual(0.75);
  });

  it('blanks only the declined clause (same length, the request left readable)', () => {
    const text = "don't delete anything, just show my registrations";
    const masked = maskNegated(text);
    expect(masked.negated).toBe(true);
    expect(masked.text).toHaveLength(text.length);
    expect(masked.text).not.toContain('delete');
    expect(masked.text).toContain('show my registrations');
  });

  it('leaves a plain request to stop the messages alone (不想收到推送 asks to unsubscribe)', () => {
    expect(maskNegated('不想收到推送，帮我关掉').negated).toBe(false);
    expect(classify('不想收到推送，帮我关掉').intent).toBe('unsubscribe');
  });
});

describe('old romanisations and place-alike words', () => {
  it.each([
    ['Honan patents on bearings', 'Henan'],
    ['any patents from Hupeh?', 'Hubei'],
    ['Kiangsi ceramics patents', 'Jiangxi'],
    ['subsidies in Henna', 'Henan'],
    ['Henna?', 'Henan'],
  ] as const)('%s → %s', (text, province) => {
    expect(classify(text).entities.province).toBe(province);
  });

  it('Shensi is Shaanxi, outside the six (not a misspelt Shanxi)', () => {
    expect(classify('aviation patents from Shensi').entities.province).toBeNull();
  });

  it('henna the dye, where no place stands, stays a word', () => {
    expect(classify('henna hair dye formulation patents').entities.province).toBeUndefined();
  });
});

describe('a registration named as the object of a removal', () => {
  it.each(['博览会的报名你帮我删掉', '参会登记麻烦给我删除', '交易会的登记就删了吧'])('%s → cancel_registration, sure enough to act on', (text) => {
    const r = classify(text);
    expect(r.intent).toBe('cancel_registration');
    expect(r.confidence).toBeGreaterThanOrEqual(0.8);
  });
});

describe('who runs the platform', () => {
  it.each(['这个平台是谁在管理的', 'who is running this service?'])('%s → alliance_info, sure enough to act on', (text) => {
    const r = classify(text);
    expect(r.intent).toBe('alliance_info');
    expect(r.confidence).toBeGreaterThanOrEqual(0.8);
  });
});

describe('reference and sub-question forms', () => {
  it.each([
    ['最下面那条说说', { index: -1 }],
    ['最底下的那个呢', { index: -1 }],
    ['more details on number five', { index: 5 }],
    ['刚才那个氢能的详细点', { topic: '氢能' }],
    ['上面那个储能的资料发我看看', { topic: '储能' }],
  ] as const)('%s → %j', (text, want) => {
    expect(ref(text)).toEqual(want);
  });

  it('报名截到哪天 asks for the deadline; 还有空位吗 alone is the expo capacity', () => {
    expect(expoSubQuestionOf('报名截到哪天')).toBe('deadline');
    expect(expoSubQuestionOf('还有空位吗')).toBe('capacity');
    expect(classify('还有空位吗').intent).toBe('expo_info');
  });
});
