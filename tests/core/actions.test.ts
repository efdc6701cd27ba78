import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction, type Action } from '../../src/core/actions.js';

describe('button actions', () => {
  const all: Action[] = [
    { type: 'detail', patentId: 'CN218751475U' },
    { type: 'interest', patentId: '202223220665.2' },
    { type: 'more', page: 3 },
    { type: 'help' },
    { type: 'subscribe' },
    { type: 'unsubscribe' },
    { type: 'forget_confirm' },
    { type: 'forget_cancel' },
    { type: 'lang', locale: 'en' },
  ];

  it('round-trips every action within Telegram’s 64-byte callback limit', () => {
    for (const a of all) {
      const s = encodeAction(a);
      expect(Buffer.byteLength(s)).toBeLessThanOrEqual(64);
      expect(decodeAction(s)).toEqual(a);
    }
  });

  it('rejects anything it did not produce', () => {
    for (const s of ['', 'x', 'd:', 'd:<script>', 'm:0', 'm:51', 'm:1.5', 'l:fr', 'h:1', 'd:' + 'A'.repeat(70), 'fy:now']) {
      expect(decodeAction(s)).toBeUndefined();
    }
  });
});
