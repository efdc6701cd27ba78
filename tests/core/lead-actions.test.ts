import { describe, expect, it } from 'vitest';
import { decodeAction, encodeAction, type Action } from '../../src/core/actions.js';
import { LEAD_TYPES, PROVINCES } from '../../src/core/intents.js';

describe('lead button actions', () => {
  const all: Action[] = [
    ...LEAD_TYPES.map((leadType): Action => ({ type: 'lead_type', leadType })),
    ...PROVINCES.map((province): Action => ({ type: 'lead_province', province })),
    { type: 'lead_province', province: 'any' },
    { type: 'lead_skip' },
    { type: 'lead_yes' },
    { type: 'lead_no' },
    { type: 'lead_demand' },
    { type: 'lead_consult' },
    { type: 'lead_claim', offerId: 1 },
    { type: 'lead_claim', offerId: 2_147_483_647 },
    { type: 'lead_pass', offerId: 42 },
    { type: 'lead_pass', offerId: 2_147_483_647 },
    { type: 'lead_status', leadId: 7, status: 'contacted' },
    { type: 'lead_status', leadId: 123456, status: 'won' },
    { type: 'lead_status', leadId: 2_147_483_647, status: 'lost' },
  ];

  it('round-trips every lead action within 64 bytes', () => {
    for (const a of all) {
      const s = encodeAction(a);
      expect(Buffer.byteLength(s), s).toBeLessThanOrEqual(64);
      expect(decodeAction(s), s).toEqual(a);
    }
  });

  it('uses the documented compact encodings', () => {
    expect(encodeAction({ type: 'lead_type', leadType: 'license' })).toBe('lt:license');
    expect(encodeAction({ type: 'lead_province', province: 'any' })).toBe('lv:any');
    expect(encodeAction({ type: 'lead_province', province: 'Hubei' })).toBe('lv:Hubei');
    expect(encodeAction({ type: 'lead_claim', offerId: 12 })).toBe('lc:12');
    expect(encodeAction({ type: 'lead_pass', offerId: 12 })).toBe('lp:12');
    expect(encodeAction({ type: 'lead_status', leadId: 5, status: 'contacted' })).toBe('ls:5.c');
    expect(encodeAction({ type: 'lead_status', leadId: 5, status: 'won' })).toBe('ls:5.w');
    expect(encodeAction({ type: 'lead_status', leadId: 5, status: 'lost' })).toBe('ls:5.l');
    // Every lead encoding is distinct.
    expect(new Set(all.map(encodeAction)).size).toBe(all.length);
  });

  it('rejects unknown lead types and provinces outside the six', () => {
    for (const s of ['lt:', 'lt', 'lt:rent', 'lt:BUY', 'lt:any', 'lv:', 'lv', 'lv:Beijing', 'lv:hubei', 'lv:ANY', 'lv:Guangdong']) {
      expect(decodeAction(s), s).toBeUndefined();
    }
  });

  it('rejects arguments on argument-less tags', () => {
    for (const tag of ['lk', 'ly', 'ln', 'ld', 'lq']) {
      for (const s of [`${tag}:`, `${tag}:1`, `${tag}:x`, `${tag}::`]) expect(decodeAction(s), s).toBeUndefined();
    }
  });

  it('rejects malformed claim and pass ids', () => {
    for (const tag of ['lc', 'lp']) {
      for (const arg of ['', '0', '00', '01', '-1', '-5', '1.5', '1e3', 'abc', ' 5', '5 ', '0x10', '12345678901', '99999999999', '2147483648']) {
        const s = `${tag}:${arg}`;
        expect(decodeAction(s), s).toBeUndefined();
      }
      expect(decodeAction(tag), tag).toBeUndefined();
    }
  });

  it('rejects malformed status updates', () => {
    for (const s of ['ls', 'ls:', 'ls:5', 'ls:5.', 'ls:.w', 'ls:5.x', 'ls:5.W', 'ls:5.won', 'ls:5w', 'ls:0.w', 'ls:-5.w', 'ls:05.w', 'ls:a.w', 'ls:12345678901.w', 'ls:2147483648.w', 'ls:5.w.c']) {
      expect(decodeAction(s), s).toBeUndefined();
    }
  });

  // decodeAction once split with `s.split(':', 2)`, silently dropping anything after a second ':'.
  it('rejects trailing segments after the argument', () => {
    const forged = ['lc:5:6', 'lp:5:junk', 'ls:5.w:x', 'lt:buy:x', 'lv:any:x'];
    expect(forged.filter((s) => decodeAction(s) !== undefined)).toEqual([]);
  });
});
