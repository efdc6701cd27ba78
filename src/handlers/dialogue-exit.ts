/**
 * A clear new request in the middle of a dialogue ("我要报名" while the lead dialogue asks for a
 * province) leaves the dialogue, saying so, instead of being taken as the answer. Only a confident
 * classification of a request of another kind counts, and never a text that answers the step
 * asked (a province, a contact, yes/no, a lead type, a patent number) or is short enough to be one
 * (湖南, 不限, 张三): a name or a described need stays the answer.
 */
import type { Intent, NluResult } from '../core/intents.js';
import { tt } from '../core/talk-strings.js';
import type { Reply } from '../core/types.js';
import { LEAVE, NO, parseContact, YES } from '../domain/contact.js';
import { findProvince } from '../domain/geo.js';
import { findPatentNumber } from '../domain/patent-number.js';
import { findLeadType } from '../nlu/entities.js';
import { normalize } from '../nlu/normalize.js';
import type { HandlerContext } from './context.js';
import { inLeadDialogue } from './lead.js';
import { inDialogue, namesRole } from './register.js';

/** Requests clear enough to leave a dialogue for; search and small talk are not (a need or a name reads like them). */
const LEAVES_FOR: ReadonlySet<Intent> = new Set<Intent>(['register_expo', 'cancel_registration', 'my_registrations', 'explain_policy', 'expo_info', 'submit_lead', 'alliance_info', 'help', 'forget_me']);
export const EXIT_CONFIDENCE = 0.9;
const ORGANISATION = /(?:公司|集团|局|厅|委员会|研究院|研究所|设计院|大学|学院|中心|事务所|协会|工厂|厂|银行|基金)$|\b(?:ltd|inc|llc|co|corp|gmbh|university|institute|college|centre|center|bank|fund)\.?$/i;
/** Shorter texts are always taken as the answer. */
const MIN_CHARS = 4;

function answersStep(text: string): boolean {
  return (
    LEAVE.test(text) ||
    YES.test(text) ||
    NO.test(text) ||
    !!parseContact(text) ||
    !!findPatentNumber(text) ||
    // A province or city alone (湖南, 长沙市) answers the province step.
    (!!findProvince(text) && [...text].length <= 6) ||
    // An organisation's name answers the organisation step, whatever words it contains.
    ORGANISATION.test(text)
  );
}

/**
 * Leaves the open registration or lead dialogue when `text` is a clear new request; returns the
 * note saying so (to go before the new request's answer), or undefined when the text is the answer.
 */
export function leaveDialogue(ctx: HandlerContext, text: string, classify: (text: string) => NluResult, now: Date): Reply | undefined {
  const registering = inDialogue(ctx.state, now);
  const leading = !registering && inLeadDialogue(ctx.state, now);
  if (!registering && !leading) return undefined;
  if ([...text].length < MIN_CHARS || answersStep(text)) return undefined;
  const { intent, confidence } = classify(text);
  if (confidence < EXIT_CONFIDENCE || !LEAVES_FOR.has(intent)) return undefined;
  // Asking for the same kind of thing again belongs to the dialogue ("求购污水处理技术" as a lead's need).
  if (registering && (intent === 'register_expo' || (ctx.state.registration!.step === 'role' && namesRole(text)))) return undefined;
  if (leading && (intent === 'submit_lead' || (ctx.state.lead!.step === 'type' && findLeadType(normalize(text))))) return undefined;
  if (registering) {
    delete ctx.state.registration;
    return { text: tt(ctx.locale, 'leftRegistration') };
  }
  delete ctx.state.lead;
  return { text: tt(ctx.locale, 'leftLead') };
}
