/**
 * E-mail addresses of web users who asked for announcements, reminders and lead news by mail and
 * consented to it (src/handlers/email.ts). Addresses are personal data: they are read only to send,
 * never logged, and deleted on unsubscribe and with the person (forget_me cascades). After
 * `BOUNCE_LIMIT` permanent SMTP refusals in a row the address is marked bounced and skipped.
 */
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { emailAddresses, users } from '../db/schema.js';

export const BOUNCE_LIMIT = 3;

/** A practical check (RFC 5321 lengths, one @, a dotted domain, no spaces or angle brackets); the SMTP server has the last word. */
const ADDRESS = /^[^\s@<>(),;:"\\[\]]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$/;

export function normaliseAddress(text: string): string | undefined {
  const a = text.trim().replace(/^mailto:/i, '');
  if (a.length > 254 || !ADDRESS.test(a)) return undefined;
  const at = a.lastIndexOf('@');
  return `${a.slice(0, at)}@${a.slice(at + 1).toLowerCase()}`;
}

export interface Mailbox {
  userId: number;
  address: string;
  locale: 'zh' | 'en';
}

export class EmailStore {
  constructor(private readonly db: Db) {}

  /** Stores (or replaces) the address with the moment of consent; a new address starts with no failures. */
  async set(userId: number, address: string, consentedAt: Date): Promise<void> {
    await this.db
      .insert(emailAddresses)
      .values({ userId, address, consentedAt })
      .onConflictDoUpdate({ target: emailAddresses.userId, set: { address, consentedAt, permanentFailures: 0, bouncedAt: null, updatedAt: sql`now()` } });
  }

  async has(userId: number): Promise<boolean> {
    return (await this.db.select({ u: emailAddresses.userId }).from(emailAddresses).where(eq(emailAddresses.userId, userId))).length > 0;
  }

  /** Where a mail for this person goes: undefined when they have none, it bounced, or they left. */
  async mailbox(userId: number): Promise<Mailbox | undefined> {
    const [row] = await this.db
      .select({ userId: emailAddresses.userId, address: emailAddresses.address, locale: users.locale })
      .from(emailAddresses)
      .innerJoin(users, eq(users.id, emailAddresses.userId))
      .where(and(eq(emailAddresses.userId, userId), isNull(emailAddresses.bouncedAt), isNull(users.unsubscribedAt)));
    return row ? { ...row, locale: row.locale === 'en' ? 'en' : 'zh' } : undefined;
  }

  /** The mailbox of a web user by their web id (reminders and lead news address people that way). */
  async mailboxOfWebUser(platformUserId: string): Promise<Mailbox | undefined> {
    const [row] = await this.db.select({ id: users.id }).from(users).where(and(eq(users.platform, 'web'), eq(users.platformUserId, platformUserId)));
    return row ? this.mailbox(row.id) : undefined;
  }

  /** The unsubscribe link: no more announcements of any kind, and the address is deleted. */
  async unsubscribe(userId: number): Promise<boolean> {
    const changed = await this.db.update(users).set({ subscribed: false, unsubscribedAt: sql`coalesce(${users.unsubscribedAt}, now())`, updatedAt: sql`now()` }).where(eq(users.id, userId)).returning({ id: users.id });
    await this.db.delete(emailAddresses).where(eq(emailAddresses.userId, userId));
    return changed.length > 0;
  }

  async remove(userId: number): Promise<void> {
    await this.db.delete(emailAddresses).where(eq(emailAddresses.userId, userId));
  }

  /** An accepted mail resets the count; a permanent refusal adds one; true when this one marked the address bounced. */
  async recordOutcome(userId: number, outcome: 'accepted' | 'permanent'): Promise<boolean> {
    if (outcome === 'accepted') {
      await this.db.update(emailAddresses).set({ permanentFailures: 0 }).where(eq(emailAddresses.userId, userId));
      return false;
    }
    const [row] = await this.db
      .update(emailAddresses)
      .set({ permanentFailures: sql`${emailAddresses.permanentFailures} + 1`, bouncedAt: sql`case when ${emailAddresses.permanentFailures} + 1 >= ${BOUNCE_LIMIT} then coalesce(${emailAddresses.bouncedAt}, now()) end`, updatedAt: sql`now()` })
      .where(eq(emailAddresses.userId, userId))
      .returning({ n: emailAddresses.permanentFailures });
    return row?.n === BOUNCE_LIMIT;
  }
}
