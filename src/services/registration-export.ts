/**
 * Registrations of one edition as CSV for organisers: UTF-8 with a BOM (Excel then shows Chinese
 * correctly), RFC 4180 quoting, and cells that would start a formula neutralised.
 */
import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { registrations } from '../db/schema.js';

const HEADER = ['code', 'status', 'name', 'organisation', 'role', 'phone', 'email', 'registered_at', 'cancelled_at'];

export function csvCell(v: unknown): string {
  let s = v == null ? '' : v instanceof Date ? v.toISOString() : String(v);
  // A cell starting with = + - @ is a formula in spreadsheets; prefix it so it stays text.
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export async function exportRegistrationsCsv(db: Db, expoSlug: string): Promise<{ csv: string; rows: number }> {
  const rows = await db.select().from(registrations).where(eq(registrations.expoSlug, expoSlug)).orderBy(asc(registrations.id));
  const lines = [HEADER.join(',')];
  for (const r of rows) lines.push([r.code, r.status, r.name, r.organisation, r.role, r.phone, r.email, r.createdAt, r.cancelledAt].map(csvCell).join(','));
  return { csv: '\ufeff' + lines.join('\r\n') + '\r\n', rows: rows.length };
}
