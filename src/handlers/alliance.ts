/**
 * alliance_info, by what the message asks: a person to talk to (a consult lead for the alliance,
 * carrying a summary of the conversation), a question about the platform answered from
 * content/faq.yaml with its sources, or else the member agencies (handlers/policy.ts).
 * The cue lists are small on purpose: the classifier already decided this is about the alliance.
 */
import { tt } from '../core/talk-strings.js';
import type { Locale, Reply } from '../core/types.js';
import type { FaqEntry } from '../domain/faq.js';
import type { Handler } from './context.js';
import { handOver } from './lead.js';
import { allianceInfo } from './policy.js';

export const HANDOVER = /人工|真人|客服人员|在线客服|转接|找个人|\b(?:talk|speak|chat)\s+(?:to|with)\s+(?:a\s+|an\s+|some\s?one|real\s+)?(?:person|human|someone|agent|staff)\b|\bhuman\b|\bcustomer service\b|\boperator\b/i;

/** FAQ entry id → what asking for it sounds like. */
const FAQ_CUES: [string, RegExp][] = [
  ['transfer', /转让.{0,8}(?:流程|步骤|手续|怎么|如何|办理)|(?:怎么|如何|怎样).{0,6}转让|\btransfer\w*\b.{0,30}\b(?:work|process|procedure|steps)\b|\bhow\b.{0,30}\b(?:transfer|assign)\w*/i],
  ['licence', /许可.{0,8}(?:流程|步骤|手续|怎么|如何|办理|备案)|(?:怎么|如何|怎样).{0,6}许可|\blicen[cs]\w*\b.{0,30}\b(?:work|process|procedure|steps)\b|\bhow\b.{0,30}\blicen[cs]\w*/i],
  ['contact', /(?:怎么|如何|怎样)联系|联系(?:你们|平台|方式|电话|客服)|电话|地址|在哪(?:里)?办公|\bcontact\b|\breach you\b|\bget in touch\b|\bphone number\b|\baddress\b/i],
];

export function faqText(e: FaqEntry, locale: Locale, sample: boolean): string {
  return [
    `【${e.question[locale]}】`,
    e.answer[locale],
    `${tt(locale, 'faqSources')}:`,
    ...e.sources.map((s) => `• ${s.title}${s.url ? ` ${s.url}` : ''}`),
    `${tt(locale, 'faqChecked')}: ${e.checked}`,
    e.id === 'contact' && sample ? tt(locale, 'faqSample') : '',
  ]
    .filter(Boolean)
    .join('\n');
}

export const allianceQuestion: Handler = async (ctx): Promise<Reply[]> => {
  const text = ctx.msg.text ?? '';
  if (HANDOVER.test(text)) return handOver(ctx);
  const faq = ctx.services.faq;
  const entry = faq && FAQ_CUES.map(([id, re]) => (re.test(text) ? faq.entries.find((e) => e.id === id) : undefined)).find(Boolean);
  if (entry) return [{ text: faqText(entry, ctx.locale, faq.sample) }];
  return allianceInfo(ctx);
};
