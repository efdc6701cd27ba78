/**
 * Claim deadlines count working hours in China (UTC+8, no daylight saving), 09:00–18:00 by default,
 * on China's working days: Monday–Friday less public holidays, plus the adjusted working weekends
 * (china-calendar.ts). A lead sent on Friday at 17:00 with 4 working hours is due Monday 12:00, and
 * one sent during 国庆 is due after the holiday.
 */
import { chinaWorkday, type Weekday } from './china-calendar.js';

export interface WorkingHours {
  startHour: number;
  endHour: number;
  /** Whether a China date (YYYY-MM-DD; weekday 0 = Sunday … 6 = Saturday) is a working day. */
  workday(date: string, weekday: Weekday): boolean;
}

/** China's office hours on China's working calendar; `onUncoveredYear` hears of a year counted Mon–Fri. */
export function chinaOfficeHours(onUncoveredYear?: (year: number) => void): WorkingHours {
  return { startHour: 9, endHour: 18, workday: (date, weekday) => chinaWorkday(date, weekday, onUncoveredYear) };
}

export const CHINA_OFFICE_HOURS: WorkingHours = chinaOfficeHours();

/** The same weekdays every week, no holidays (custom schedules, tests). */
export function everyWeek(startHour: number, endHour: number, days: readonly Weekday[]): WorkingHours {
  return { startHour, endHour, workday: (_date, weekday) => days.includes(weekday) };
}

const CHINA_OFFSET_MS = 8 * 3600_000;
const HOUR = 3600_000;

/** `from` plus `hours` of working time. */
export function addWorkingHours(from: Date, hours: number, wh: WorkingHours = CHINA_OFFICE_HOURS): Date {
  if (!(hours > 0)) return new Date(from);
  // Work in "China wall-clock" milliseconds so day boundaries are China's.
  let t = from.getTime() + CHINA_OFFSET_MS;
  let left = hours * HOUR;
  // 3700 days: ten years, far more than any deadline, yet bounded for a calendar with no working day.
  for (let guard = 0; guard < 3700 && left > 0; guard++) {
    const day = new Date(t);
    const dayStart = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
    const open = dayStart + wh.startHour * HOUR;
    const close = dayStart + wh.endHour * HOUR;
    if (!wh.workday(day.toISOString().slice(0, 10), day.getUTCDay()) || t >= close) {
      t = dayStart + 24 * HOUR + wh.startHour * HOUR;
      continue;
    }
    if (t < open) t = open;
    const take = Math.min(left, close - t);
    t += take;
    left -= take;
  }
  return new Date(t - CHINA_OFFSET_MS);
}
