/**
 * Expo registrations. `register` and `cancel` run in one short transaction each, serialised per
 * edition by a transaction-scoped advisory lock, so seats are never oversold however many people
 * register at once (on PGlite and on a Postgres server with many connections and replicas).
 */
import { randomInt } from 'node:crypto';
import { and, asc, desc, eq, getTableColumns, ilike, inArray, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { notices, registrations } from '../db/schema.js';

import { ROLES } from '../core/actions.js';

export { ROLES };
export type Role = (typeof ROLES)[number];
export type Registration = typeof registrations.$inferSelect;
export const REGISTRATION_STATUSES = ['confirmed', 'waitlisted', 'cancelled'] as const;
export type RegistrationStatus = (typeof REGISTRATION_STATUSES)[number];
/** A registration with its waitlist position (waitlisted ones only). */
export type ListedRegistration = Registration & { position: number | null };

/** A LIKE pattern matching `q` anywhere, with `\`, `%` and `_` in it taken literally; it still goes in as a parameter. */
export const containsPattern = (q: string): string => `%${q.replace(/[\\%_]/g, (m) => `\\${m}`)}%`;

export interface RegistrationInput {
  expoSlug: string;
  capacity: number;
  userId: number;
  name: string;
  organisation: string;
  role: Role;
  phone?: string;
  email?: string;
}

export type RegisterResult =
  | { kind: 'confirmed'; registration: Registration }
  | { kind: 'waitlisted'; registration: Registration; position: number }
  | { kind: 'exists'; registration: Registration; position?: number };

/** No 0/O, 1/I/L: a code read aloud or typed from a phone screen should not be misread. */
const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export function newCode(length = 6): string {
  return Array.from({ length }, () => CODE_ALPHABET[randomInt(CODE_ALPHABET.length)]).join('');
}

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export class RegistrationStore {
  constructor(private readonly db: Db) {}

  private async lock(tx: Tx, slug: string) {
    await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'expo:' + slug}))`);
  }

  private async position(tx: Tx | Db, r: Registration): Promise<number> {
    const [row] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(registrations)
      // Inserts into one edition are serialised by its lock, so id order is arrival order.
      .where(and(eq(registrations.expoSlug, r.expoSlug), eq(registrations.status, 'waitlisted'), sql`${registrations.id} <= ${r.id}`));
    return row?.n ?? 1;
  }

  async register(input: RegistrationInput): Promise<RegisterResult> {
    return this.db.transaction(async (tx) => {
      await this.lock(tx, input.expoSlug);
      const [existing] = await tx
        .select()
        .from(registrations)
        .where(and(eq(registrations.expoSlug, input.expoSlug), eq(registrations.userId, input.userId), inArray(registrations.status, ['confirmed', 'waitlisted'])));
      if (existing) return { kind: 'exists', registration: existing, ...(existing.status === 'waitlisted' ? { position: await this.position(tx, existing) } : {}) };
      const [count] = await tx
        .select({ n: sql<number>`count(*)::int` })
        .from(registrations)
        .where(and(eq(registrations.expoSlug, input.expoSlug), eq(registrations.status, 'confirmed')));
      const status = (count?.n ?? 0) < input.capacity ? 'confirmed' : 'waitlisted';
      let code = newCode();
      // Under the lock no one else can take a code meanwhile; a clash just draws again.
      for (let i = 0; i < 5; i++) {
        const [clash] = await tx.select({ id: registrations.id }).from(registrations).where(and(eq(registrations.expoSlug, input.expoSlug), eq(registrations.code, code)));
        if (!clash) break;
        code = newCode();
      }
      const [registration] = await tx
        .insert(registrations)
        .values({
          expoSlug: input.expoSlug,
          userId: input.userId,
          name: input.name,
          organisation: input.organisation,
          role: input.role,
          phone: input.phone ?? null,
          email: input.email ?? null,
          consentAt: sql`now()`,
          status,
          code,
        })
        .returning();
      if (status === 'confirmed') return { kind: 'confirmed', registration: registration! };
      return { kind: 'waitlisted', registration: registration!, position: await this.position(tx, registration!) };
    });
  }

  /**
   * One edition's registrations for the console, newest first: a case-insensitive search over name,
   * organisation and code, an optional status, a page; with the total that matched.
   */
  async list(
    expoSlug: string,
    opts: { q?: string; status?: RegistrationStatus; limit?: number; offset?: number } = {},
  ): Promise<{ rows: ListedRegistration[]; total: number }> {
    const conds: SQL[] = [eq(registrations.expoSlug, expoSlug)];
    if (opts.status) conds.push(eq(registrations.status, opts.status));
    const q = opts.q?.trim();
    if (q) {
      const p = containsPattern(q);
      conds.push(or(ilike(registrations.name, p), ilike(registrations.organisation, p), ilike(registrations.code, p))!);
    }
    const where = and(...conds);
    // Inserts into one edition are serialised by its lock, so id order is arrival order (as in `position`).
    const position = sql<number | null>`case when ${registrations.status} = 'waitlisted' then
      (select count(*)::int from registrations w where w.expo_slug = ${registrations.expoSlug} and w.status = 'waitlisted' and w.id <= ${registrations.id}) end`;
    const rows = await this.db
      .select({ ...getTableColumns(registrations), position })
      .from(registrations)
      .where(where)
      .orderBy(desc(registrations.id))
      .limit(opts.limit ?? 200)
      .offset(opts.offset ?? 0);
    const [count] = await this.db.select({ n: sql<number>`count(*)::int` }).from(registrations).where(where);
    return { rows, total: count?.n ?? 0 };
  }

  /** How many registrations of an edition are in each status. */
  async counts(expoSlug: string): Promise<Record<RegistrationStatus, number>> {
    const rows = await this.db
      .select({ status: registrations.status, n: sql<number>`count(*)::int` })
      .from(registrations)
      .where(eq(registrations.expoSlug, expoSlug))
      .groupBy(registrations.status);
    const c: Record<RegistrationStatus, number> = { confirmed: 0, waitlisted: 0, cancelled: 0 };
    for (const r of rows) if ((REGISTRATION_STATUSES as readonly string[]).includes(r.status)) c[r.status as RegistrationStatus] = r.n;
    return c;
  }

  /** Active and cancelled registrations of a person, newest first, with waitlist positions. */
  async mine(userId: number): Promise<(Registration & { position?: number })[]> {
    const rows = await this.db.select().from(registrations).where(eq(registrations.userId, userId)).orderBy(sql`${registrations.createdAt} desc`);
    return Promise.all(rows.map(async (r) => (r.status === 'waitlisted' ? { ...r, position: await this.position(this.db, r) } : r)));
  }

  /**
   * Cancels one of the person's active registrations. A freed seat goes to the first person on the
   * waitlist, who gets a notice with their code; returns what happened.
   */
  async cancel(
    userId: number,
    id: number,
    notice: (r: Registration) => { zh: string; en: string },
  ): Promise<{ cancelled: Registration; promoted?: Registration; noticeId?: number } | undefined> {
    const [target] = await this.db.select().from(registrations).where(and(eq(registrations.id, id), eq(registrations.userId, userId)));
    if (!target || target.status === 'cancelled') return undefined;
    return this.db.transaction(async (tx) => {
      await this.lock(tx, target.expoSlug);
      const [cancelled] = await tx
        .update(registrations)
        .set({ status: 'cancelled', cancelledAt: sql`now()`, updatedAt: sql`now()` })
        .where(and(eq(registrations.id, id), inArray(registrations.status, ['confirmed', 'waitlisted'])))
        .returning();
      if (!cancelled) return undefined;
      if (target.status !== 'confirmed') return { cancelled };
      const [next] = await tx
        .select()
        .from(registrations)
        .where(and(eq(registrations.expoSlug, target.expoSlug), eq(registrations.status, 'waitlisted')))
        .orderBy(asc(registrations.id))
        .limit(1);
      if (!next) return { cancelled };
      const [promoted] = await tx.update(registrations).set({ status: 'confirmed', updatedAt: sql`now()` }).where(eq(registrations.id, next.id)).returning();
      // The notice is written with the promotion, so it cannot be lost; a push may deliver it sooner.
      let noticeId: number | undefined;
      if (promoted?.userId) {
        const text = notice(promoted);
        [{ id: noticeId }] = (await tx.insert(notices).values({ userId: promoted.userId, textZh: text.zh, textEn: text.en }).returning({ id: notices.id })) as [{ id: number }];
      }
      return { cancelled, ...(promoted ? { promoted } : {}), ...(noticeId ? { noticeId } : {}) };
    });
  }

  /** Notices waiting for a person; marked delivered as they are taken. */
  async takeNotices(userId: number): Promise<{ zh: string; en: string }[]> {
    const rows = await this.db
      .update(notices)
      .set({ deliveredAt: sql`now()` })
      .where(and(eq(notices.userId, userId), isNull(notices.deliveredAt)))
      .returning({ zh: notices.textZh, en: notices.textEn });
    return rows;
  }

  /** forget_me: registrations stay (seat counts and promotions keep adding up) with their personal fields removed. */
  async anonymise(userId: number): Promise<void> {
    await this.db
      .update(registrations)
      .set({ name: null, organisation: null, phone: null, email: null, updatedAt: sql`now()` })
      .where(eq(registrations.userId, userId));
  }
}
