import { describe, expect, it } from 'vitest';
import { describesSomething } from '../../src/handlers/lead.js';

describe('describesSomething', () => {
  it('is true when the topic words name a technology or product', () => {
    for (const q of ['污水处理', 'license drone', '新能源', 'buy 锂电池', '我们 想要 solar', 'looking for a robot arm', '专利 石墨烯']) {
      expect(describesSomething(q), q).toBe(true);
    }
  });

  it('is false for filler-only or too-short topics', () => {
    for (const q of ['把我 掉 对接 家', '有人侵犯我', 'license', '', '   ', 'buy patents', 'I want to sell my patent', '帮我 找 个 买家', 'Licensing our patents', '我 的']) {
      expect(describesSomething(q), q).toBe(false);
    }
  });

  it('gives the same answer when called repeatedly (no global-regex state leaks)', () => {
    for (let i = 0; i < 3; i++) {
      expect(describesSomething('license drone')).toBe(true);
      expect(describesSomething('license')).toBe(false);
    }
  });
});
