/** explain_policy and alliance_info, from the checked content (content/policies, content/agencies.yaml). */
import type { Button, Locale, Reply } from '../core/types.js';
import { FIELD_LABEL, t } from '../core/strings.js';
import { PROVINCES, type Province } from '../core/intents.js';
import { PROVINCE_INFO } from '../domain/geo.js';
import type { AgencyField, PolicySection } from '../domain/policy.js';
import { detectTopics } from '../services/policy-service.js';
import { groundedAnswer } from '../llm/grounded-policy.js';
import type { Handler, HandlerContext } from './context.js';

const provinceName = (p: Province, locale: Locale) => (locale === 'zh' ? PROVINCE_INFO[p].zhFull : PROVINCE_INFO[p].en);

const provinceButtons = (locale: Locale): Button[][] => [
  PROVINCES.slice(0, 3).map((p) => ({ label: provinceName(p, locale), action: { type: 'policy_topics' as const, province: p } })),
  PROVINCES.slice(3).map((p) => ({ label: provinceName(p, locale), action: { type: 'policy_topics' as const, province: p } })),
];

function sourceLines(s: PolicySection, locale: Locale): string[] {
  return s.sources.map((src) => {
    const name = [src.title, src.issuer].filter(Boolean).join(locale === 'zh' ? '，' : ', ');
    return `${src.reported ? `${t(locale, 'policyReported')}: ` : ''}${name}${src.url ? ` ${src.url}` : ''}`;
  });
}

/** One section as a message: title, body, every source (reported ones marked), dates. */
export function sectionText(s: PolicySection, locale: Locale): string {
  const sources = sourceLines(s, locale);
  return [
    `【${s.title[locale]}】`,
    s.body[locale],
    ...sources.map((x) => `${t(locale, 'policySource')}: ${x}`),
    `${t(locale, 'policyIssued')}: ${s.issued} · ${t(locale, 'policyChecked')}: ${s.checked}`,
  ].join('\n');
}

function moreButton(p: Province, locale: Locale): Button[][] {
  return [[{ label: t(locale, 'btnMorePolicies')(provinceName(p, locale)), action: { type: 'policy_topics', province: p } }]];
}

export const explainPolicy: Handler = async (ctx) => {
  const { locale } = ctx;
  const province = ctx.nlu?.entities.province;
  const text = ctx.msg.text ?? '';
  if (province === null) return [{ text: t(locale, 'policyNotCovered'), buttons: provinceButtons(locale) }];
  const found = await ctx.services.policies.find(province, text);
  if (!province && found.every((s) => s.scope !== 'national' && s.scope !== 'central-region'))
    return [{ text: t(locale, 'policyWhichProvince'), buttons: provinceButtons(locale) }];
  if (found.length === 0) {
    // A general question ("what policies does Hunan have?") gets the list; a specific one that nothing answers, an honest no.
    if (detectTopics(text).length === 0) return policyTopics(ctx, province!);
    ctx.state.lastPolicyQuestion = text.slice(0, 500);
    return [{ text: t(locale, 'policyNothing')(provinceName(province!, locale)), buttons: [...moreButton(province!, locale), [{ label: t(locale, 'btnAskAlliance'), action: { type: 'lead_consult' } }]] }];
  }
  const grounded = await modelAnswer(ctx, text, found);
  if (grounded) return grounded;
  return found.map((s, i) => ({ text: sectionText(s, locale), ...(province && i === found.length - 1 ? { buttons: moreButton(province, locale) } : {}) }));
};

/** With a model configured: a short answer from these sections only, checked, with their sources; else undefined (the sections are quoted). */
async function modelAnswer(ctx: HandlerContext, question: string, sections: PolicySection[]): Promise<Reply[] | undefined> {
  const { locale } = ctx;
  const llm = ctx.services.llm;
  if (!llm || ctx.llmDeadline?.spent || !(await llm.budget.take(ctx.user.id, ctx.services.clock()))) return undefined;
  const a = await groundedAnswer(llm.client, question, sections, locale, ctx.llmDeadline);
  if (!a) return undefined;
  const province = ctx.nlu?.entities.province ?? undefined;
  if (!a.answerable) {
    ctx.state.lastPolicyQuestion = question.slice(0, 500);
    return [{ text: a.answer, buttons: [...(province ? moreButton(province, locale) : []), [{ label: t(locale, 'btnAskAlliance'), action: { type: 'lead_consult' } }]] }];
  }
  const sources = a.cited.flatMap((s) => [`【${s.title[locale]}】${t(locale, 'policyIssued')}: ${s.issued}`, ...sourceLines(s, locale).map((x) => `  ${t(locale, 'policySource')}: ${x}`)]);
  return [{ text: [a.answer, '', t(locale, 'policyAiNote'), ...sources].join('\n'), ...(province ? { buttons: moreButton(province, locale) } : {}) }];
}

/** The sections on file for a province, as buttons. */
export async function policyTopics(ctx: HandlerContext, province: Province): Promise<Reply[]> {
  const { locale } = ctx;
  const sections = ctx.services.policies.of(province);
  const listed = sections.filter((s) => !s.id.endsWith('-none'));
  if (listed.length === 0) return [{ text: sections[0] ? sectionText(sections[0], locale) : t(locale, 'policyNothing')(provinceName(province, locale)) }];
  return [{ text: t(locale, 'policyList')(provinceName(province, locale)), buttons: listed.slice(0, 10).map((s) => [{ label: s.title[locale].slice(0, 60), action: { type: 'policy', id: s.id } }]) }];
}

export async function showPolicy(ctx: HandlerContext, id: string): Promise<Reply[]> {
  const s = ctx.services.policies.get(id);
  if (!s) return [{ text: t(ctx.locale, 'buttonExpired') }];
  return [{ text: sectionText(s, ctx.locale), ...((PROVINCES as readonly string[]).includes(s.scope) ? { buttons: moreButton(s.scope as Province, ctx.locale) } : {}) }];
}

const FIELD_CUES: [AgencyField, RegExp][] = [
  ['information', /信息|检索|分析|导航|information|search|analytics|landscap/i],
  ['trading', /交易|转让|许可|买|卖|估值|评估|trad|transfer|licen|valuation|buy|sell/i],
  ['agency', /代理|律师|申请|撰写|attorney|agent|agency|filing|draft/i],
  ['investment', /投资|融资|基金|invest|fund|financ/i],
  ['protection', /维权|侵权|保护|诉讼|enforce|infring|protect|litigat/i],
];

export const allianceInfo: Handler = async (ctx) => {
  const { locale } = ctx;
  const text = ctx.msg.text ?? '';
  const { agencies, sample } = ctx.services.policies.agencies;
  const fields = FIELD_CUES.filter(([, re]) => re.test(text)).map(([f]) => f);
  const province = ctx.nlu?.entities.province ?? undefined;
  const matching = agencies.filter((a) => (!fields.length || a.fields.some((f) => fields.includes(f))) && (!province || a.provinces.includes(province)));
  const shown = matching.length ? matching : agencies;
  const head = [t(locale, 'allianceIntro'), matching.length ? t(locale, 'allianceMatches')(matching.length) : t(locale, 'allianceNone'), sample ? t(locale, 'allianceSample') : '']
    .filter(Boolean)
    .join('\n');
  return [
    {
      text: head,
      items: shown.slice(0, 8).map((a) => ({
        title: a.name[locale],
        lines: [
          a.services[locale],
          `${a.fields.map((f) => FIELD_LABEL[f]![locale]).join(locale === 'zh' ? '、' : ', ')} · ${a.provinces.map((p) => provinceName(p, locale)).join(locale === 'zh' ? '、' : ', ')}`,
        ],
      })),
    },
  ];
};
