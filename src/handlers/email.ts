/**
 * E-mail for web-chat subscribers, who have no chat the platform can push to. When e-mail delivery
 * is on, subscribing in the web chat also asks for an address, with what it will be used for; the
 * person's reply with an address is their explicit consent (it is given after, and only after,
 * that text). The offer lasts `OFFER_MINUTES` and ends with any other message. A sub-case of the
 * `subscribe` intent: no intent of its own.
 */
import type { Locale, Reply } from '../core/types.js';
import { normaliseAddress } from '../services/email-store.js';
import type { HandlerContext } from './context.js';

export const OFFER_MINUTES = 30;

const S = {
  offer: {
    zh: '想通过电子邮件接收平台公告、博览会提醒和您的需求进展吗？请直接回复您的邮箱地址。\n回复即表示您同意：该地址仅用于发送上述通知，不提供给任何第三方；每封邮件都附退订链接，发送“删除我的数据”即可随时删除。不需要请忽略此消息。',
    en: 'Would you like platform announcements, expo reminders and news about your requests by e-mail? Just reply with your e-mail address.\nBy replying you agree that the address is used only to send these notices and is given to no third party; every e-mail has an unsubscribe link, and "forget me" deletes it at any time. If not, just ignore this.',
  },
  saved: {
    zh: (a: string) => `好的，今后的公告和提醒将发送到 ${a}。每封邮件都附退订链接。`,
    en: (a: string) => `Done: announcements and reminders will go to ${a}. Every e-mail has an unsubscribe link.`,
  },
  invalid: {
    zh: '这个邮箱地址格式不对，请检查后重新发送（例如 name@example.com）；不需要请忽略。',
    en: 'That does not look like an e-mail address. Please check it and send it again (like name@example.com), or just ignore this.',
  },
};

/** Appended to the subscribe answer on the web when e-mail delivery is on and no address is stored yet. */
export async function emailOffer(ctx: HandlerContext): Promise<Reply[]> {
  const emails = ctx.services.emails;
  if (ctx.msg.platform !== 'web' || !emails || (await emails.has(ctx.user.id))) return [];
  ctx.state.emailOffer = ctx.services.clock().toISOString();
  return [{ text: S.offer[ctx.locale] }];
}

export function emailOfferOpen(state: HandlerContext['state'], now: Date): boolean {
  const at = state.emailOffer ? Date.parse(state.emailOffer) : NaN;
  return Number.isFinite(at) && now.getTime() - at < OFFER_MINUTES * 60_000;
}

/** While the offer is open, a message that is one word with an @ in it is taken as the answer (and checked). */
export const looksLikeAddress = (text: string) => /^\S*@\S*$/.test(text.trim()) && text.trim().length > 1;

export async function giveEmail(ctx: HandlerContext, text: string): Promise<Reply[]> {
  const address = normaliseAddress(text);
  const l: Locale = ctx.locale;
  if (!address || !ctx.services.emails) return [{ text: S.invalid[l] }];
  await ctx.services.emails.set(ctx.user.id, address, ctx.services.clock());
  delete ctx.state.emailOffer;
  return [{ text: S.saved[l](address) }];
}
