/**
 * Staff and organisers, invite codes and agency lead inboxes. A role comes only from redeeming an
 * invite an operator printed (`patent-bridge invite …`); nothing a message says can grant one.
 */
import { createHash, randomInt } from 'node:crypto';
import { and, eq, gt, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { invites, leadInboxes, staff } from '../db/schema.js';

export const STAFF_ROLES = ['staff', 'organiser'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type StaffMember = typeof staff.$inferSelect;
export type LeadInbox = typeof leadInboxes.$inferSelect;

/** 10 characters from an alphabet without 0/O/1/I/L: ~49 bits, typed from a screen without mistakes. */
const ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ';
export const hashCode = (code: string) => createHash('sha256').update(normaliseCode(code)).digest('hex');
export const normaliseCode = (code: string) => code.toUpperCase().replace(/[\s-]/g, '');

export type JoinResult = { kind: 'joined'; member: StaffMember } | { kind: 'already'; member: StaffMember } | { kind: 'invalid' };

export class StaffStore {
  constructor(private readonly db: Db) {}

  /** A new one-time code; only its hash is stored. Shown as XXXXX-XXXXX. */
  async createInvite(role: StaffRole, scope: string, validDays = 7): Promise<{ code: string; expiresAt: Date }> {
    const raw = Array.from({ length: 10 }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
    const expiresAt = new Date(Date.now() + validDays * 86_400_000);
    await this.db.insert(invites).values({ codeHash: hashCode(raw), role, scope, expiresAt });
    return { code: `${raw.slice(0, 5)}-${raw.slice(5)}`, expiresAt };
  }

  /** Redeems a code for a user: one statement marks it used, so two people racing with one code cannot both join. */
  async join(userId: number, code: string, displayName: string | null, now: Date): Promise<JoinResult> {
    if (!/^[A-Za-z0-9]{10}$/.test(normaliseCode(code))) return { kind: 'invalid' };
    return this.db.transaction(async (tx) => {
      const [inv] = await tx
        .update(invites)
        .set({ usedAt: now, usedBy: userId })
        .where(and(eq(invites.codeHash, hashCode(code)), isNull(invites.usedAt), gt(invites.expiresAt, now)))
        .returning();
      if (!inv) return { kind: 'invalid' } as const;
      const [member] = await tx
        .insert(staff)
        .values({ userId, role: inv.role, scope: inv.scope, displayName })
        .onConflictDoNothing()
        .returning();
      if (member) return { kind: 'joined', member } as const;
      const [existing] = await tx.select().from(staff).where(and(eq(staff.userId, userId), eq(staff.role, inv.role), eq(staff.scope, inv.scope)));
      return { kind: 'already', member: existing! } as const;
    });
  }

  async rolesOf(userId: number): Promise<StaffMember[]> {
    return this.db.select().from(staff).where(eq(staff.userId, userId));
  }

  async member(userId: number, role: StaffRole, scope: string): Promise<StaffMember | undefined> {
    const [m] = await this.db.select().from(staff).where(and(eq(staff.userId, userId), eq(staff.role, role), eq(staff.scope, scope)));
    return m;
  }

  async byId(id: number): Promise<StaffMember | undefined> {
    const [m] = await this.db.select().from(staff).where(eq(staff.id, id));
    return m;
  }

  /** Binds (or moves) an agency's lead inbox to a chat. */
  async bindInbox(agencySlug: string, platform: string, chatId: string, boundBy: number | null, locale: 'zh' | 'en' = 'zh'): Promise<void> {
    await this.db
      .insert(leadInboxes)
      .values({ agencySlug, platform, chatId, boundBy, locale })
      .onConflictDoUpdate({ target: leadInboxes.agencySlug, set: { platform, chatId, boundBy, locale, updatedAt: sql`now()` } });
  }

  async inboxes(): Promise<LeadInbox[]> {
    return this.db.select().from(leadInboxes);
  }
}
