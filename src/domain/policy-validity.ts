/**
 * Dates as precise as their source, and whether a policy section is still in force on a given day.
 * `today` is always passed in (a China-time `YYYY-MM-DD` from the injected clock), never read here.
 */
import type { Locale } from '../core/types.js';
import type { PolicySection } from './policy.js';

/**
 * `2024-05-27` as is; `2024-12` → 2024年12月（具体日期未载明）; `2022` → 2022 (exact date not stated).
 * `short` leaves the note out (inside a status line that already reads as a period: "since 2020").
 */
export function formatPartialDay(d: string, locale: Locale, short = false): string {
  if (d === 'unknown') return locale === 'zh' ? '未载明' : 'not stated';
  if (d.length >= 10) return d;
  const year = d.slice(0, 4);
  const month = d.length >= 7 ? Number(d.slice(5, 7)) : undefined;
  if (locale === 'zh') return `${year}年${month ? `${month}月` : ''}${short ? '' : '（具体日期未载明）'}`;
  const name = month ? `${new Date(Date.UTC(2000, month - 1, 1)).toLocaleString('en-GB', { month: 'long', timeZone: 'UTC' })} ` : '';
  return `${name}${year}${short ? '' : ' (exact date not stated)'}`;
}

export type Validity =
  | { kind: 'in-force'; from?: string; until?: string }
  | { kind: 'not-yet'; from: string }
  | { kind: 'ended'; on: string }
  | { kind: 'horizon-running'; horizon: number }
  | { kind: 'horizon-passed'; horizon: number; successor?: PolicySection };

/** A partial date compared with a full day at the partial date's precision ("2025" has ended only once 2026 begins). */
const after = (today: string, d: string) => today.slice(0, d.length) > d;
const before = (today: string, d: string) => today.slice(0, d.length) < d;

/** undefined when the section records no validity (a report of figures, an event). */
export function validityOf(s: PolicySection, today: string, byId: (id: string) => PolicySection | undefined): Validity | undefined {
  if (s.validUntil && after(today, s.validUntil)) return { kind: 'ended', on: s.validUntil };
  if (s.validFrom && before(today, s.validFrom)) return { kind: 'not-yet', from: s.validFrom };
  if (s.horizon !== undefined) {
    if (Number(today.slice(0, 4)) <= s.horizon) return { kind: 'horizon-running', horizon: s.horizon };
    const successor = s.successor ? byId(s.successor) : undefined;
    return { kind: 'horizon-passed', horizon: s.horizon, ...(successor ? { successor } : {}) };
  }
  if (s.validFrom || s.validUntil) return { kind: 'in-force', ...(s.validFrom ? { from: s.validFrom } : {}), ...(s.validUntil ? { until: s.validUntil } : {}) };
  return undefined;
}

export function validityText(v: Validity, locale: Locale): string {
  const d = (x: string) => formatPartialDay(x, locale, true);
  if (locale === 'zh') {
    switch (v.kind) {
      case 'in-force':
        return `状态：现行有效${v.from ? `（自${d(v.from)}起` : '（'}${v.until ? `，至${d(v.until)}）` : `${v.from ? '；' : ''}未载明截止日期）`}`;
      case 'not-yet':
        return `状态：尚未施行（自${d(v.from)}起）`;
      case 'ended':
        return `状态：已于${d(v.on)}结束`;
      case 'horizon-running':
        return `状态：实施中（规划期至${v.horizon}年）`;
      case 'horizon-passed':
        return `状态：规划期至${v.horizon}年，已过；${v.successor ? `后续文件见【${v.successor.title.zh}】` : '暂无后续文件在册'}`;
    }
  }
  switch (v.kind) {
    case 'in-force':
      return `Status: in force${v.from ? ` (since ${d(v.from)}` : ' ('}${v.until ? `, until ${d(v.until)})` : `${v.from ? '; ' : ''}no end date on file)`}`;
    case 'not-yet':
      return `Status: not yet in force (from ${d(v.from)})`;
    case 'ended':
      return `Status: ended on ${d(v.on)}`;
    case 'horizon-running':
      return `Status: in force (horizon ${v.horizon})`;
    case 'horizon-passed':
      return `Status: horizon ${v.horizon} has passed; ${v.successor ? `successor on file: ${v.successor.title.en}` : 'no successor on file'}`;
  }
}

/**
 * For check:content: sections whose horizon or end date has passed and that nobody re-checked since
 * (checked on or before the last day of validity), so an editor looks for a successor.
 */
export function staleValidityWarnings(sections: PolicySection[], today: string): string[] {
  const out: string[] = [];
  for (const s of sections) {
    if (s.horizon !== undefined && !s.successor && Number(today.slice(0, 4)) > s.horizon && s.checked <= `${s.horizon}-12-31`)
      out.push(`${s.scope} § ${s.id}: its horizon ${s.horizon} has passed and it was last checked ${s.checked}: look for a successor (successor:) and re-check it`);
    if (s.validUntil && after(today, s.validUntil) && s.checked.slice(0, s.validUntil.length) <= s.validUntil)
      out.push(`${s.scope} § ${s.id}: it ended ${s.validUntil} and was last checked ${s.checked}: re-check it`);
  }
  return out;
}
