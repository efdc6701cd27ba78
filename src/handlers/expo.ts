/**
 * expo_info: the next edition (and what follows) from content/expos.yaml, with a Register button while
 * its registration is open. A question about one detail (deadline, check-in, capacity, venue, fee:
 * nlu/expo-question.ts) gets that line first, then the card.
 */
import { t } from '../core/strings.js';
import type { Locale } from '../core/types.js';
import { nextExpo, registrationState, type Expo } from '../domain/expo.js';
import { expoSubQuestionOf, type ExpoSubQuestion } from '../nlu/expo-question.js';
import type { Handler } from './context.js';

export function expoText(e: Expo, locale: Locale, now: Date): string {
  return [
    `【${e.name[locale]}】`,
    `${t(locale, 'expoWhen')}: ${e.starts} – ${e.ends}`,
    `${t(locale, 'expoWhere')}: ${e.city[locale]} · ${e.venue[locale]}`,
    `${t(locale, 'expoCapacity')}: ${e.capacity}`,
    `${t(locale, 'expoTickets')}: ${e.tickets[locale]}`,
    registrationLine(e, locale, now),
    ...(e.schedule.length ? [`${t(locale, 'expoSchedule')}:`, ...e.schedule.map((s) => `• ${s.date} ${s[locale]}`)] : []),
  ].join('\n');
}

function registrationLine(e: Expo, locale: Locale, now: Date): string {
  const reg = registrationState(e, now);
  return reg === 'open' ? t(locale, 'expoRegOpen')(e.registration.closes) : reg === 'not_open' ? t(locale, 'expoRegNotOpen')(e.registration.opens) : t(locale, 'expoRegClosed');
}

/** The one line that answers a sub-question ("报名什么时候截止", "where is it"), shown above the card. */
export function expoAnswer(e: Expo, sub: ExpoSubQuestion, locale: Locale, now: Date): string {
  switch (sub) {
    case 'deadline':
      return registrationLine(e, locale, now);
    case 'checkin':
      return t(locale, 'expoCheckIn')(e.starts, e.tickets[locale]);
    case 'capacity':
      return `${t(locale, 'expoCapacity')}: ${e.capacity}`;
    case 'venue':
      return `${t(locale, 'expoWhere')}: ${e.city[locale]} · ${e.venue[locale]}`;
    case 'fee':
      return `${t(locale, 'expoTickets')}: ${e.tickets[locale]}`;
  }
}

export const expoInfo: Handler = async (ctx) => {
  const { locale } = ctx;
  const now = ctx.services.clock();
  const cal = ctx.services.expos;
  const next = nextExpo(cal, now);
  if (!next) return [{ text: t(locale, 'expoNone') }];
  const later = cal.expos.filter((e) => e.starts > next.starts);
  const sub = expoSubQuestionOf(ctx.msg.text ?? '');
  const lines = [...(sub ? [expoAnswer(next, sub, locale, now), ''] : []), expoText(next, locale, now)];
  if (later.length) lines.push('', t(locale, 'expoLater'), ...later.map((e) => `• ${e.name[locale]} · ${e.city[locale]} · ${e.starts}`));
  if (cal.sample) lines.push('', t(locale, 'expoSample'));
  // Registration open: the card offers it (the same dialogue as "我要报名").
  const open = registrationState(next, now) === 'open';
  return [{ text: lines.join('\n'), ...(open ? { buttons: [[{ label: t(locale, 'btnRegister'), action: { type: 'reg_expo', slug: next.slug } }]] } : {}) }];
};
