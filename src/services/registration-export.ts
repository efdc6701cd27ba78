/**
 * Registrations of one edition as CSV for organisers: UTF-8 with a BOM (Excel then shows Chinese
 * correctly), RFC 4180 quoting, and cells that would start a formula neutralised. Headers, statuses
 * and roles are in the operator's language; times are China time with their offset
 * (`2026-11-23 10:00:00+08:00`), as the console shows them; waitlisted rows carry their position
 * in the queue (the same count the console and the chat give: waitlisted rows up to this one, in
 * arrival order).
 */
import { asc, eq } from 'drizzle-orm';
import { ROLE_LABEL } from '../core/strings.js';
import type { Locale } from '../core/types.js';
import type { Db } from '../db/database.js';
import { registrations } from '../db/schema.js';

const HEADER: Record<Locale, string[]> = {
  zh: ['确认码', '状态', '候补位次', '姓名', '单位', '身份', '电话', '邮箱', '报名时间', '取消时间'],
  en: ['Code', 'Status', 'Waitlist position', 'Name', 'Organisation', 'Role', 'Phone', 'Email', 'Registered at', 'Cancelled at'],
};
const STATUS: Record<string, Record<Locale, string>> = {
  confirmed: { zh: '已确认', en: 'Confirmed' },
  waitlisted: { zh: '候补', en: 'Waitlisted' },
  cancelled: { zh: '已取消', en: 'Cancelled' },
};

/** `2026-11-23 10:00:00+08:00`: China time, to the second, with its offset so no reader takes it for UTC. */
export function chinaTimestamp(d: Date): string {
  return `${new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ')}+08:00`;
}

export function csvCell(v: unknown): string {
  let s = v == null ? '' : v instanceof Date ? chinaTimestamp(v) : String(v);
  // A cell starting with = + - @ is a formula in spreadsheets; prefix it so it stays text.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportRegistrationsCsv(db: Db, expoSlug: string, locale: Locale = 'zh'): Promise<{ csv: string; rows: number }> {
  // Inserts into one edition are serialised by its lock, so id order is arrival order.
  const rows = await db.select().from(registrations).where(eq(registrations.expoSlug, expoSlug)).orderBy(asc(registrations.id));
  const lines = [HEADER[locale].join(',')];
  let waiting = 0;
  for (const r of rows) {
    const position = r.status === 'waitlisted' ? ++waiting : null;
    const role = r.role ? (ROLE_LABEL[r.role]?.[locale] ?? r.role) : null;
    lines.push([r.code, STATUS[r.status]?.[locale] ?? r.status, position, r.name, r.organisation, role, r.phone, r.email, r.createdAt, r.cancelledAt].map(csvCell).join(','));
  }
  return { csv: '\ufeff' + lines.join('\r\n') + '\r\n', rows: rows.length };
}
