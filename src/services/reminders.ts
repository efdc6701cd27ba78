/** The expo reminder job: every confirmed registrant of an edition, through their channel. */
import { and, eq, isNotNull } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { registrations, users } from '../db/schema.js';
import { t } from '../core/strings.js';
import type { Locale } from '../core/types.js';
import type { ExpoCalendar } from '../domain/expo.js';
import type { Notifier } from './notifier.js';

export async function sendExpoReminders(db: Db, expos: ExpoCalendar, notifier: Notifier, slug: string): Promise<number> {
  const expo = expos.expos.find((e) => e.slug === slug);
  if (!expo) return 0;
  const rows = await db
    .select({ code: registrations.code, userId: users.id, platform: users.platform, platformUserId: users.platformUserId, locale: users.locale, unreachable: users.unreachableAt })
    .from(registrations)
    .innerJoin(users, eq(users.id, registrations.userId))
    .where(and(eq(registrations.expoSlug, slug), eq(registrations.status, 'confirmed'), isNotNull(registrations.userId)));
  let sent = 0;
  for (const r of rows) {
    if (r.unreachable) continue;
    const text = (l: Locale) => t(l, 'regReminder')(expo.name[l], expo.starts, `${expo.city[l]} · ${expo.venue[l]}`, r.code);
    await notifier.notify({ userId: r.userId, platform: r.platform, platformUserId: r.platformUserId, locale: r.locale as Locale }, { zh: text('zh'), en: text('en') });
    sent++;
  }
  return sent;
}
