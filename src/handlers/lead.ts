/**
 * Capturing a trade lead (submit_lead): a short dialogue in the conversation state that fills what
 * is missing — type, what (a patent or a described need), province, contact, an optional note —
 * then asks for explicit consent to share the contact with one alliance agency, shows a summary
 * and, on confirmation, saves the lead together with its notification job. Refusing consent keeps
 * nothing. Entry points: free text, "I'm interested" on a search hit, "post as a demand" after a
 * search that found nothing, "ask the alliance" after a policy question nothing answered.
 */
import type { Action } from '../core/actions.js';
import { LEAD_TYPES, PROVINCES, type LeadType, type Province } from '../core/intents.js';
import { LEAD_TYPE_LABEL, lt } from '../core/lead-strings.js';
import { t } from '../core/strings.js';
import { tt } from '../core/talk-strings.js';
import type { Button, Locale, Reply } from '../core/types.js';
import { LEAVE, NO, parseContact, YES } from '../domain/contact.js';
import { findProvince, PROVINCE_INFO } from '../domain/geo.js';
import { findPatentNumber } from '../domain/patent-number.js';
import { findLeadType } from '../nlu/entities.js';
import { normalize } from '../nlu/normalize.js';
import type { LeadDraft } from '../services/user-store.js';
import { privacyLink } from './privacy-link.js';
import { ASKS_FOR_MINE, myRegistrations } from './register.js';
import type { Handler, HandlerContext } from './context.js';

export const LEAD_TTL_MS = 30 * 60_000;
const ANY = /^(?:不限|都可以|都行|无所谓|全国|any|anywhere|no preference|none|skip|跳过)[.!。！]?$/i;
const SKIP = /^(?:跳过|没有了?|无|不用了?|skip|no|none|nothing|n\/a)[.!。！]?$/i;
const len = (s: string) => [...s].length;

/** Words the classifier leaves in `query` that say how, not what. */
const FILLER = /有人|侵犯|侵权|盗用|把我|帮我|对接|我们|我的|想要|需要|寻找|一下|项目|专利|买家|卖家|技术|合作|提交|交易|需求|线索|机构|服务|发布|求购|购买|出售|转让|许可|投资|\b(?:licen[cs]e|licensing|buy|sell|selling|invest(?:ing|ment)?|cooperat\w*|partner\w*|someone|some|one|infring\w*|patents?|our|my|want|looking|for)\b/gi;

/** True when the classifier's topic words name a technology or product (≥ 2 Chinese characters or a 3-letter word beyond filler). */
export function describesSomething(query: string): boolean {
  return query
    .replace(FILLER, ' ')
    .split(/\s+/)
    .some((w) => /[\u3400-\u9fff]{2,}|[a-z]{3,}/i.test(w));
}

export function inLeadDialogue(state: { lead?: LeadDraft }, now: Date): boolean {
  return !!state.lead && now.getTime() - Date.parse(state.lead.at) < LEAD_TTL_MS;
}

const typeButtons = (locale: Locale, types: readonly LeadType[] = LEAD_TYPES.filter((x) => x !== 'consult')): Button[][] => {
  const buttons = types.map((leadType) => ({ label: LEAD_TYPE_LABEL[leadType][locale], action: { type: 'lead_type' as const, leadType } }));
  const rows: Button[][] = [];
  for (let i = 0; i < buttons.length; i += 3) rows.push(buttons.slice(i, i + 3));
  return rows;
};
const provinceButtons = (locale: Locale): Button[][] => {
  const b = PROVINCES.map((p) => ({ label: PROVINCE_INFO[p][locale === 'zh' ? 'zh' : 'en'], action: { type: 'lead_province' as const, province: p } }));
  return [b.slice(0, 3), b.slice(3), [{ label: lt(locale, 'anyProvince'), action: { type: 'lead_province', province: 'any' } }]];
};
const yesNo = (yes: string, no: string): Button[][] => [[{ label: yes, action: { type: 'lead_yes' } }, { label: no, action: { type: 'lead_no' } }]];

/** Asks for the first thing still missing. */
function ask(ctx: HandlerContext, d: LeadDraft): Reply[] {
  const { locale } = ctx;
  d.at = ctx.services.clock().toISOString();
  const step = (s: LeadDraft['step'], reply: Reply): Reply[] => ((d.step = s), [reply]);
  if (!d.type) return step('type', { text: lt(locale, 'askType'), buttons: typeButtons(locale) });
  if (!d.need && !d.patentId) return step('what', { text: lt(locale, 'askWhat')(d.type) });
  if (!d.province) return step('province', { text: lt(locale, 'askProvince'), buttons: provinceButtons(locale) });
  if (!d.phone && !d.email) return step('contact', { text: lt(locale, 'askContact') });
  if (!d.notesAsked) return step('notes', { text: lt(locale, 'askNotes'), buttons: [[{ label: lt(locale, 'btnSkip'), action: { type: 'lead_skip' } }]] });
  if (!d.consent) return step('consent', { text: lt(locale, 'askConsent'), buttons: yesNo(lt(locale, 'btnAgree'), lt(locale, 'btnDisagree')), ...privacyLink(ctx) });
  d.step = 'confirm';
  const what = [d.patentId, d.need].filter(Boolean).join(' · ');
  const province = d.province === 'any' ? lt(locale, 'anyProvince') : PROVINCE_INFO[d.province][locale === 'zh' ? 'zh' : 'en'];
  return [{ text: lt(locale, 'summary')(LEAD_TYPE_LABEL[d.type][locale], what, province, d.phone ?? d.email ?? '', d.notes ?? ''), buttons: yesNo(lt(locale, 'btnSend'), lt(locale, 'btnCancel')) }];
}

/** Starts (or restarts) the dialogue with what is already known. */
async function begin(ctx: HandlerContext, known: Partial<LeadDraft>): Promise<Reply[]> {
  const recent = await ctx.services.leads.store.recentOpen(ctx.user.id, ctx.services.clock());
  const limit = ctx.services.leads.store.dailyLimit;
  if (recent >= limit) return [{ text: lt(ctx.locale, 'limit')(limit) }];
  delete ctx.state.registration;
  const d: LeadDraft = { step: 'type', at: ctx.services.clock().toISOString(), ...known };
  const pre: Reply[] = [];
  if (d.patentId) {
    const p = await ctx.services.patents.get(d.patentId);
    if (!p) {
      pre.push({ text: lt(ctx.locale, 'patentUnknown')(d.patentId) });
      d.need = [d.need, d.patentId].filter(Boolean).join(' ');
      delete d.patentId;
    } else if (!d.province && p.province && (PROVINCES as readonly string[]).includes(p.province)) d.province = p.province as Province;
  }
  ctx.state.lead = d;
  return [...pre, ...ask(ctx, d)];
}

/** submit_lead from text ("我想购买专利CN…", "we want to license…", "有人侵权…", /lead). */
export const submitLead: Handler = async (ctx) => {
  const e = ctx.nlu?.entities ?? {};
  const text = ctx.msg.text?.trim() ?? '';
  if (ASKS_FOR_MINE.test(text)) return myRegistrations(ctx);
  const known: Partial<LeadDraft> = {};
  if (e.leadType && e.leadType !== 'consult') known.type = e.leadType;
  if (e.patentNumber) known.patentId = (await ctx.services.search.byNumber(e.patentNumber).catch(() => []))[0]?.id ?? e.patentNumber;
  if (e.province) known.province = e.province;
  // The sentence itself describes the need when it names something beyond "I want to buy".
  if (e.query && describesSomething(e.query) && len(text) <= 500) known.need = text;
  return begin(ctx, known);
};

/** "I'm interested" on a search result. */
export async function interestLead(ctx: HandlerContext, patentId: string): Promise<Reply[]> {
  if (!(await ctx.services.patents.get(patentId))) return [{ text: t(ctx.locale, 'patentNotFound')(patentId) }];
  await ctx.services.users.recordInterest(ctx.user.id, patentId);
  const replies = await begin(ctx, { patentId });
  if (ctx.state.lead?.step === 'type') return [{ ...replies[replies.length - 1]!, buttons: typeButtons(ctx.locale, ['buy', 'license', 'invest', 'cooperate']) }];
  return replies;
}

export async function demandLead(ctx: HandlerContext): Promise<Reply[]> {
  const need = ctx.state.lastFailedSearch;
  return begin(ctx, { type: 'demand', ...(need ? { need } : {}) });
}

/**
 * "人工客服", "talk to a person": a consult lead whose request is a summary of this conversation —
 * only what the person wrote to the bot (this message, the last search, an unanswered policy
 * question); the contact is asked for, with consent, by the dialogue as for any lead.
 */
export async function handOver(ctx: HandlerContext): Promise<Reply[]> {
  const { locale, state } = ctx;
  const summary = [
    `${tt(locale, 'handoverSummary')}: ${ctx.msg.text?.trim() ?? ''}`,
    state.lastSearch || state.lastFailedSearch ? `${tt(locale, 'handoverLastSearch')}: ${state.lastFailedSearch ?? state.lastSearch!.text}` : '',
    state.lastPolicyQuestion ? `${tt(locale, 'handoverPolicy')}: ${state.lastPolicyQuestion}` : '',
  ]
    .filter(Boolean)
    .join('\n');
  const replies = await begin(ctx, { type: 'consult', need: [...summary].slice(0, 500).join('') });
  // The daily limit answers alone; otherwise say what happens before the first question.
  return ctx.state.lead ? [{ text: tt(locale, 'handover') }, ...replies] : replies;
}

export async function consultLead(ctx: HandlerContext): Promise<Reply[]> {
  const need = ctx.state.lastPolicyQuestion;
  return begin(ctx, { type: 'consult', ...(need ? { need } : {}) });
}

/** A typed answer to the current step. */
export async function continueLead(ctx: HandlerContext, raw: string): Promise<Reply[]> {
  const { locale } = ctx;
  const d = ctx.state.lead!;
  const text = raw.trim();
  if (LEAVE.test(text)) {
    delete ctx.state.lead;
    return [{ text: lt(locale, 'left') }];
  }
  switch (d.step) {
    case 'type': {
      const type = findLeadType(normalize(text))?.leadType;
      if (!type) return [{ text: lt(locale, 'askType'), buttons: typeButtons(locale) }];
      d.type = type;
      break;
    }
    case 'what': {
      const number = findPatentNumber(text)?.value;
      if (number) {
        const [hit] = await ctx.services.search.byNumber(number).catch(() => []);
        if (hit) {
          d.patentId = hit.id;
          if (len(text) > number.length + 4) d.need = text.slice(0, 500);
          break;
        }
      }
      if (len(text) < 4 || len(text) > 500) return [{ text: lt(locale, 'badWhat') }];
      d.need = text;
      break;
    }
    case 'province': {
      if (ANY.test(text)) d.province = 'any';
      else {
        const p = findProvince(text)?.province;
        if (!p) return [{ text: lt(locale, 'badProvince'), buttons: provinceButtons(locale) }];
        d.province = p;
      }
      break;
    }
    case 'contact': {
      const c = parseContact(text);
      if (!c) return [{ text: lt(locale, 'badContact') }];
      Object.assign(d, { phone: c.phone, email: c.email });
      break;
    }
    case 'notes':
      if (!SKIP.test(text)) {
        if (len(text) > 500) return [{ text: lt(locale, 'badNotes') }];
        d.notes = text;
      }
      d.notesAsked = true;
      break;
    case 'consent':
      if (YES.test(text)) return answer(ctx, true);
      if (NO.test(text)) return answer(ctx, false);
      break;
    case 'confirm':
      if (YES.test(text)) return answer(ctx, true);
      if (NO.test(text)) return answer(ctx, false);
      return [{ text: lt(locale, 'useButtons'), buttons: ask(ctx, d)[0]!.buttons! }];
  }
  return ask(ctx, d);
}

/** Buttons of the dialogue. A button from an old or finished dialogue answers "expired". */
export async function leadButton(ctx: HandlerContext, a: Extract<Action, { type: 'lead_type' | 'lead_province' | 'lead_skip' | 'lead_yes' | 'lead_no' }>): Promise<Reply[]> {
  const d = ctx.state.lead;
  const expected = { lead_type: 'type', lead_province: 'province', lead_skip: 'notes' } as const;
  if (!d || !inLeadDialogue(ctx.state, ctx.services.clock())) return [{ text: t(ctx.locale, 'buttonExpired') }];
  if (a.type === 'lead_yes' || a.type === 'lead_no') {
    if (d.step !== 'consent' && d.step !== 'confirm') return ask(ctx, d);
    return answer(ctx, a.type === 'lead_yes');
  }
  if (d.step !== expected[a.type]) return ask(ctx, d);
  if (a.type === 'lead_type') d.type = a.leadType;
  if (a.type === 'lead_province') d.province = a.province;
  if (a.type === 'lead_skip') d.notesAsked = true;
  return ask(ctx, d);
}

async function answer(ctx: HandlerContext, yes: boolean): Promise<Reply[]> {
  const { locale } = ctx;
  const d = ctx.state.lead!;
  if (!yes) {
    delete ctx.state.lead;
    return [{ text: lt(locale, d.step === 'consent' ? 'noConsent' : 'left') }];
  }
  if (d.step === 'consent') {
    d.consent = true;
    return ask(ctx, d);
  }
  delete ctx.state.lead;
  const res = await ctx.services.leads.submit({
    userId: ctx.user.id,
    type: d.type!,
    locale,
    sourceKey: `${ctx.msg.platform}:${ctx.msg.updateId}`,
    ...(d.patentId ? { patentId: d.patentId } : {}),
    ...(d.need ? { need: d.need } : {}),
    ...(d.province && d.province !== 'any' ? { province: d.province } : {}),
    ...(d.phone ? { phone: d.phone } : {}),
    ...(d.email ? { email: d.email } : {}),
    ...(d.notes ? { notes: d.notes } : {}),
  });
  if (res.kind === 'limit') return [{ text: lt(locale, 'limit')(res.limit) }];
  return [{ text: lt(locale, 'sent')(res.lead.ref) }];
}
