import { describe, expect, it } from 'vitest';
import { calendarCovers, chinaWorkday, oncePerYear } from '../../src/domain/china-calendar.js';
import { addWorkingHours, chinaOfficeHours, everyWeek } from '../../src/domain/working-hours.js';

// Week of 2024-06-17: Mon 17, Tue 18, Wed 19, Thu 20, Fri 21, Sat 22, Sun 23, Mon 24. No holiday falls
// between 17 June and 10 July 2024 (10 June was 端午), so these count plain weeks.
/** A China wall-clock time, e.g. cn('2024-06-17T10:00'). */
const cn = (local: string) => new Date(`${local}:00+08:00`);
const add = (local: string, hours: number) => addWorkingHours(cn(local), hours).toISOString();
const at = (local: string) => cn(local).toISOString();

describe('addWorkingHours (China, working days 09:00–18:00)', () => {
  it('stays within the day when the hours fit', () => {
    expect(add('2024-06-17T10:00', 4)).toBe(at('2024-06-17T14:00'));
    expect(add('2024-06-17T10:15', 0.5)).toBe(at('2024-06-17T10:45'));
  });

  it('carries the remainder over to the next working morning', () => {
    expect(add('2024-06-17T16:00', 4)).toBe(at('2024-06-18T11:00'));
  });

  it('skips the weekend: Friday 17:00 + 4h is Monday 12:00', () => {
    expect(add('2024-06-21T17:00', 4)).toBe(at('2024-06-24T12:00'));
  });

  it('starts counting at Monday opening when sent on a weekend', () => {
    for (const t of ['2024-06-22T00:00', '2024-06-22T10:00', '2024-06-22T23:59', '2024-06-23T12:00']) {
      expect(add(t, 4)).toBe(at('2024-06-24T13:00'));
    }
  });

  it('starts counting at opening when sent before 09:00', () => {
    expect(add('2024-06-17T07:00', 4)).toBe(at('2024-06-17T13:00'));
    expect(add('2024-06-17T00:00', 1)).toBe(at('2024-06-17T10:00'));
  });

  it('treats exactly 18:00 (and later) as closed', () => {
    expect(add('2024-06-17T18:00', 4)).toBe(at('2024-06-18T13:00'));
    expect(add('2024-06-17T21:30', 1)).toBe(at('2024-06-18T10:00'));
    expect(add('2024-06-21T18:00', 1)).toBe(at('2024-06-24T10:00'));
  });

  it('ends at closing time when the hours exactly fill the day', () => {
    expect(add('2024-06-17T14:00', 4)).toBe(at('2024-06-17T18:00'));
  });

  it('spans several days and weekends', () => {
    // Mon 8h + Tue 9h + Wed 3h.
    expect(add('2024-06-17T10:00', 20)).toBe(at('2024-06-19T12:00'));
    // Thu 8h + Fri 9h + Mon 3h.
    expect(add('2024-06-20T10:00', 20)).toBe(at('2024-06-24T12:00'));
    // A whole working week.
    expect(add('2024-06-17T09:00', 45)).toBe(at('2024-06-21T18:00'));
    // Three whole working weeks plus one hour, from a Wednesday.
    expect(add('2024-06-19T11:00', 136)).toBe(at('2024-07-10T12:00'));
  });

  it('returns the same instant (as a new Date) for zero, negative or NaN hours', () => {
    for (const h of [0, -1, -0.5, Number.NaN]) {
      const from = cn('2024-06-22T03:17');
      const out = addWorkingHours(from, h);
      expect(out.getTime()).toBe(from.getTime());
      expect(out).not.toBe(from);
    }
  });

  it('uses China day boundaries: late Sunday UTC is Monday morning in China', () => {
    // 2024-06-23T23:30Z (Sunday UTC) = Monday 07:30 in China.
    expect(addWorkingHours(new Date('2024-06-23T23:30:00Z'), 4).toISOString()).toBe('2024-06-24T05:00:00.000Z'); // Mon 13:00 China
    // 2024-06-24T02:00Z = Monday 10:00 China.
    expect(addWorkingHours(new Date('2024-06-24T02:00:00Z'), 4).toISOString()).toBe('2024-06-24T06:00:00.000Z');
    // Friday 2024-06-21T10:30Z = Friday 18:30 in China: already closed, so it goes to Monday.
    expect(addWorkingHours(new Date('2024-06-21T10:30:00Z'), 1).toISOString()).toBe('2024-06-24T02:00:00.000Z');
  });

  it('honours custom working hours', () => {
    const saturdayMornings = everyWeek(8, 12, [6]);
    expect(addWorkingHours(cn('2024-06-17T10:00'), 6, saturdayMornings).toISOString()).toBe(at('2024-06-29T10:00'));
  });
});

describe("China's working calendar (chinese-days)", () => {
  // 国庆 2025: 1–8 October off; Sunday 28 September and Saturday 11 October are worked (调休).
  it('skips 国庆: a lead passed on during the holiday is due after it, not overnight', () => {
    expect(add('2025-10-02T10:00', 4)).toBe(at('2025-10-09T13:00'));
    expect(add('2025-09-30T17:00', 4)).toBe(at('2025-10-09T12:00'));
    expect(add('2025-10-08T23:00', 1)).toBe(at('2025-10-09T10:00'));
  });

  it('counts an adjusted working Sunday and Saturday', () => {
    expect(add('2025-09-27T10:00', 4)).toBe(at('2025-09-28T13:00')); // Saturday off, Sunday 28th worked
    expect(add('2025-10-10T17:00', 2)).toBe(at('2025-10-11T10:00')); // Friday evening → Saturday 11th worked
  });

  it('skips a holiday Monday (端午 2024)', () => {
    expect(add('2024-06-07T17:00', 4)).toBe(at('2024-06-11T12:00'));
  });

  it('answers the same in every time zone of the server', () => {
    const tz = process.env.TZ;
    try {
      for (const zone of ['America/Los_Angeles', 'Asia/Shanghai', 'Pacific/Kiritimati', 'UTC']) {
        process.env.TZ = zone;
        expect(chinaWorkday('2025-10-13', 1), zone).toBe(true); // Monday after 国庆
        expect(chinaWorkday('2025-10-08', 3), zone).toBe(false);
        expect(chinaWorkday('2025-09-28', 0), zone).toBe(true);
        expect(add('2025-10-02T10:00', 4), zone).toBe(at('2025-10-09T13:00'));
      }
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });

  it('beyond the last year the package knows, counts Monday–Friday and tells once', () => {
    expect(calendarCovers(2025)).toBe(true);
    let year = 2026; // the first year after the installed chinese-days' data, whichever version that is
    while (calendarCovers(year)) year++;
    const told: number[] = [];
    const wh = chinaOfficeHours(oncePerYear((y) => told.push(y)));
    // 1 October of that year, whatever weekday it is, counts as an ordinary day.
    const oct1 = new Date(Date.UTC(year, 9, 1));
    const weekday = oct1.getUTCDay();
    const monday = new Date(oct1.getTime() + ((8 - weekday) % 7) * 86_400_000).toISOString().slice(0, 10); // first Monday on or after
    expect(addWorkingHours(cn(`${monday}T10:00`), 4, wh).toISOString()).toBe(at(`${monday}T14:00`));
    const friday = new Date(Date.parse(monday) + 4 * 86_400_000).toISOString().slice(0, 10);
    const nextMonday = new Date(Date.parse(monday) + 7 * 86_400_000).toISOString().slice(0, 10);
    expect(addWorkingHours(cn(`${friday}T17:00`), 4, wh).toISOString()).toBe(at(`${nextMonday}T12:00`));
    expect(told).toEqual([year]);
  });
});
