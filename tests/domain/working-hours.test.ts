import { describe, expect, it } from 'vitest';
import { addWorkingHours, CHINA_OFFICE_HOURS } from '../../src/domain/working-hours.js';

// Week of 2024-06-03: Mon 03, Tue 04, Wed 05, Thu 06, Fri 07, Sat 08, Sun 09, Mon 10.
/** A China wall-clock time, e.g. cn('2024-06-03T10:00'). */
const cn = (local: string) => new Date(`${local}:00+08:00`);
const add = (local: string, hours: number) => addWorkingHours(cn(local), hours).toISOString();
const at = (local: string) => cn(local).toISOString();

describe('addWorkingHours (China, Mon–Fri 09:00–18:00)', () => {
  it('stays within the day when the hours fit', () => {
    expect(add('2024-06-03T10:00', 4)).toBe(at('2024-06-03T14:00'));
    expect(add('2024-06-03T10:15', 0.5)).toBe(at('2024-06-03T10:45'));
  });

  it('carries the remainder over to the next working morning', () => {
    expect(add('2024-06-03T16:00', 4)).toBe(at('2024-06-04T11:00'));
  });

  it('skips the weekend: Friday 17:00 + 4h is Monday 12:00', () => {
    expect(add('2024-06-07T17:00', 4)).toBe(at('2024-06-10T12:00'));
  });

  it('starts counting at Monday opening when sent on a weekend', () => {
    for (const t of ['2024-06-08T00:00', '2024-06-08T10:00', '2024-06-08T23:59', '2024-06-09T12:00']) {
      expect(add(t, 4)).toBe(at('2024-06-10T13:00'));
    }
  });

  it('starts counting at opening when sent before 09:00', () => {
    expect(add('2024-06-03T07:00', 4)).toBe(at('2024-06-03T13:00'));
    expect(add('2024-06-03T00:00', 1)).toBe(at('2024-06-03T10:00'));
  });

  it('treats exactly 18:00 (and later) as closed', () => {
    expect(add('2024-06-03T18:00', 4)).toBe(at('2024-06-04T13:00'));
    expect(add('2024-06-03T21:30', 1)).toBe(at('2024-06-04T10:00'));
    expect(add('2024-06-07T18:00', 1)).toBe(at('2024-06-10T10:00'));
  });

  it('ends at closing time when the hours exactly fill the day', () => {
    expect(add('2024-06-03T14:00', 4)).toBe(at('2024-06-03T18:00'));
  });

  it('spans several days and weekends', () => {
    // Mon 8h + Tue 9h + Wed 3h.
    expect(add('2024-06-03T10:00', 20)).toBe(at('2024-06-05T12:00'));
    // Thu 8h + Fri 9h + Mon 3h.
    expect(add('2024-06-06T10:00', 20)).toBe(at('2024-06-10T12:00'));
    // A whole working week.
    expect(add('2024-06-03T09:00', 45)).toBe(at('2024-06-07T18:00'));
    // Three whole working weeks plus one hour, from a Wednesday.
    expect(add('2024-06-05T11:00', 136)).toBe(at('2024-06-26T12:00'));
  });

  it('returns the same instant (as a new Date) for zero, negative or NaN hours', () => {
    for (const h of [0, -1, -0.5, Number.NaN]) {
      const from = cn('2024-06-08T03:17');
      const out = addWorkingHours(from, h);
      expect(out.getTime()).toBe(from.getTime());
      expect(out).not.toBe(from);
    }
  });

  it('uses China day boundaries: late Sunday UTC is Monday morning in China', () => {
    // 2024-06-09T23:30Z (Sunday UTC) = Monday 07:30 in China.
    expect(addWorkingHours(new Date('2024-06-09T23:30:00Z'), 4).toISOString()).toBe('2024-06-10T05:00:00.000Z'); // Mon 13:00 China
    // 2024-06-10T02:00Z = Monday 10:00 China.
    expect(addWorkingHours(new Date('2024-06-10T02:00:00Z'), 4).toISOString()).toBe('2024-06-10T06:00:00.000Z');
    // Friday 2024-06-07T10:30Z = Friday 18:30 in China: already closed, so it goes to Monday.
    expect(addWorkingHours(new Date('2024-06-07T10:30:00Z'), 1).toISOString()).toBe('2024-06-10T02:00:00.000Z');
  });

  it('honours custom working hours', () => {
    const saturdayMornings = { startHour: 8, endHour: 12, days: [6] };
    expect(addWorkingHours(cn('2024-06-03T10:00'), 6, saturdayMornings).toISOString()).toBe(at('2024-06-15T10:00'));
    expect(CHINA_OFFICE_HOURS).toEqual({ startHour: 9, endHour: 18, days: [1, 2, 3, 4, 5] });
  });
});
