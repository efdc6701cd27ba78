/**
 * Dispatch tables. `Record<Intent, Handler>` and the action table make a missing case a compile
 * error when an intent or a button type is added.
 */
import type { Action } from '../core/actions.js';
import type { Intent } from '../core/intents.js';
import type { Reply } from '../core/types.js';
import { forgetCancel, forgetConfirm, forgetMe, newChat, setLanguage, subscribe, unsubscribe } from './account.js';
import { allianceQuestion } from './alliance.js';
import { greet, help, unknown } from './basic.js';
import { consultLead, demandLead, interestLead, leadButton, submitLead } from './lead.js';
import { claimLead, leadStatusButton, passLead } from './staff.js';
import { broadcastButton, cancelBroadcast } from './broadcast.js';
import { t } from '../core/strings.js';
import type { Handler, HandlerContext } from './context.js';
import { expoInfo } from './expo.js';
import { answerNo, answerYes, askCancel, cancelRegistration, chooseExpo, chooseRole, confirmCancel, myRegistrations, registerExpo } from './register.js';
import { explainPolicy, policyTopics, showPolicy } from './policy.js';
import { nextPage, patentDetail, searchPatents, showPatent } from './search.js';
import { looksLikePolicyQuestion } from '../services/policy-topics.js';

export const INTENT_HANDLERS: Record<Intent, Handler> = {
  greet,
  help,
  // A "search" that names a policy instrument and no technology ("河南专利奖", "专利保险") is a policy question (src/nlu is not ours to change).
  search_patents: (ctx) => (looksLikePolicyQuestion(ctx.msg.text ?? '') ? explainPolicy(ctx) : searchPatents(ctx)),
  patent_detail: patentDetail,
  explain_policy: explainPolicy,
  expo_info: expoInfo,
  register_expo: registerExpo,
  cancel_registration: cancelRegistration,
  my_registrations: myRegistrations,
  submit_lead: submitLead,
  alliance_info: allianceQuestion,
  subscribe,
  unsubscribe,
  forget_me: forgetMe,
  unknown,
};

type ActionOf<T extends Action['type']> = Extract<Action, { type: T }>;
export const ACTION_HANDLERS: { [T in Action['type']]: (ctx: HandlerContext, a: ActionOf<T>) => Promise<Reply[]> } = {
  detail: (ctx, a) => showPatent(ctx, a.patentId),
  interest: (ctx, a) => interestLead(ctx, a.patentId),
  more: (ctx, a) => nextPage(ctx, a.page),
  help: (ctx) => help(ctx),
  subscribe: (ctx) => subscribe(ctx),
  unsubscribe: (ctx) => unsubscribe(ctx),
  forget_confirm: (ctx) => forgetConfirm(ctx),
  forget_cancel: (ctx) => forgetCancel(ctx),
  new_chat: (ctx) => newChat(ctx),
  lang: (ctx, a) => setLanguage(ctx, a.locale),
  policy_topics: (ctx, a) => policyTopics(ctx, a.province),
  policy: (ctx, a) => showPolicy(ctx, a.id),
  reg_expo: (ctx, a) => chooseExpo(ctx, a.slug),
  reg_role: (ctx, a) => chooseRole(ctx, a.role),
  reg_yes: (ctx) => answerYes(ctx),
  reg_no: (ctx) => answerNo(ctx),
  reg_cancel: (ctx, a) => askCancel(ctx, a.id),
  reg_cancel_yes: (ctx, a) => confirmCancel(ctx, a.id),
  lead_type: leadButton,
  lead_province: leadButton,
  lead_skip: leadButton,
  lead_yes: leadButton,
  lead_no: leadButton,
  lead_demand: (ctx) => demandLead(ctx),
  lead_consult: (ctx) => consultLead(ctx),
  lead_claim: (ctx, a) => claimLead(ctx, a.offerId),
  lead_pass: (ctx, a) => passLead(ctx, a.offerId),
  lead_status: (ctx, a) => leadStatusButton(ctx, a.leadId, a.status),
  broadcast_cancel: (ctx, a) => cancelBroadcast(ctx, a.id),
  bcast_audience: broadcastButton,
  bcast_role: broadcastButton,
  bcast_skip: broadcastButton,
  bcast_yes: broadcastButton,
  bcast_no: broadcastButton,
};

export function dispatchAction(ctx: HandlerContext, a: Action): Promise<Reply[]> {
  return (ACTION_HANDLERS[a.type] as (ctx: HandlerContext, a: Action) => Promise<Reply[]>)(ctx, a);
}

/** `/language en`, `/language 中文`, or `/language` alone (offers both as buttons). */
export async function chooseLanguage(ctx: HandlerContext, args: string): Promise<Reply[]> {
  const a = args.trim().toLowerCase();
  if (/^(en|english|英文|英语)$/.test(a)) return setLanguage(ctx, 'en');
  if (/^(zh|cn|chinese|中文|汉语|简体中文)$/.test(a)) return setLanguage(ctx, 'zh');
  return [
    {
      text: t(ctx.locale, 'languageAsk'),
      buttons: [[{ label: '中文', action: { type: 'lang', locale: 'zh' } }, { label: 'English', action: { type: 'lang', locale: 'en' } }]],
    },
  ];
}

