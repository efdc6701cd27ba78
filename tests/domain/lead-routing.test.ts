import { describe, expect, it } from 'vitest';
import type { LeadType, Province } from '../../src/core/intents.js';
import { COORDINATOR, LEAD_FIELDS, nextAgency, rankAgencies, type RoutingInput } from '../../src/domain/lead-routing.js';
import type { Agency } from '../../src/domain/policy.js';

type Field = Agency['fields'][number];

const agency = (slug: string, fields: Field[], provinces: Province[]): Agency => ({
  slug,
  name: { zh: `机构${slug}`, en: `Agency ${slug}` },
  fields,
  provinces,
  services: { zh: '服务内容', en: 'Services' },
});

const input = (type: LeadType, inboxes: Record<string, number | null>, o: { province?: Province | null; tried?: string[] } = {}): RoutingInput => ({
  type,
  province: o.province,
  tried: new Set(o.tried ?? []),
  inboxes: new Map(Object.entries(inboxes)),
});
const slugs = (as: Agency[]) => as.map((a) => a.slug);
/** Offer recency as the store computes it (the latest offer id); a time stands in for it here. */
const d = (iso: string) => Date.parse(iso);

describe('LEAD_FIELDS', () => {
  it('maps every lead type to its service field(s)', () => {
    expect(LEAD_FIELDS).toEqual({
      buy: ['trading'],
      license: ['trading'],
      sell: ['trading'],
      demand: ['trading'],
      invest: ['investment'],
      protect: ['protection'],
      cooperate: ['trading', 'information'],
      consult: ['information'],
    });
  });
});

describe('rankAgencies', () => {
  const trade = agency('trade-hb', ['trading'], ['Hubei']);
  const invest = agency('invest-hn', ['investment'], ['Henan']);
  const protect = agency('protect-ah', ['protection'], ['Anhui']);
  const info = agency('info-jx', ['information'], ['Jiangxi']);
  const all = [trade, invest, protect, info];
  const inboxAll = { 'trade-hb': null, 'invest-hn': null, 'protect-ah': null, 'info-jx': null };

  it('routes each lead type only to agencies in its field', () => {
    const expected: Record<LeadType, string[]> = {
      buy: ['trade-hb'],
      license: ['trade-hb'],
      sell: ['trade-hb'],
      demand: ['trade-hb'],
      invest: ['invest-hn'],
      protect: ['protect-ah'],
      cooperate: ['trade-hb', 'info-jx'],
      consult: ['info-jx'],
    };
    for (const [type, want] of Object.entries(expected) as [LeadType, string[]][]) {
      expect(slugs(rankAgencies(all, input(type, inboxAll))), type).toEqual(want);
    }
  });

  it('accepts an agency that lists the needed field among others', () => {
    const multi = agency('multi', ['protection', 'investment'], ['Hunan']);
    expect(slugs(rankAgencies([trade, multi], input('invest', { multi: null, 'trade-hb': null })))).toEqual(['multi']);
  });

  it('puts agencies covering the lead province first, even when they were offered a lead more recently', () => {
    const a = agency('a-hubei', ['trading'], ['Hubei']);
    const b = agency('b-henan', ['trading'], ['Henan', 'Hunan']);
    const c = agency('c-hunan', ['trading'], ['Hunan']);
    const inboxes = { 'a-hubei': null, 'b-henan': d('2024-06-05T00:00:00Z'), 'c-hunan': d('2024-06-06T00:00:00Z') };
    expect(slugs(rankAgencies([a, b, c], input('buy', inboxes, { province: 'Hunan' })))).toEqual(['b-henan', 'c-hunan', 'a-hubei']);
    expect(slugs(rankAgencies([a, b, c], input('buy', inboxes, { province: 'Hubei' })))).toEqual(['a-hubei', 'b-henan', 'c-hunan']);
  });

  it('without a province ranks purely round-robin', () => {
    const a = agency('a-hubei', ['trading'], ['Hubei']);
    const b = agency('b-henan', ['trading'], ['Henan']);
    const inboxes = { 'a-hubei': d('2024-06-05T00:00:00Z'), 'b-henan': d('2024-06-01T00:00:00Z') };
    expect(slugs(rankAgencies([a, b], input('buy', inboxes, { province: null })))).toEqual(['b-henan', 'a-hubei']);
    expect(slugs(rankAgencies([a, b], input('buy', inboxes)))).toEqual(['b-henan', 'a-hubei']);
  });

  it('only agencies with an inbox are eligible', () => {
    const a = agency('a-one', ['trading'], ['Hubei']);
    const b = agency('b-two', ['trading'], ['Hubei']);
    expect(slugs(rankAgencies([a, b], input('buy', { 'b-two': null }, { province: 'Hubei' })))).toEqual(['b-two']);
    expect(rankAgencies([a, b], input('buy', {}, { province: 'Hubei' }))).toEqual([]);
  });

  it('excludes agencies already tried', () => {
    const a = agency('a-one', ['trading'], ['Hubei']);
    const b = agency('b-two', ['trading'], ['Hubei']);
    const c = agency('c-three', ['trading'], ['Henan']);
    const inboxes = { 'a-one': null, 'b-two': null, 'c-three': null };
    expect(slugs(rankAgencies([a, b, c], input('buy', inboxes, { province: 'Hubei', tried: ['a-one', 'c-three'] })))).toEqual(['b-two']);
  });

  it('round-robin: never offered first, then the oldest latest offer, ties in file order', () => {
    const a = agency('a-one', ['trading'], ['Hubei']);
    const b = agency('b-two', ['trading'], ['Hubei']);
    const c = agency('c-three', ['trading'], ['Hubei']);
    const e = agency('e-five', ['trading'], ['Hubei']);
    const f = agency('f-six', ['trading'], ['Hubei']);
    const inboxes = {
      'a-one': d('2024-06-07T00:00:00Z'),
      'b-two': d('2024-06-03T00:00:00Z'),
      'c-three': null,
      'e-five': d('2024-06-03T00:00:00Z'),
      'f-six': null,
    };
    expect(slugs(rankAgencies([a, b, c, e, f], input('buy', inboxes, { province: 'Hubei' })))).toEqual(['c-three', 'f-six', 'b-two', 'e-five', 'a-one']);
    // File order decides ties, not slug order.
    expect(slugs(rankAgencies([f, e, c, b, a], input('buy', inboxes, { province: 'Hubei' })))).toEqual(['f-six', 'c-three', 'e-five', 'b-two', 'a-one']);
  });

  it('never ranks the coordinator among agencies', () => {
    const coord = agency(COORDINATOR, ['trading', 'information', 'investment', 'protection'], ['Hubei']);
    const a = agency('a-one', ['trading'], ['Henan']);
    expect(slugs(rankAgencies([coord, a], input('buy', { [COORDINATOR]: null, 'a-one': d('2024-06-03T00:00:00Z') }, { province: 'Hubei' })))).toEqual(['a-one']);
  });
});

describe('nextAgency', () => {
  const a = agency('a-one', ['trading'], ['Henan']);
  const b = agency('b-two', ['trading'], ['Hubei']);
  const coord = agency(COORDINATOR, ['information'], ['Hubei']);

  it('returns the first ranked agency', () => {
    expect(nextAgency([a, b, coord], input('buy', { 'a-one': null, 'b-two': null, [COORDINATOR]: null }, { province: 'Hubei' }))).toBe('b-two');
    expect(nextAgency([a, b, coord], input('buy', { 'a-one': null, 'b-two': d('2024-06-03T00:00:00Z'), [COORDINATOR]: null }))).toBe('a-one');
  });

  it('falls back to the coordinator only once every agency is used up', () => {
    const inboxes = { 'a-one': null, 'b-two': null, [COORDINATOR]: null };
    expect(nextAgency([a, b, coord], input('buy', inboxes, { tried: ['b-two'] }))).toBe('a-one');
    expect(nextAgency([a, b, coord], input('buy', inboxes, { tried: ['a-one', 'b-two'] }))).toBe(COORDINATOR);
    // No agency in the field at all (invest) also goes to the coordinator.
    expect(nextAgency([a, b, coord], input('invest', inboxes))).toBe(COORDINATOR);
    // Agencies without an inbox don't count.
    expect(nextAgency([a, b, coord], input('buy', { [COORDINATOR]: null }))).toBe(COORDINATOR);
  });

  it('uses the coordinator inbox even when the coordinator is not in the agency list', () => {
    expect(nextAgency([a], input('buy', { [COORDINATOR]: null }, { tried: ['a-one'] }))).toBe(COORDINATOR);
  });

  it('returns undefined when the coordinator was already tried or has no inbox', () => {
    expect(nextAgency([a, b, coord], input('buy', { 'a-one': null, 'b-two': null, [COORDINATOR]: null }, { tried: ['a-one', 'b-two', COORDINATOR] }))).toBeUndefined();
    expect(nextAgency([a, b, coord], input('buy', { 'a-one': null, 'b-two': null }, { tried: ['a-one', 'b-two'] }))).toBeUndefined();
    expect(nextAgency([], input('consult', {}))).toBeUndefined();
  });
});
