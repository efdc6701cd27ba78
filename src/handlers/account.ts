/** subscribe, unsubscribe, forget_me and the language switch. */
import { t } from '../core/strings.js';
import { tt } from '../core/talk-strings.js';
import type { Locale, Reply } from '../core/types.js';
import type { Handler, HandlerContext } from './context.js';
import { emailOffer } from './email.js';

export const subscribe: Handler = async (ctx) => {
  const changed = await ctx.services.users.setSubscribed(ctx.user.id, true);
  return [{ text: t(ctx.locale, changed ? 'subscribed' : 'alreadySubscribed') }, ...(await emailOffer(ctx))];
};

export const unsubscribe: Handler = async (ctx) => {
  const changed = await ctx.services.users.setSubscribed(ctx.user.id, false);
  return [{ text: t(ctx.locale, changed ? 'unsubscribed' : 'notSubscribed') }];
};

/** Deleting is irreversible, so it takes a second, explicit step. */
export const forgetMe: Handler = async (ctx) => {
  ctx.state.pendingForget = true;
  return [
    {
      text: t(ctx.locale, 'forgetAsk'),
      buttons: [[
        { label: t(ctx.locale, 'btnConfirmDelete'), action: { type: 'forget_confirm' } },
        { label: t(ctx.locale, 'btnCancel'), action: { type: 'forget_cancel' } },
      ]],
    },
  ];
};

export async function forgetConfirm(ctx: HandlerContext): Promise<Reply[]> {
  if (!ctx.state.pendingForget) return [{ text: t(ctx.locale, 'buttonExpired') }];
  await ctx.services.registrations.anonymise(ctx.user.id);
  await ctx.services.leads.store.anonymise(ctx.user.id);
  await ctx.services.users.forget(ctx.user.id);
  ctx.forgotten = true;
  return [{ text: t(ctx.locale, 'forgotten') }];
}

export async function forgetCancel(ctx: HandlerContext): Promise<Reply[]> {
  delete ctx.state.pendingForget;
  return [{ text: t(ctx.locale, 'forgetCancelled') }];
}

export async function setLanguage(ctx: HandlerContext, locale: Locale): Promise<Reply[]> {
  await ctx.services.users.setLocale(ctx.user.id, locale, true);
  return [{ text: t(locale, 'languageSet') }];
}

/**
 * "新对话 New chat" on the web page: a new conversation for the same person. Open dialogues, the
 * last search and pending questions go; the person, their registrations, leads, subscription and
 * language stay (forget_me is the way to go).
 */
export async function newChat(ctx: HandlerContext): Promise<Reply[]> {
  for (const key of Object.keys(ctx.state) as (keyof typeof ctx.state)[]) delete ctx.state[key];
  return [{ text: tt(ctx.locale, 'newChat') }];
}
