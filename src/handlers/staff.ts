/**
 * Agency staff and organisers in chat: /join CODE, /inbox (this chat becomes the agency's lead
 * inbox), the Claim / Pass / status buttons on a lead notice and `/lead <ref> contacted|won|lost`.
 * Every permission is checked here against the staff table, whatever the message says.
 */
import type { Reply } from '../core/types.js';
import { LEAD_STATUS_LABEL, lt } from '../core/lead-strings.js';
import { COORDINATOR } from '../domain/lead-routing.js';
import { agencyName } from '../services/lead-service.js';
import type { LeadStatus } from '../services/lead-store.js';
import type { HandlerContext } from './context.js';

const STATUS_WORDS: [Exclude<LeadStatus, 'new' | 'notified' | 'claimed'>, RegExp][] = [
  ['contacted', /^(?:contacted|已联系|联系了)$/i],
  ['won', /^(?:won|win|closed-won|已成交|成交)$/i],
  ['lost', /^(?:lost|lose|closed-lost|未成交|失败)$/i],
];

const agencies = (ctx: HandlerContext) => ctx.services.policies.agencies;

export async function joinCommand(ctx: HandlerContext): Promise<Reply[]> {
  const { locale } = ctx;
  const code = (ctx.msg.text ?? '').trim();
  if (!code) return [{ text: lt(locale, 'joinUsage') }];
  const res = await ctx.services.staff.join(ctx.user.id, code, ctx.msg.displayName?.slice(0, 60) ?? null, ctx.services.clock());
  if (res.kind === 'invalid') return [{ text: lt(locale, 'joinInvalid') }];
  if (res.kind === 'already') return [{ text: lt(locale, 'joinAlready') }];
  ctx.services.log.info('staff joined', { role: res.member.role, scope: res.member.scope });
  if (res.member.role === 'organiser') {
    const expo = ctx.services.expos.expos.find((e) => e.slug === res.member.scope);
    return [{ text: lt(locale, 'joinedOrganiser')(expo?.name[locale] ?? res.member.scope) }];
  }
  return [{ text: lt(locale, 'joinedStaff')(agencyName(agencies(ctx), res.member.scope, locale)) }];
}

/** `/console [scope]`: a one-time sign-in link, in a private chat (Slack answers only to the asker). */
export async function consoleCommand(ctx: HandlerContext): Promise<Reply[]> {
  const { locale, msg } = ctx;
  const mine = await ctx.services.staff.rolesOf(ctx.user.id);
  if (mine.length === 0) return [{ text: lt(locale, 'consoleNotStaff') }];
  if (msg.conversation !== 'private') return [{ text: lt(locale, 'consolePrivate') }];
  if (!ctx.services.consoleLink) return [{ text: lt(locale, 'consoleOff') }];
  const wanted = (msg.text ?? '').trim();
  const member = mine.find((m) => m.scope === wanted) ?? mine[0]!;
  const what = member.role === 'organiser' ? (ctx.services.expos.expos.find((e) => e.slug === member.scope)?.name[locale] ?? member.scope) : agencyName(agencies(ctx), member.scope, locale);
  ctx.services.log.info('console link issued', { role: member.role, scope: member.scope });
  return [{ text: lt(locale, 'consoleLink')(await ctx.services.consoleLink(member.id), what) }];
}

/** `/inbox [agency]` in a group or channel: its lead notices arrive here from now on. */
export async function inboxCommand(ctx: HandlerContext): Promise<Reply[]> {
  const { locale } = ctx;
  const mine = (await ctx.services.staff.rolesOf(ctx.user.id)).filter((m) => m.role === 'staff');
  const wanted = (ctx.msg.text ?? '').trim();
  const member = wanted ? mine.find((m) => m.scope === wanted) : mine.length === 1 ? mine[0] : undefined;
  if (mine.length === 0 || (wanted && !member)) return [{ text: lt(locale, 'inboxNotStaff') }];
  if (!member) return [{ text: lt(locale, 'inboxWhich')(mine.map((m) => m.scope).join('|')) }];
  await ctx.services.staff.bindInbox(member.scope, ctx.msg.platform, ctx.msg.chatId, ctx.user.id, locale);
  ctx.services.log.info('lead inbox bound', { agency: member.scope, platform: ctx.msg.platform });
  // Leads that waited for an inbox go out now.
  await ctx.services.leads.sweep();
  ctx.services.leads.kick();
  return [{ text: lt(locale, 'inboxBound')(agencyName(agencies(ctx), member.scope, locale)) }];
}

async function staffFor(ctx: HandlerContext, agencySlug: string) {
  return ctx.services.staff.member(ctx.user.id, 'staff', agencySlug);
}

export async function claimLead(ctx: HandlerContext, offerId: number): Promise<Reply[]> {
  const { locale } = ctx;
  const offer = await ctx.services.leads.store.offer(offerId);
  if (!offer) return [{ text: lt(locale, 'claimGone') }];
  const member = await staffFor(ctx, offer.agencySlug);
  if (!member) return [{ text: lt(locale, 'claimNotStaff')(agencyName(agencies(ctx), offer.agencySlug, locale)) }];
  const res = await ctx.services.leads.claim(offerId, member);
  if (res.kind === 'claimed') return [];
  if (res.kind === 'taken') return [{ text: lt(locale, 'claimTaken')(res.byName ?? (lt(locale, 'someone') as string)) }];
  return [{ text: lt(locale, 'claimGone') }];
}

export async function passLead(ctx: HandlerContext, offerId: number): Promise<Reply[]> {
  const { locale } = ctx;
  const offer = await ctx.services.leads.store.offer(offerId);
  if (!offer || offer.agencySlug === COORDINATOR) return [{ text: lt(locale, 'claimGone') }];
  const member = await staffFor(ctx, offer.agencySlug);
  if (!member) return [{ text: lt(locale, 'claimNotStaff')(agencyName(agencies(ctx), offer.agencySlug, locale)) }];
  return (await ctx.services.leads.pass(offerId, member)) ? [] : [{ text: lt(locale, 'claimGone') }];
}

async function changeStatus(ctx: HandlerContext, leadId: number, to: LeadStatus, viaCommand: boolean): Promise<Reply[]> {
  const { locale } = ctx;
  const lead = await ctx.services.leads.store.byId(leadId);
  const member = lead?.agencySlug ? await staffFor(ctx, lead.agencySlug) : undefined;
  if (!lead || !member) return [{ text: lt(locale, 'statusNotYours') }];
  const res = await ctx.services.leads.setStatus(lead, member, to);
  const label = (s: string) => LEAD_STATUS_LABEL[s]?.[locale] ?? s;
  if (res.kind === 'not-yours') return [{ text: lt(locale, 'statusNotYours') }];
  if (res.kind === 'bad-transition') return [{ text: lt(locale, 'statusBad')(label(res.from), label(to)) }];
  return viaCommand ? [{ text: lt(locale, 'statusDone')(lead.ref, label(to)) }] : [];
}

export const leadStatusButton = (ctx: HandlerContext, leadId: number, to: LeadStatus) => changeStatus(ctx, leadId, to, false);

/** `/lead L-7K3M9Q won`: a status change; undefined when the arguments are not one (then /lead submits a lead). */
export async function leadStatusCommand(ctx: HandlerContext, args: string): Promise<Reply[] | undefined> {
  const m = /^(L-?[A-Z0-9]{6})\s+(\S+)$/i.exec(args.trim());
  if (!m) return undefined;
  const to = STATUS_WORDS.find(([, re]) => re.test(m[2]!))?.[0];
  if (!to) return [{ text: lt(ctx.locale, 'statusUsage') }];
  const ref = m[1]!.toUpperCase().replace(/^L-?/, 'L-');
  const lead = await ctx.services.leads.store.byRef(ref);
  if (!lead) return [{ text: lt(ctx.locale, 'statusNotYours') }];
  return changeStatus(ctx, lead.id, to, true);
}
