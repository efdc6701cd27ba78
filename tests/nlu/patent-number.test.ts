import { describe, expect, it } from 'vitest';
import {
  applicationNumberVariants,
  findPatentNumber,
  normalizePatentNumber,
  patentNumberKind,
} from '../../src/domain/patent-number.js';

describe('findPatentNumber', () => {
  it.each([
    ['CN112345678A', 'CN112345678A'],
    ['CN 218751475 U', 'CN218751475U'],
    ['cn 114567890 b', 'CN114567890B'],
    ['cn 2187 5147 5u', 'CN218751475U'],
    ['老专利 CN1977735 还有效吗', 'CN1977735'],
    ['CN3045510', 'CN3045510'],
    ['201910234567.8', '201910234567.8'],
    ['ZL201910234567.8', '201910234567.8'],
    ['zl 2020 1 0876543.2', '202010876543.2'],
    ['202120345678.x', '202120345678.X'],
    ['ZL２０１９１０２３４５６７．８', '201910234567.8'],
    ['CN202223220665.2', '202223220665.2'],
    ['申请号：2019102345678', '201910234567.8'],
    ['ZL 98 1 23456.X', '98123456.X'],
    ['what about CN116245100A.', 'CN116245100A'],
    ['is CN112345678 a good one', 'CN112345678'],
  ])('%s → %s', (text, value) => {
    expect(findPatentNumber(text)?.value).toBe(value);
  });

  it('gives the span of the number', () => {
    expect(findPatentNumber('看看 CN 218751475 U 的详情')).toEqual({ value: 'CN218751475U', start: 3, end: 17 });
  });

  it.each([
    '13812345678',
    '我的手机 138 1234 5678',
    '+86 027-87654321',
    '2019年申请的专利',
    '2019.10.23 开会',
    '2023-05-01',
    '报价 12345678.90 元',
    '预算 500 万',
    '身份证 110101199003071234',
    '邮编 430000',
    '2019102345678',
    'ISBN 978-7-111-12345-6',
    'H01M10/052',
  ])('does not take %s for a patent number', (text) => {
    expect(findPatentNumber(text)).toBeUndefined();
  });
});

describe('normalizePatentNumber', () => {
  it('accepts a bare number and rejects text around it', () => {
    expect(normalizePatentNumber(' cn116595400a ')).toBe('CN116595400A');
    expect(normalizePatentNumber('2019102345678')).toBe('201910234567.8');
    expect(normalizePatentNumber('ZL201910234567.8')).toBe('201910234567.8');
    expect(normalizePatentNumber('专利 CN116595400A 很好')).toBeUndefined();
    expect(normalizePatentNumber('hello')).toBeUndefined();
    expect(normalizePatentNumber('')).toBeUndefined();
  });

  it('tells publication from application numbers', () => {
    expect(patentNumberKind('CN116595400A')).toBe('publication');
    expect(patentNumberKind('201910234567.8')).toBe('application');
    expect(applicationNumberVariants('201910234567.8')).toEqual(['201910234567.8', 'CN201910234567.8']);
  });
});
