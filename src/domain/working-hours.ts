/**
 * Claim deadlines count working hours in China (UTC+8, no daylight saving): Monday–Friday,
 * 09:00–18:00 by default. A lead sent on Friday at 17:00 with 4 working hours is due Monday 12:00.
 * Public holidays are not modelled (they move every year); the coordinator covers those days.
 */
export interface WorkingHours {
  startHour: number;
  endHour: number;
  /** 0 = Sunday … 6 = Saturday */
  days: readonly number[];
}

export const CHINA_OFFICE_HOURS: WorkingHours = { startHour: 9, endHour: 18, days: [1, 2, 3, 4, 5] };
const CHINA_OFFSET_MS = 8 * 3600_000;
const HOUR = 3600_000;

/** `from` plus `hours` of working time. */
export function addWorkingHours(from: Date, hours: number, wh: WorkingHours = CHINA_OFFICE_HOURS): Date {
  if (!(hours > 0)) return new Date(from);
  // Work in "China wall-clock" milliseconds so day boundaries are China's.
  let t = from.getTime() + CHINA_OFFSET_MS;
  let left = hours * HOUR;
  for (let guard = 0; guard < 3700 && left > 0; guard++) {
    const day = new Date(t);
    const dayStart = Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate());
    const open = dayStart + wh.startHour * HOUR;
    const close = dayStart + wh.endHour * HOUR;
    if (!wh.days.includes(day.getUTCDay()) || t >= close) {
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
