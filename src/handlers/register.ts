/**
 * The expo registration dialogue (state in the conversation, so it survives restarts and works in
 * every channel): edition → name → organisation → role → phone or e-mail → consent → confirm.
 * Each step re-asks with a hint on bad input; "取消"/"cancel" leaves; an idle dialogue expires.
 * Also my_registrations and cancel_registration.
 */
import type { ROLES } from '../core/actions.js';
import type { LeadType } from '../core/intents.js';
import { LEAD_STATUS_LABEL, LEAD_TYPE_LABEL } from '../core/lead-strings.js';
import { ROLE_LABEL, t } from '../core/strings.js';
import { tt } from '../core/talk-strings.js';
import type { Locale, Reply } from '../core/types.js';
import { LEAVE, parseContact } from '../domain/contact.js';
import { chinaDay, registrationState, type Expo } from '../domain/expo.js';
import { privacyLink } from './privacy-link.js';
import { truncate } from './render-patent.js';
import type { Registration } from '../services/registration-store.js';
import type { ConversationState } from '../services/user-store.js';
import type { Handler, HandlerContext } from './context.js';

type Role = (typeof ROLES)[number];
export type RegDraft = NonNullable<ConversationState['registration']>;
export const DIALOGUE_TTL_MS = 30 * 60_000;
const ROLE_WORDS: [Role, RegExp][] = [
  ['patentee', /专利权人|发明人|专利持有|patentee|inventor|patent holder/i],
  ['buyer', /买方|需求方|企业|采购|buyer|company|purchas/i],
  ['investor', /投资|investor|vc|fund/i],
  ['agency', /机构|代理|律所|agency|attorney|firm/i],
  ['exhibitor', /参展|展商|exhibitor/i],
  ['visitor', /观众|参观|个人|visitor|attendee/i],
];

/** Whether the text names one of the roles (the role step's typed answer). */
export const namesRole = (text: string): boolean => ROLE_WORDS.some(([, re]) => re.test(text));

const openExpos = (ctx: HandlerContext) => ctx.services.expos.expos.filter((e) => registrationState(e, ctx.services.clock()) === 'open');
const expoBySlug = (ctx: HandlerContext, slug?: string) => ctx.services.expos.expos.find((e) => e.slug === slug);
const roleButtons = (locale: Locale) => [
  (['patentee', 'buyer', 'investor'] as const).map((r) => ({ label: ROLE_LABEL[r]![locale], action: { type: 'reg_role' as const, role: r } })),
  (['agency', 'visitor', 'exhibitor'] as const).map((r) => ({ label: ROLE_LABEL[r]![locale], action: { type: 'reg_role' as const, role: r } })),
];

export function statusLabel(r: Registration & { position?: number }, locale: Locale): string {
  if (r.status === 'confirmed') return t(locale, 'statusConfirmed');
  if (r.status === 'waitlisted') return t(locale, 'statusWaitlisted')(r.position ?? 1);
  return t(locale, 'statusCancelled');
}

function begin(ctx: HandlerContext, expo: Expo): Reply[] {
  ctx.state.registration = { step: 'name', expoSlug: expo.slug, at: ctx.services.clock().toISOString() };
  return [{ text: t(ctx.locale, 'regAskName')(expo.name[ctx.locale]) }];
}

async function existing(ctx: HandlerContext, expo: Expo): Promise<Reply[] | undefined> {
  const mine = await ctx.services.registrations.mine(ctx.user.id);
  const active = mine.find((r) => r.expoSlug === expo.slug && r.status !== 'cancelled');
  return active ? [{ text: t(ctx.locale, 'regExists')(expo.name[ctx.locale], statusLabel(active, ctx.locale), active.code) }] : undefined;
}

export const registerExpo: Handler = async (ctx) => {
  const { locale } = ctx;
  const open = openExpos(ctx);
  if (open.length === 0) return [{ text: t(locale, 'regNoneOpen') }];
  if (open.length > 1) {
    ctx.state.registration = { step: 'expo', at: ctx.services.clock().toISOString() };
    return [{ text: t(locale, 'regWhich'), buttons: open.map((e) => [{ label: e.name[locale].slice(0, 60), action: { type: 'reg_expo', slug: e.slug } }]) }];
  }
  return (await existing(ctx, open[0]!)) ?? begin(ctx, open[0]!);
};

export async function chooseExpo(ctx: HandlerContext, slug: string): Promise<Reply[]> {
  const expo = openExpos(ctx).find((e) => e.slug === slug);
  if (!expo) return [{ text: t(ctx.locale, 'regNoneOpen') }];
  return (await existing(ctx, expo)) ?? begin(ctx, expo);
}

/** Whether a text message belongs to an open dialogue (the pipeline then skips classification). */
export function inDialogue(state: ConversationState, now: Date): boolean {
  return !!state.registration && now.getTime() - Date.parse(state.registration.at) < DIALOGUE_TTL_MS;
}

/** A typed answer to the current step. */
export async function continueRegistration(ctx: HandlerContext, raw: string): Promise<Reply[]> {
  const { locale } = ctx;
  const d = ctx.state.registration!;
  const text = raw.trim();
  if (LEAVE.test(text)) {
    delete ctx.state.registration;
    return [{ text: t(locale, 'regLeft') }];
  }
  d.at = ctx.services.clock().toISOString();
  switch (d.step) {
    case 'expo':
      return [{ text: t(locale, 'regWhich'), buttons: openExpos(ctx).map((e) => [{ label: e.name[locale].slice(0, 60), action: { type: 'reg_expo', slug: e.slug } }]) }];
    case 'name':
      if ([...text].length < 2 || [...text].length > 40 || /^\d+$/.test(text)) return [{ text: t(locale, 'regBadName') }];
      Object.assign(d, { name: text, step: 'org' });
      return [{ text: t(locale, 'regAskOrg') }];
    case 'org':
      if ([...text].length < 2 || [...text].length > 80) return [{ text: t(locale, 'regBadOrg') }];
      Object.assign(d, { organisation: text, step: 'role' });
      return [{ text: t(locale, 'regAskRole'), buttons: roleButtons(locale) }];
    case 'role': {
      const role = ROLE_WORDS.find(([, re]) => re.test(text))?.[0];
      if (!role) return [{ text: t(locale, 'regBadRole'), buttons: roleButtons(locale) }];
      return chooseRole(ctx, role);
    }
    case 'contact': {
      const contact = parseContact(text);
      if (!contact) return [{ text: t(locale, 'regBadContact') }];
      Object.assign(d, { phone: contact.phone, email: contact.email });
      d.step = 'consent';
      return [consentQuestion(ctx)];
    }
    case 'consent':
      if (/^(?:同意|好的?|可以|是|yes|y|ok|agree|i agree)[.!。！]?$/i.test(text)) return answerYes(ctx);
      if (/^(?:不同意|不|否|no|n|disagree)[.!。！]?$/i.test(text)) return answerNo(ctx);
      return [consentQuestion(ctx)];
    case 'confirm':
      if (/^(?:确认|确定|是|yes|y|ok|confirm)[.!。！]?$/i.test(text)) return answerYes(ctx);
      return [{ text: t(locale, 'regUseButtons'), buttons: confirmButtons(locale) }];
  }
}

const consentQuestion = (ctx: HandlerContext): Reply => ({
  text: t(ctx.locale, 'regAskConsent'),
  buttons: [[{ label: t(ctx.locale, 'btnAgree'), action: { type: 'reg_yes' } }, { label: t(ctx.locale, 'btnDisagree'), action: { type: 'reg_no' } }]],
  ...privacyLink(ctx),
});
const confirmButtons = (locale: Locale) => [[{ label: t(locale, 'btnConfirm'), action: { type: 'reg_yes' as const } }, { label: t(locale, 'btnCancel'), action: { type: 'reg_no' as const } }]];

export async function chooseRole(ctx: HandlerContext, role: Role): Promise<Reply[]> {
  const d = ctx.state.registration;
  if (!d || d.step !== 'role') return [{ text: t(ctx.locale, 'buttonExpired') }];
  Object.assign(d, { role, step: 'contact', at: ctx.services.clock().toISOString() });
  return [{ text: t(ctx.locale, 'regAskContact') }];
}

export async function answerNo(ctx: HandlerContext): Promise<Reply[]> {
  const d = ctx.state.registration;
  delete ctx.state.registration;
  if (!d) return [{ text: t(ctx.locale, 'buttonExpired') }];
  return [{ text: t(ctx.locale, d.step === 'consent' ? 'regNoConsent' : 'regLeft') }];
}

export async function answerYes(ctx: HandlerContext): Promise<Reply[]> {
  const { locale } = ctx;
  const d = ctx.state.registration;
  const expo = expoBySlug(ctx, d?.expoSlug);
  if (!d || !expo || (d.step !== 'consent' && d.step !== 'confirm')) return [{ text: t(locale, 'buttonExpired') }];
  if (d.step === 'consent') {
    d.step = 'confirm';
    const contact = d.phone ?? d.email ?? '';
    return [{ text: t(locale, 'regSummary')(expo.name[locale], d.name ?? '', d.organisation ?? '', ROLE_LABEL[d.role ?? '']?.[locale] ?? '', contact), buttons: confirmButtons(locale) }];
  }
  delete ctx.state.registration;
  if (registrationState(expo, ctx.services.clock()) !== 'open') return [{ text: t(locale, 'regClosedNow') }];
  const res = await ctx.services.registrations.register({
    expoSlug: expo.slug,
    capacity: expo.capacity,
    userId: ctx.user.id,
    name: d.name!,
    organisation: d.organisation!,
    role: d.role as Role,
    ...(d.phone ? { phone: d.phone } : {}),
    ...(d.email ? { email: d.email } : {}),
  });
  const name = expo.name[locale];
  const emphasis = [res.registration.code];
  if (res.kind === 'confirmed') return [{ text: t(locale, 'regConfirmed')(name, res.registration.code), emphasis }];
  if (res.kind === 'waitlisted') return [{ text: t(locale, 'regWaitlisted')(name, res.position, res.registration.code), emphasis }];
  return [{ text: t(locale, 'regExists')(name, statusLabel({ ...res.registration, ...(res.position ? { position: res.position } : {}) }, locale), res.registration.code) }];
}

/** "我的需求", "my leads": the person's own requests (answered by my_registrations, whichever intent the classifier chose). */
export const ASKS_FOR_MINE = /^(?:查看|查询|看看)?我(?:的|提交的|发布的)(?:交易)?(?:需求|线索|咨询)(?:列表|状态|进度)?[?？。.!！]?$|^(?:show\s+)?my\s+(?:leads|requests|trade requests)\??$/i;

/** my_registrations: the person's expo registrations, then the status of the requests (leads) they submitted. */
export const myRegistrations: Handler = async (ctx) => {
  const { locale } = ctx;
  const mine = await ctx.services.registrations.mine(ctx.user.id);
  const leads = await myLeads(ctx);
  if (mine.length === 0) return [{ text: t(locale, 'regMineNone') }, leads];
  return [
    {
      text: t(locale, 'regMine'),
      items: mine.slice(0, 10).map((r) => {
        const expo = expoBySlug(ctx, r.expoSlug);
        return {
          title: `${expo?.name[locale] ?? r.expoSlug} · ${r.code}`,
          lines: [statusLabel(r, locale), ...(expo ? [`${expo.starts} – ${expo.ends} · ${expo.city[locale]}`] : [])],
          ...(r.status !== 'cancelled' ? { buttons: [{ label: t(locale, 'btnCancelReg'), action: { type: 'reg_cancel' as const, id: r.id } }] } : {}),
        };
      }),
    },
    leads,
  ];
};

async function myLeads(ctx: HandlerContext): Promise<Reply> {
  const { locale } = ctx;
  const leads = await ctx.services.leads.store.mine(ctx.user.id);
  if (leads.length === 0) return { text: tt(locale, 'myLeadsNone') };
  const agencies = ctx.services.policies.agencies.agencies;
  return {
    text: tt(locale, 'myLeads'),
    items: leads.map((l) => {
      const agency = l.agencySlug && l.status !== 'new' && l.status !== 'notified' ? agencies.find((a) => a.slug === l.agencySlug)?.name[locale] : undefined;
      const what = [l.patentId, l.need ? truncate(l.need.replace(/\s+/g, ' '), 60) : ''].filter(Boolean).join(' · ');
      return {
        title: `${l.ref} · ${LEAD_TYPE_LABEL[l.type as LeadType]?.[locale] ?? l.type}`,
        lines: [
          `${LEAD_STATUS_LABEL[l.status]?.[locale] ?? l.status}${agency ? ` · ${agency}` : ''} · ${chinaDay(l.createdAt)}`,
          ...(what ? [what] : []),
        ],
      };
    }),
  };
}

export const cancelRegistration: Handler = async (ctx) => {
  const { locale } = ctx;
  const active = (await ctx.services.registrations.mine(ctx.user.id)).filter((r) => r.status !== 'cancelled');
  if (active.length === 0) return [{ text: t(locale, 'regCancelNone') }];
  if (active.length === 1) return askCancel(ctx, active[0]!.id);
  return [
    {
      text: t(locale, 'regCancelWhich'),
      buttons: active.map((r) => [{ label: `${expoBySlug(ctx, r.expoSlug)?.name[locale] ?? r.expoSlug} · ${r.code}`.slice(0, 60), action: { type: 'reg_cancel', id: r.id } }]),
    },
  ];
};

export async function askCancel(ctx: HandlerContext, id: number): Promise<Reply[]> {
  const r = (await ctx.services.registrations.mine(ctx.user.id)).find((x) => x.id === id && x.status !== 'cancelled');
  if (!r) return [{ text: t(ctx.locale, 'regCancelNone') }];
  const name = expoBySlug(ctx, r.expoSlug)?.name[ctx.locale] ?? r.expoSlug;
  return [{ text: t(ctx.locale, 'regCancelAsk')(name, r.code), buttons: [[{ label: t(ctx.locale, 'btnCancelReg'), action: { type: 'reg_cancel_yes', id } }]] }];
}

export async function confirmCancel(ctx: HandlerContext, id: number): Promise<Reply[]> {
  const { locale } = ctx;
  const res = await ctx.services.registrations.cancel(ctx.user.id, id, (p) => {
    const expo = expoBySlug(ctx, p.expoSlug);
    return { zh: t('zh', 'regPromoted')(expo?.name.zh ?? p.expoSlug, p.code), en: t('en', 'regPromoted')(expo?.name.en ?? p.expoSlug, p.code) };
  });
  if (!res) return [{ text: t(locale, 'regCancelNone') }];
  if (res.noticeId) {
    // The promoted person hears now where their channel can push; otherwise with their next reply.
    await ctx.services.notifier.pushNotice(res.noticeId).catch((err) => ctx.services.log.warn('promotion push failed', { err }));
  }
  const name = expoBySlug(ctx, res.cancelled.expoSlug)?.name[locale] ?? res.cancelled.expoSlug;
  return [{ text: [t(locale, 'regCancelled')(name), res.promoted ? t(locale, 'regSeatPassed') : ''].filter(Boolean).join('\n') }];
}
