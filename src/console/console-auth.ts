/**
 * Console sign-in. Operators sign in with ADMIN_TOKEN; staff and organisers with a one-time link
 * the bot sends them in chat (`/console`), valid for 10 minutes and bound to their role and
 * agency/expo. A session is a random cookie (only its hash is stored) with an 8-hour life and its
 * own CSRF token, which every form must send back.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { and, eq, gt, isNull, lt } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { consoleLinks, consoleSessions, staff } from '../db/schema.js';

export const LINK_TTL_MS = 10 * 60_000;
export const SESSION_TTL_MS = 8 * 3600_000;
const hash = (s: string) => createHash('sha256').update(s).digest('hex');
const token = () => randomBytes(32).toString('base64url');

export interface ConsoleSession {
  kind: 'operator' | 'staff' | 'organiser';
  staffId: number | null;
  scope: string | null;
  csrf: string;
  locale: 'zh' | 'en';
  expiresAt: Date;
}

export class ConsoleAuth {
  constructor(
    private readonly db: Db,
    private readonly adminToken: string | undefined,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A link for one staff/organiser membership; the raw token goes into the URL only. */
  async createLink(staffId: number): Promise<string> {
    const raw = token();
    await this.db.insert(consoleLinks).values({ tokenHash: hash(raw), staffId, expiresAt: new Date(this.clock().getTime() + LINK_TTL_MS) });
    return raw;
  }

  /** Redeems a link once; undefined when unknown, used or expired. */
  async redeem(raw: string, locale: 'zh' | 'en'): Promise<{ cookie: string; session: ConsoleSession } | undefined> {
    if (!/^[A-Za-z0-9_-]{20,100}$/.test(raw)) return undefined;
    const now = this.clock();
    const [link] = await this.db
      .update(consoleLinks)
      .set({ usedAt: now })
      .where(and(eq(consoleLinks.tokenHash, hash(raw)), isNull(consoleLinks.usedAt), gt(consoleLinks.expiresAt, now)))
      .returning();
    if (!link) return undefined;
    const [member] = await this.db.select().from(staff).where(eq(staff.id, link.staffId));
    if (!member) return undefined;
    return this.open({ kind: member.role === 'organiser' ? 'organiser' : 'staff', staffId: member.id, scope: member.scope, locale });
  }

  /** Operator sign-in; compares in constant time. */
  async operator(given: string, locale: 'zh' | 'en'): Promise<{ cookie: string; session: ConsoleSession } | undefined> {
    if (!this.adminToken) return undefined;
    const a = Buffer.from(given);
    const b = Buffer.from(this.adminToken);
    if (a.length !== b.length || !timingSafeEqual(a, b)) return undefined;
    return this.open({ kind: 'operator', staffId: null, scope: null, locale });
  }

  private async open(s: Omit<ConsoleSession, 'csrf' | 'expiresAt'>): Promise<{ cookie: string; session: ConsoleSession }> {
    const cookie = token();
    const session: ConsoleSession = { ...s, csrf: token(), expiresAt: new Date(this.clock().getTime() + SESSION_TTL_MS) };
    await this.db.insert(consoleSessions).values({ idHash: hash(cookie), ...session });
    // Old sessions go as new ones arrive; nothing else needs to sweep them.
    await this.db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, this.clock()));
    return { cookie, session };
  }

  async session(cookie: string | undefined): Promise<ConsoleSession | undefined> {
    if (!cookie || !/^[A-Za-z0-9_-]{20,100}$/.test(cookie)) return undefined;
    const [row] = await this.db.select().from(consoleSessions).where(and(eq(consoleSessions.idHash, hash(cookie)), gt(consoleSessions.expiresAt, this.clock())));
    if (!row) return undefined;
    return { kind: row.kind as ConsoleSession['kind'], staffId: row.staffId, scope: row.scope, csrf: row.csrf, locale: row.locale === 'en' ? 'en' : 'zh', expiresAt: row.expiresAt };
  }

  async setLocale(cookie: string, locale: 'zh' | 'en'): Promise<void> {
    await this.db.update(consoleSessions).set({ locale }).where(eq(consoleSessions.idHash, hash(cookie)));
  }

  async close(cookie: string): Promise<void> {
    await this.db.delete(consoleSessions).where(eq(consoleSessions.idHash, hash(cookie)));
  }

  /** Constant-time CSRF check. */
  static csrfOk(session: ConsoleSession, given: string | undefined): boolean {
    if (!given) return false;
    const a = Buffer.from(given);
    const b = Buffer.from(session.csrf);
    return a.length === b.length && timingSafeEqual(a, b);
  }
}

