import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { chinaDay, nextExpo, parseExpos, registrationState } from '../../src/domain/expo.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

const yaml = (over = '') => `sample: true
expos:
  - slug: expo-a
    name: { zh: 甲, en: A }
    province: Hubei
    city: { zh: 武汉, en: Wuhan }
    venue: { zh: 场馆, en: Hall }
    starts: 2026-12-10
    ends: 2026-12-12
    capacity: 10
    registration: { opens: 2026-10-01, closes: 2026-12-05 }
    tickets: { zh: 免费, en: Free }
${over}`;

describe('expos.yaml', () => {
  it('parses the shipped calendar, marked as sample data', () => {
    const r = parseExpos(readFileSync(path.join(PACKAGE_ROOT, 'content/expos.yaml'), 'utf8'));
    expect(r.problems).toEqual([]);
    expect(r.calendar!.sample).toBe(true);
    expect(r.calendar!.expos.length).toBeGreaterThan(0);
  });

  it('refuses bad windows, provinces outside the six and duplicate slugs', () => {
    expect(parseExpos(yaml().replace('closes: 2026-12-05', 'closes: 2026-12-20')).problems.join()).toMatch(/registration window/);
    expect(parseExpos(yaml().replace('province: Hubei', 'province: Guangdong')).problems.join()).toMatch(/province/);
    expect(parseExpos(yaml().replace('ends: 2026-12-12', 'ends: 2026-12-01')).problems.join()).toMatch(/starts after it ends/);
    const dup = yaml() + yaml().split('expos:\n')[1];
    expect(parseExpos(dup).problems.join()).toMatch(/duplicate slug expo-a/);
  });

  it('knows the next edition and the state of its registration window, in China time', () => {
    const cal = parseExpos(yaml()).calendar!;
    expect(chinaDay(new Date('2026-12-04T17:00:00Z'))).toBe('2026-12-05');
    expect(registrationState(cal.expos[0]!, new Date('2026-09-30T12:00:00Z'))).toBe('not_open');
    expect(registrationState(cal.expos[0]!, new Date('2026-12-05T10:00:00Z'))).toBe('open');
    expect(registrationState(cal.expos[0]!, new Date('2026-12-05T17:00:00Z'))).toBe('closed');
    expect(nextExpo(cal, new Date('2026-12-12T10:00:00Z'))?.slug).toBe('expo-a');
    expect(nextExpo(cal, new Date('2026-12-12T17:00:00Z'))).toBeUndefined();
  });
});
