/**
 * Organiser broadcasts in chat: `/broadcast` (Slack: `/patent broadcast`) → audience → role →
 * Chinese text → English text → optional link → preview exactly as recipients see it, with counts
 * per channel → Send / Cancel. Only organisers (staff table, role `organiser`) get past the first
 * step; the check runs again at every step and at confirmation, whatever a message says.
 */
import { ROLES, type Action } from '../core/actions.js';
import { bt } from '../core/broadcast-strings.js';
import { ROLE_LABEL, t } from '../core/strings.js';
import type { Button, Locale, Reply } from '../core/types.js';
import { LEAVE } from '../domain/contact.js';
import { renderBroadcast } from '../services/broadcast-service.js';
import type { Audience } from '../services/broadcast-store.js';
import type { StaffMember } from '../services/staff-store.js';
import type { BroadcastDraft } from '../services/user-store.js';
import type { HandlerContext } from './context.js';
import { recipientsByPlatform } from '../core/platforms.js';

export const BROADCAST_TTL_MS = 30 * 60_000;
const SKIP = /^(?:跳过|不需要|无|skip|none|no)[.!。！]?$/i;
const MAX_TEXT = 3000;

export function inBroadcastDialogue(state: { broadcast?: BroadcastDraft }, now: Date): boolean {
  return !!state.broadcast && now.getTime() - Date.parse(state.broadcast.at) < BROADCAST_TTL_MS;
}

async function organiserOf(ctx: HandlerContext, expo?: string): Promise<StaffMember[]> {
  return (await ctx.services.staff.rolesOf(ctx.user.id)).filter((m) => m.role === 'organiser' && (!expo || m.scope === expo));
}

const expoName = (ctx: HandlerContext, slug: string) => ctx.services.expos.expos.find((e) => e.slug === slug)?.name[ctx.locale] ?? slug;
const skipButton = (l: Locale): Button[][] => [[{ label: bt(l, 'btnSkip'), action: { type: 'bcast_skip' } }]];

function ask(ctx: HandlerContext, d: BroadcastDraft): Reply[] | Promise<Reply[]> {
  const l = ctx.locale;
  d.at = ctx.services.clock().toISOString();
  if (!d.audience && d.step !== 'role') {
    d.step = 'audience';
    const b = (audience: 'confirmed' | 'waitlisted' | 'active' | 'subscribers', key: 'audConfirmed' | 'audWaitlisted' | 'audActive' | 'audSubscribers') => ({ label: bt(l, key), action: { type: 'bcast_audience' as const, audience } });
    return [{ text: bt(l, 'askAudience')(expoName(ctx, d.expo)), buttons: [[b('confirmed', 'audConfirmed'), b('waitlisted', 'audWaitlisted')], [b('active', 'audActive')], [b('subscribers', 'audSubscribers')]] }];
  }
  if (d.step === 'role') {
    const roles = ROLES.map((role) => ({ label: ROLE_LABEL[role]![l], action: { type: 'bcast_role' as const, role } }));
    return [{ text: bt(l, 'askRole'), buttons: [[{ label: bt(l, 'allRoles'), action: { type: 'bcast_role', role: 'all' } }], roles.slice(0, 3), roles.slice(3)] }];
  }
  if (d.zh === undefined) return ((d.step = 'zh'), [{ text: bt(l, 'askZh'), buttons: skipButton(l) }]);
  if (d.en === undefined) return ((d.step = 'en'), [{ text: bt(l, 'askEn'), buttons: skipButton(l) }]);
  if (!d.linkAsked) return ((d.step = 'link'), [{ text: bt(l, 'askLink'), buttons: skipButton(l) }]);
  d.step = 'confirm';
  return preview(ctx, d);
}

async function preview(ctx: HandlerContext, d: BroadcastDraft): Promise<Reply[]> {
  const l = ctx.locale;
  const c = await ctx.services.broadcasts.store.audienceCounts(d.audience!);
  const draft = { textZh: d.zh || null, textEn: d.en || null, linkUrl: d.link ?? null };
  const versions: Reply[] = [];
  if (draft.textZh) versions.push({ ...renderBroadcast(draft, 'zh'), text: `${bt(l, 'previewOf')('中文')}\n${renderBroadcast(draft, 'zh').text}` });
  if (draft.textEn) versions.push({ ...renderBroadcast(draft, 'en'), text: `${bt(l, 'previewOf')('English')}\n${renderBroadcast(draft, 'en').text}` });
  return [
    ...versions,
    {
      text: bt(l, 'preview')(recipientsByPlatform(c, l), c.unsubscribed, c.noPush),
      buttons: [[{ label: bt(l, 'btnSend'), action: { type: 'bcast_yes' } }, { label: bt(l, 'btnCancel'), action: { type: 'bcast_no' } }]],
    },
  ];
}

/** `/broadcast [expo]` starts; `/broadcast stop N` stops a running one. */
export async function broadcastCommand(ctx: HandlerContext): Promise<Reply[]> {
  const l = ctx.locale;
  const args = (ctx.msg.text ?? '').trim();
  const stop = /^(?:stop|cancel|停止|取消)\s+#?(\d{1,9})$/i.exec(args);
  if (stop) return cancelBroadcast(ctx, Number(stop[1]));
  const mine = await organiserOf(ctx);
  if (mine.length === 0) return [{ text: bt(l, 'notOrganiser') }];
  const member = args ? mine.find((m) => m.scope === args) : mine[0];
  if (!member) return [{ text: bt(l, 'notOrganiser') }];
  delete ctx.state.lead;
  delete ctx.state.registration;
  ctx.state.broadcast = { step: 'audience', at: ctx.services.clock().toISOString(), expo: member.scope };
  return ask(ctx, ctx.state.broadcast);
}

/** A typed answer to the current step. */
export async function continueBroadcast(ctx: HandlerContext, raw: string): Promise<Reply[]> {
  const l = ctx.locale;
  const d = ctx.state.broadcast!;
  const text = raw.trim();
  if (LEAVE.test(text)) return ((delete ctx.state.broadcast), [{ text: bt(l, 'left') }]);
  if ((await organiserOf(ctx, d.expo)).length === 0) return ((delete ctx.state.broadcast), [{ text: bt(l, 'notOrganiser') }]);
  switch (d.step) {
    case 'zh':
    case 'en':
      if (SKIP.test(text)) {
        if (d.step === 'en' && !d.zh) return ((d.zh = undefined), (d.en = undefined), [{ text: bt(l, 'needOneText') }, ...(await ask(ctx, d))]);
        d[d.step] = '';
      } else if ([...raw].length > MAX_TEXT) return [{ text: bt(l, 'badText') }];
      else d[d.step] = raw.trim();
      break;
    case 'link':
      if (!SKIP.test(text)) {
        if (!/^https?:\/\/[^\s<>"]+$/i.test(text) || text.length > 500) return [{ text: bt(l, 'badLink'), buttons: skipButton(l) }];
        d.link = text;
      }
      d.linkAsked = true;
      break;
    default:
      break; // audience, role and confirm take buttons; show them again
  }
  return ask(ctx, d);
}

export async function broadcastButton(ctx: HandlerContext, a: Extract<Action, { type: 'bcast_audience' | 'bcast_role' | 'bcast_skip' | 'bcast_yes' | 'bcast_no' }>): Promise<Reply[]> {
  const l = ctx.locale;
  const d = ctx.state.broadcast;
  if (!d || !inBroadcastDialogue(ctx.state, ctx.services.clock())) return [{ text: t(l, 'buttonExpired') }];
  if ((await organiserOf(ctx, d.expo)).length === 0) return ((delete ctx.state.broadcast), [{ text: bt(l, 'notOrganiser') }]);
  if (a.type === 'bcast_no') return ((delete ctx.state.broadcast), [{ text: bt(l, 'left') }]);
  if (a.type === 'bcast_audience' && d.step === 'audience') {
    if (a.audience === 'subscribers') d.audience = { kind: 'subscribers' };
    else {
      d.step = 'role';
      d.status = a.audience;
    }
  } else if (a.type === 'bcast_role' && d.step === 'role') {
    d.audience = { kind: 'registrants', expo: d.expo, status: d.status ?? 'confirmed', ...(a.role !== 'all' ? { role: a.role } : {}) } satisfies Audience;
    d.step = 'zh';
  } else if (a.type === 'bcast_skip' && (d.step === 'zh' || d.step === 'en' || d.step === 'link')) return continueBroadcast(ctx, 'skip');
  else if (a.type === 'bcast_yes' && d.step === 'confirm') return confirm(ctx, d);
  return ask(ctx, d);
}

async function confirm(ctx: HandlerContext, d: BroadcastDraft): Promise<Reply[]> {
  const l = ctx.locale;
  const [member] = await organiserOf(ctx, d.expo);
  delete ctx.state.broadcast;
  if (!member) return [{ text: bt(l, 'notOrganiser') }];
  const b = await ctx.services.broadcasts.create({
    audience: d.audience!,
    ...(d.zh ? { textZh: d.zh } : {}),
    ...(d.en ? { textEn: d.en } : {}),
    ...(d.link ? { linkUrl: d.link } : {}),
    createdBy: member.id,
    progress: { platform: ctx.msg.platform, chat: ctx.msg.chatId, locale: l },
  });
  if (!b) return [{ text: bt(l, 'noRecipients') }];
  ctx.services.log.info('broadcast confirmed', { id: b.id, total: b.total, audience: b.audience.kind });
  return [{ text: bt(l, 'started')(b.id, b.total) }];
}

/** Stop button or `/broadcast stop N`: organisers of that expo, or whoever created it. */
export async function cancelBroadcast(ctx: HandlerContext, id: number): Promise<Reply[]> {
  const l = ctx.locale;
  const b = await ctx.services.broadcasts.store.get(id);
  if (!b || b.status !== 'sending') return [{ text: bt(l, 'cancelGone') }];
  const mine = await organiserOf(ctx);
  const allowed = mine.some((m) => m.id === b.createdBy || (b.audience.kind === 'registrants' ? m.scope === b.audience.expo : true));
  if (!allowed) return [{ text: bt(l, 'notOrganiser') }];
  return (await ctx.services.broadcasts.cancel(id)) ? [{ text: bt(l, 'cancelDone')(id) }] : [{ text: bt(l, 'cancelGone') }];
}
