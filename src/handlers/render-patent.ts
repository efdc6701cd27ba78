/** Patent → reply pieces, in the user's language. Plain text only: adapters escape. */
import type { PatentHit } from '../../search/patent-search.js';
import type { PatentRecord } from '../domain/patent.js';
import { cityName } from '../domain/city-names.js';
import { PROVINCE_INFO } from '../domain/geo.js';
import type { Province } from '../core/intents.js';
import { legalStatusLabel, t, TRADE_LABEL, TYPE_LABEL } from '../core/strings.js';
import { tt } from '../core/talk-strings.js';
import type { Locale, Reply, ReplyItem } from '../core/types.js';

export function provinceLabel(h: Pick<PatentHit, 'province' | 'provinceRaw'>, locale: Locale): string {
  if (h.province) {
    const info = PROVINCE_INFO[h.province as Province];
    return locale === 'zh' ? info.zhFull : info.en;
  }
  return h.provinceRaw ?? t(locale, 'unknownValue');
}

export function typeLabel(type: string | null, locale: Locale): string {
  return type ? (TYPE_LABEL[type]?.[locale] ?? type) : t(locale, 'unknownValue');
}

export function titleFor(h: Pick<PatentHit, 'title' | 'titleEn'>, locale: Locale): string {
  return locale === 'en' && h.titleEn ? h.titleEn : h.title;
}

function applicantsLine(h: Pick<PatentHit, 'applicants'>, locale: Locale): string {
  const a = h.applicants.slice(0, 3).join(locale === 'zh' ? '；' : '; ');
  const more = h.applicants.length > 3 ? (locale === 'zh' ? ` 等${h.applicants.length}家` : ` +${h.applicants.length - 3}`) : '';
  return `${t(locale, 'fApplicant')}: ${a || t(locale, 'unknownValue')}${more}`;
}

/** The line naming an invention's other publications (domain/publication-family.ts), with their dates in details. */
function alsoPublishedLine(others: readonly Pick<PatentHit, 'id' | 'publicationDate'>[], locale: Locale, dated: boolean): string {
  if (others.length === 0) return '';
  const list = others.map((o) => (dated && o.publicationDate ? `${o.id} (${o.publicationDate})` : o.id)).join(locale === 'zh' ? '、' : ', ');
  return t(locale, 'alsoPublished')(list);
}

/** One invention's card: `h` is its primary publication (the grant, when granted), `others` its other ones. */
export function hitItem(h: PatentHit, locale: Locale, others: readonly PatentHit[] = []): ReplyItem {
  const sep = ' · ';
  const status = legalStatusLabel(h.legalStatus, locale);
  return {
    title: `${h.id}  ${titleFor(h, locale)}${h.demo ? ' ' + t(locale, 'demoNote') : ''}`,
    lines: [
      applicantsLine(h, locale),
      [provinceLabel(h, locale), typeLabel(h.patentType, locale), `${t(locale, 'fStatus')}: ${status}`, h.year ? String(h.year) : ''].filter(Boolean).join(sep),
      alsoPublishedLine(others, locale, false),
    ].filter(Boolean),
    buttons: [
      { label: t(locale, 'btnDetail'), action: { type: 'detail', patentId: h.id } },
      { label: t(locale, 'btnInterest'), action: { type: 'interest', patentId: h.id } },
    ],
  };
}

/** The full record from the system of record, as one message. */
export function detailText(h: PatentRecord, locale: Locale, others: readonly Pick<PatentHit, 'id' | 'publicationDate'>[] = []): string {
  const list = (xs: string[], n: number) => xs.slice(0, n).join(locale === 'zh' ? '；' : '; ') + (xs.length > n ? ' …' : '');
  const lines = [
    `${h.id}  ${titleFor(h, locale)}${h.demo ? ' ' + t(locale, 'demoNote') : ''}`,
    locale === 'en' && h.titleEn ? h.title : '',
    applicantsLine(h, locale),
    h.inventors.length ? `${t(locale, 'fInventors')}: ${list(h.inventors, 6)}` : '',
    `${t(locale, 'fProvince')}: ${provinceLabel(h, locale)}${h.city ? ` · ${cityName(h.city, locale)}` : ''}`,
    `${t(locale, 'fType')}: ${typeLabel(h.patentType, locale)}`,
    `${t(locale, 'fStatus')}: ${legalStatusLabel(h.legalStatus, locale)}`,
    h.applicationNumber ? `${t(locale, 'fApplication')}: ${h.applicationNumber}${h.applicationDate ? ` (${h.applicationDate})` : ''}` : '',
    h.publicationDate ? `${t(locale, 'fPublished')}: ${h.publicationDate}` : '',
    alsoPublishedLine(others, locale, true),
    h.grantDate ? `${t(locale, 'fGranted')}: ${h.grantDate}${h.grantPublicationNumber && h.grantPublicationNumber !== h.id ? ` (${h.grantPublicationNumber})` : ''}` : '',
    h.ipc.length ? `${t(locale, 'fIpc')}: ${h.ipc.slice(0, 6).join(', ')}` : '',
    h.tradeModes.length ? `${t(locale, 'fTrade')}: ${h.tradeModes.map((m) => TRADE_LABEL[m]?.[locale] ?? m).join(locale === 'zh' ? '、' : ', ')}` : '',
    h.abstract ? `${t(locale, 'fAbstract')}${locale === 'en' ? ' ' + t(locale, 'zhOnly') : ''}: ${truncate(h.abstract, 600)}` : '',
  ];
  return lines.filter(Boolean).join('\n');
}

/**
 * The patent's record at CNIPA (中国专利公布公告, epub.cnipa.gov.cn). The site answers
 * `/patent/<publication number>` with that publication's page (the form its own result links use;
 * CNIPA documents no deep-link format, so this may change), and only for numbers CNIPA published
 * (CN + digits + kind code). Anything else — a demo record, an application number only — links the
 * public search page instead, where the number can be typed. The site guards itself with a script
 * challenge: a browser passes it, a bot fetching the link does not, which is fine for a link button.
 */
export const CNIPA_SEARCH = 'https://epub.cnipa.gov.cn/';
export function cnipaLink(h: Pick<PatentRecord, 'id' | 'demo'>, locale: Locale): NonNullable<Reply['link']> {
  const published = !h.demo && /^CN\d{7,9}[A-Z]\d?$/.test(h.id);
  return { label: tt(locale, 'cnipaLink'), url: published ? `https://epub.cnipa.gov.cn/patent/${h.id}` : CNIPA_SEARCH };
}

export function truncate(s: string, max: number): string {
  const chars = [...s];
  return chars.length <= max ? s : chars.slice(0, max - 1).join('') + '…';
}
