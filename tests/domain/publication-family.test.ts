import { describe, expect, it } from 'vitest';
import { familyKey, groupFamilies, inventionPublication } from '../../src/domain/publication-family.js';

const p = (id: string, patentType: string | null = 'invention') => ({ id, patentType });

describe('publication families', () => {
  it('reads the number body and role of invention publications', () => {
    expect(inventionPublication(p('CN110801221A'))).toEqual({ body: 'CN110801221', role: 'application' });
    expect(inventionPublication(p('CN110801221B'))).toEqual({ body: 'CN110801221', role: 'grant' });
    expect(inventionPublication(p('CN1101222C'))).toEqual({ body: 'CN1101222', role: 'grant' });
    expect(inventionPublication(p('CN101144771'))).toEqual({ body: 'CN101144771', role: 'application' });
    // 1985–88 form: year, then the type digit.
    expect(inventionPublication(p('CN85102292', null))).toEqual({ body: 'CN85102292', role: 'application' });
    expect(inventionPublication(p('CN85202292', null))).toBeUndefined();
    expect(inventionPublication(p('CN218751475U', 'utility_model'))).toBeUndefined();
    expect(inventionPublication(p('CN2045510', 'utility_model'))).toBeUndefined();
    expect(inventionPublication(p('CN309900007S', 'design'))).toBeUndefined();
    expect(inventionPublication(p('DEMO-1'))).toBeUndefined();
  });

  it('merges an application with its grant at the better rank, the grant first', () => {
    const fams = groupFamilies([p('CN110801221A'), p('CN219900002U', 'utility_model'), p('CN110801221B'), p('CN119900003A')]);
    expect(fams.map((f) => [f.primary.id, f.others.map((o) => o.id)])).toEqual([
      ['CN110801221B', ['CN110801221A']],
      ['CN219900002U', []],
      ['CN119900003A', []],
    ]);
  });

  it('never merges a utility model with an invention, nor a record without a body with one that has it', () => {
    // Same day, same applicant, same title: two applications with two numbers.
    const fams = groupFamilies([p('CN208822829U', 'utility_model'), p('CN108420464A')]);
    expect(fams).toHaveLength(2);
    // An unkinded utility model's key is not a bare body, so it cannot meet an invention's.
    expect(familyKey(p('CN2045510', 'utility_model'))).not.toBe('CN2045510');
    expect(groupFamilies([p('CN1298741'), p('CN1101222C')])).toHaveLength(2);
  });

  it('keeps a lone application as it is', () => {
    expect(groupFamilies([p('CN119900001A')])).toEqual([{ primary: p('CN119900001A'), others: [] }]);
  });
});
