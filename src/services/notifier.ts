/**
 * Messages the platform sends on its own (expo reminders, waitlist promotions): pushed through the
 * person's channel where it can push (Telegram, Slack), otherwise kept as a notice that arrives with
 * their next reply (web chat, terminal).
 */
import { sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { notices } from '../db/schema.js';
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

  async notify(r: Recipient, text: { zh: string; en: string }): Promise<'pushed' | 'queued'> {
    const push = this.push[r.platform];
    if (push && (await push(r.platformUserId, text[r.locale]))) return 'pushed';
    await this.db.insert(notices).values({ userId: r.userId, textZh: text.zh, textEn: text.en, createdAt: sql`now()` });
    return 'queued';
  }
}
