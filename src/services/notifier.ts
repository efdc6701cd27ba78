/**
 * Messages the platform sends on its own (expo reminders, waitlist promotions): pushed through the
 * person's channel where it can push (Telegram, Slack), otherwise kept as a notice that arrives with
 * their next reply (web chat, terminal).
 */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { notices, users } from '../db/schema.js';
import type { Locale } from '../core/types.js';

export interface Recipient {
  userId: number;
  platform: string;
  platformUserId: string;
  locale: Locale;
}

/** Pushes a plain-text message to a platform user; returns false when that platform cannot push. */
export type Push = (platformUserId: string, text: string) => Promise<boolean>;

export class Notifier {
  constructor(
    private readonly db: Db,
    private readonly push: Partial<Record<string, Push>> = {},
  ) {}

  /** Channels register their push once they are running. */
  register(platform: string, push: Push): void {
    this.push[platform] = push;
  }

  /** Tries to push a notice already stored for a user now; on success it is marked delivered. */
  async pushNotice(noticeId: number): Promise<boolean> {
    const [row] = await this.db
      .select({ platform: users.platform, platformUserId: users.platformUserId, locale: users.locale, zh: notices.textZh, en: notices.textEn, delivered: notices.deliveredAt })
      .from(notices)
      .innerJoin(users, eq(users.id, notices.userId))
      .where(eq(notices.id, noticeId));
    const push = row && !row.delivered ? this.push[row.platform] : undefined;
    if (!row || !push) return false;
    if (!(await push(row.platformUserId, row.locale === 'en' ? row.en : row.zh))) return false;
    await this.db.update(notices).set({ deliveredAt: sql`now()` }).where(eq(notices.id, noticeId));
    return true;
  }

  async notify(r: Recipient, text: { zh: string; en: string }): Promise<'pushed' | 'queued'> {
    const push = this.push[r.platform];
    if (push && (await push(r.platformUserId, text[r.locale]))) return 'pushed';
    await this.db.insert(notices).values({ userId: r.userId, textZh: text.zh, textEn: text.en, createdAt: sql`now()` });
    return 'queued';
  }
}
