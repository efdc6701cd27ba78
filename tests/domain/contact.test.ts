import { describe, expect, it } from 'vitest';
import { LEAVE, NO, parseContact, YES } from '../../src/domain/contact.js';

describe('parseContact', () => {
  it('accepts mainland mobiles with optional +86/86 prefix, spaces and dashes', () => {
    const cases: [string, string][] = [
      ['13812345678', '13812345678'],
      ['+8613812345678', '13812345678'],
      ['8613812345678', '13812345678'],
      ['+86 138 1234 5678', '13812345678'],
      ['138-1234-5678', '13812345678'],
      ['+86-199-0000-1111', '19900001111'],
      ['  15012345678  ', '15012345678'],
      ['86 17712345678', '17712345678'],
    ];
    for (const [input, phone] of cases) expect(parseContact(input), input).toEqual({ phone });
  });

  it('rejects landlines, wrong lengths and non-mobile prefixes', () => {
    for (const s of [
      '027-87654321', // Wuhan landline
      '(027) 8765 4321',
      '010-12345678',
      '1381234567', // 10 digits
      '138123456789', // 12 digits
      '12812345678', // 12x is not a mobile prefix
      '10012345678',
      '+8510012345678',
      '+1 415 555 0100',
      '0086 138 1234 5678',
      '138.1234.5678',
      '电话13812345678',
      '',
      '   ',
    ]) {
      expect(parseContact(s), s).toBeUndefined();
    }
  });

  it('accepts plausible e-mail addresses, trimmed', () => {
    expect(parseContact('li.wei@example.com')).toEqual({ email: 'li.wei@example.com' });
    expect(parseContact('  zhang+patents@mail.hust.edu.cn ')).toEqual({ email: 'zhang+patents@mail.hust.edu.cn' });
    expect(parseContact('A_B@Sub-Domain.Example.ORG')).toEqual({ email: 'A_B@Sub-Domain.Example.ORG' });
  });

  it('rejects malformed e-mail addresses', () => {
    for (const s of ['li.wei@example', '@example.com', 'li wei@example.com', 'li.wei@@example.com', 'li.wei@exa mple.com', 'li.wei@example..com', 'li.wei@.com', '<a@b.com>', 'a"b@example.com', 'mail me at a@b.com', 'a@b.com, c@d.com', 'li.wei@例子.中国']) {
      expect(parseContact(s), s).toBeUndefined();
    }
  });

  it('rejects overlong e-mail addresses', () => {
    expect(parseContact(`${'a'.repeat(64)}@example.com`)).toEqual({ email: `${'a'.repeat(64)}@example.com` });
    expect(parseContact(`${'a'.repeat(65)}@example.com`)).toBeUndefined(); // local part > 64
    const longDomain = `a@${'b'.repeat(60)}.${'c'.repeat(60)}.com`; // 126 chars
    expect(longDomain.length).toBeGreaterThan(120);
    expect(parseContact(longDomain)).toBeUndefined();
    const justFits = `a@${'b'.repeat(114)}.com`;
    expect(justFits.length).toBe(120);
    expect(parseContact(justFits)).toEqual({ email: justFits });
    const oneOver = `a@${'b'.repeat(115)}.com`;
    expect(oneOver.length).toBe(121);
    expect(parseContact(oneOver)).toBeUndefined();
  });

  it('returns a phone or an email, never both', () => {
    const p = parseContact('13812345678')!;
    expect('email' in p && p.email !== undefined).toBe(false);
    const e = parseContact('a@b.cn')!;
    expect(e.phone).toBeUndefined();
  });
});

describe('YES / NO / LEAVE', () => {
  it('YES matches agreement words with optional final punctuation, case-insensitively', () => {
    for (const s of ['同意', '好', '好的', '可以', '是', '是的', '确认', '确定', 'yes', 'Y', 'OK', 'okay', 'agree', 'I agree', 'confirm', 'Sure!', '同意。', '好的！']) {
      expect(YES.test(s), s).toBe(true);
    }
    for (const s of ['不同意', 'no', 'yes please', 'okay then', '好的好的', 'yess', '同意?', ' yes', '']) {
      expect(YES.test(s), s).toBe(false);
    }
  });

  it('NO matches refusals, including 不同意, but not longer sentences', () => {
    for (const s of ['不同意', '不', '不要', '否', 'no', 'N', 'Nope', 'disagree', 'No.', '不同意！']) {
      expect(NO.test(s), s).toBe(true);
    }
    for (const s of ['同意', 'yes', 'not', 'no thanks', '不要了', '']) {
      expect(NO.test(s), s).toBe(false);
    }
  });

  it('YES and NO never both match', () => {
    for (const s of ['同意', '不同意', 'yes', 'no', '好', '不', 'agree', 'disagree']) {
      expect(YES.test(s) && NO.test(s), s).toBe(false);
    }
  });

  it('LEAVE matches quitting the dialogue', () => {
    for (const s of ['取消', '退出', '算了', '不报了', '不要了', 'cancel', 'Quit', 'STOP', 'exit', '算了。', 'cancel!']) {
      expect(LEAVE.test(s), s).toBe(true);
    }
    for (const s of ['cancel my registration', '不要', 'no', 'stopped', '']) {
      expect(LEAVE.test(s), s).toBe(false);
    }
  });
});
