/**
 * China's working calendar: public holidays and the adjusted working weekends (调休) that the
 * State Council announces each year (usually in November, for the next year), from the
 * `chinese-days` package. A year the installed package has no data for is counted Monday–Friday,
 * and `onUncoveredYear` is told once per year, so the operator learns to update the package.
 */
import chineseDays from 'chinese-days';

/** 0 = Sunday … 6 = Saturday */
export type Weekday = number;

const covered = new Map<number, boolean>();

/**
 * Whether the installed `chinese-days` has the year's arrangement: every year has weekday holidays
 * (元旦, 春节, 国庆 …), so a year without any is one it does not know.
 */
export function calendarCovers(year: number): boolean {
  let known = covered.get(year);
  if (known === undefined) {
    known = chineseDays.getHolidaysInRange(localNoon(year, 1, 1), localNoon(year, 12, 31), false).length > 0;
    covered.set(year, known);
  }
  return known;
}

/**
 * The package reads a Date with local-time getters and parses "YYYY-MM-DD" as UTC midnight, so a
 * string would name the day before west of Greenwich. Local noon names the same day in every zone.
 */
function localNoon(year: number, month: number, day: number): Date {
  return new Date(year, month - 1, day, 12);
}

/**
 * Whether a China date (YYYY-MM-DD) is a working day: the announced arrangement where the package
 * has the year, Monday–Friday beyond it.
 */
export function chinaWorkday(date: string, weekday: Weekday, onUncoveredYear?: (year: number) => void): boolean {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  if (!calendarCovers(y)) {
    onUncoveredYear?.(y);
    return weekday >= 1 && weekday <= 5;
  }
  return chineseDays.isWorkday(localNoon(y, m, d));
}

/** `onUncoveredYear` called at most once per year, whichever caller asks first. */
export function oncePerYear(tell: (year: number) => void): (year: number) => void {
  const told = new Set<number>();
  return (year) => {
    if (told.has(year)) return;
    told.add(year);
    tell(year);
  };
}
