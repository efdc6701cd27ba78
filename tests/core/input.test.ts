import { describe, expect, it } from 'vitest';
import { clearLocale, detectLocale, languageRequest } from '../../src/core/language.js';
import { checkText, MAX_TEXT } from '../../src/core/pipeline.js';

describe('checkText', () => {
  it('strips control and bidi characters but keeps the words', () => {
    expect(checkText('\u0007湖北\u202e 锂电池\u0000')).toEqual({ ok: true, text: '湖北 锂电池' });
  });
  it('refuses empty, whitespace-only and control-only input', () => {
    expect(checkText('')).toEqual({ ok: false, reason: 'empty' });
    expect(checkText('  \n\t ')).toEqual({ ok: false, reason: 'empty' });
    expect(checkText('\u200b\u200b')).toEqual({ ok: false, reason: 'empty' });
  });
  it('refuses binary-looking input', () => {
    const bin = Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37) % 256)).toString('utf8');
    expect(checkText(bin)).toEqual({ ok: false, reason: 'unreadable' });
  });
  it('refuses over-long input, counting characters not bytes', () => {
    expect(checkText('专'.repeat(MAX_TEXT)).ok).toBe(true);
    expect(checkText('专'.repeat(MAX_TEXT + 1))).toEqual({ ok: false, reason: 'tooLong' });
    expect(checkText('a'.repeat(100_000))).toEqual({ ok: false, reason: 'tooLong' });
  });
});

describe('detectLocale', () => {
  it('follows the script of the message', () => {
    expect(detectLocale('湖北 锂电池')).toBe('zh');
    expect(detectLocale('lithium battery in Hubei')).toBe('en');
    expect(detectLocale('hello 在不在')).toBe('zh');
    expect(detectLocale('123 456')).toBeUndefined();
  });
  it('finds no language in addresses, links, numbers, codes and acronyms', () => {
    for (const s of ['CN 2', 'zhang.san@example.com', 'https://example.com/patents', '+86 138-1234-5678', 'CN218751475U', 'L-7K3M9Q', 'H01M 10/052', 'OK', 'IPC', '<@U123ABC>']) {
      expect(detectLocale(s), s).toBeUndefined();
    }
  });
});

describe('clearLocale', () => {
  it('names a language only for a whole message in it', () => {
    for (const s of ['我想找锂电池相关的专利', '你好', '请问博览会什么时候开始', '湖北省武汉市东湖新技术开发区光谷大道', '我的邮箱是 wang@example.com']) expect(clearLocale(s), s).toBe('zh');
    for (const s of ['I want to find lithium battery patents', 'When is the next patent expo?', 'search 锂电池 patents in Hubei', 'show me more please']) expect(clearLocale(s), s).toBe('en');
    for (const s of ['湖南', '锂电池', '中文', 'wang.wu@example.com', 'CN218751475U', 'Zhang San Feng', 'Acme Ltd', 'thank you', 'OK', '13812345678', '我想找 patents for the battery 的东西']) {
      expect(clearLocale(s), s).toBeUndefined();
    }
  });
});

describe('languageRequest', () => {
  it('recognises an explicit choice of language and nothing else', () => {
    for (const s of ['English please', 'reply in English', 'switch to english', '请用英文回复', '说英文', '切换到英文']) expect(languageRequest(s), s).toBe('en');
    for (const s of ['中文', '请用中文', 'speak Chinese', '改成中文吧']) expect(languageRequest(s), s).toBe('zh');
    expect(languageRequest('英文')).toBe('en');
    for (const s of ['English patents about batteries', '英文摘要的专利', 'lithium battery']) expect(languageRequest(s), s).toBeUndefined();
  });
});
