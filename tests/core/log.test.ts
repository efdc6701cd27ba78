import { describe, expect, it } from 'vitest';
import { createLogger } from '../../src/util/log.js';

describe('logger', () => {
  it('never writes phone numbers, e-mails or tokens', () => {
    const lines: string[] = [];
    const log = createLogger('debug', {}, (l) => lines.push(l));
    log.info('user wrote 13812345678 and a@b.cn', {
      note: 'call +86 138 1234 5678',
      token: '123456:ABCDEFGHIJKLMNOPQRSTUVWXYZ',
      headers: { authorization: 'Bearer abc.def' },
      text: '我的电话 13912345678',
      err: new Error('failed for user x@y.com'),
    });
    const out = lines.join('\n');
    for (const secret of ['13812345678', 'a@b.cn', '138 1234 5678', 'ABCDEFGHIJ', 'abc.def', '13912345678', 'x@y.com']) expect(out).not.toContain(secret);
    expect(JSON.parse(lines[0]!)).toMatchObject({ level: 'info', token: '[redacted]' });
  });

  it('respects the level', () => {
    const lines: string[] = [];
    const log = createLogger('warn', {}, (l) => lines.push(l));
    log.info('quiet');
    log.warn('loud');
    expect(lines).toHaveLength(1);
  });
});
