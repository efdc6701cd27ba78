/** explain_policy and alliance_info, from the checked content (content/policies, content/agencies.yaml). */
import type { Button, Locale, Reply } from '../core/types.js';
import { FIELD_LABEL, t } from '../core/strings.js';
import { PROVINCES, type Province } from '../core/intents.js';
import { PROVINCE_INFO } from '../domain/geo.js';
import type { AgencyField, PolicySection } from '../domain/policy.js';
import { chinaDay } from '../domain/expo.js';
import { formatPartialDay, validityOf, validityText } from '../domain/policy-validity.js';
import { ELIGIBILITY, NATIONAL_FIRST } from '../services/policy-topics.js';
import { PATENT_LABEL, PS } from './policy-strings.js';
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

/** What a section's dates need: today in China (from the injected clock) and the other sections (for a successor). */
export interface PolicyDay {
  today: string;
  byId: (id: string) => PolicySection | undefined;
}
const policyDay = (ctx: HandlerContext): PolicyDay => ({ today: chinaDay(ctx.services.clock()), byId: (id) => ctx.services.policies.get(id) });

function dateLines(s: PolicySection, locale: Locale, day: PolicyDay): string[] {
  const v = validityOf(s, day.today, day.byId);
  return [`${t(locale, 'policyIssued')}: ${formatPartialDay(s.issued, locale)} · ${t(locale, 'policyChecked')}: ${s.checked}`, ...(v ? [validityText(v, locale)] : [])];
}

/** One section as a message: title, body, every source (reported ones marked), dates and whether it is still in force. */
export function sectionText(s: PolicySection, locale: Locale, day: PolicyDay): string {
  const sources = sourceLines(s, locale);
  return [`【${s.title[locale]}】`, s.body[locale], ...sources.map((x) => `${t(locale, 'policySource')}: ${x}`), ...dateLines(s, locale, day)].join('\n');
}

function moreButton(p: Province, locale: Locale): Button[][] {
  return [[{ label: t(locale, 'btnMorePolicies')(provinceName(p, locale)), action: { type: 'policy_topics', province: p } }]];
}
const consultButton = (locale: Locale): Button[] => [{ label: t(locale, 'btnAskAlliance'), action: { type: 'lead_consult' } }];

export const explainPolicy: Handler = async (ctx) => {
  const { locale } = ctx;
  const province = ctx.nlu?.entities.province;
  const text = ctx.msg.text ?? '';
  if (province === null) return [{ text: t(locale, 'policyNotCovered'), buttons: provinceButtons(locale) }];
  const day = policyDay(ctx);
  if (ELIGIBILITY.test(text)) {
    const reply = eligibilityReply(ctx, province, text, day);
    if (reply) return reply;
  }
  const found = await ctx.services.policies.answer(province, text);
  if (!province && found.sections.every((s) => s.scope !== 'national' && s.scope !== 'central-region'))
    return [{ text: t(locale, 'policyWhichProvince'), buttons: provinceButtons(locale) }];
  if (found.sections.length === 0) {
    // A general question ("what policies does Hunan have?") gets the list; a specific one that nothing answers, an honest no.
    if (found.topics.length === 0) return policyTopics(ctx, province!);
    ctx.state.lastPolicyQuestion = text.slice(0, 500);
    return [{ text: t(locale, 'policyNothing')(provinceName(province!, locale)), buttons: [...moreButton(province!, locale), consultButton(locale)] }];
  }
  const more = province ? moreButton(province, locale) : [];
  // No province named, on a topic the provinces set themselves (pledge loans, awards): ask which, and show the national rules meanwhile.
  if (!province && found.sections.every((s) => s.scope === 'national') && !found.topics.every((x) => NATIONAL_FIRST.has(x)))
    return [{ text: PS.whichProvinceNational(locale), buttons: provinceButtons(locale) }, ...found.sections.map((s) => ({ text: sectionText(s, locale, day) }))];
  if (!found.exact) {
    ctx.state.lastPolicyQuestion = text.slice(0, 500);
    const place = province ? provinceName(province, locale) : '';
    return [
      { text: PS.noneOnTopic(place, found.missing.length ? found.missing : found.topics, locale) },
      ...found.sections.map((s, i) => ({ text: sectionText(s, locale, day), ...(i === found.sections.length - 1 ? { buttons: [...more, consultButton(locale)] } : {}) })),
    ];
  }
  const cityNote =
    found.city && province && !found.sections.some((s) => s.city === found.city)
      ? [{ text: PS.cityNone(locale === 'zh' ? found.city : (PROVINCE_INFO[province].cities.find((c) => c.zh === found.city)?.en.split('|')[0] ?? found.city), provinceName(province, locale), locale) }]
      : [];
  const grounded = await modelAnswer(ctx, text, found.sections, day);
  if (grounded) return [...cityNote, ...grounded];
  return [...cityNote, ...found.sections.map((s, i) => ({ text: sectionText(s, locale, day), ...(province && i === found.sections.length - 1 ? { buttons: more } : {}) }))];
};

/** "我是湖南的中小企业…能申请什么支持？": the applicable sections as a short list, each with its source and date, and who can help. */
function eligibilityReply(ctx: HandlerContext, province: Province | undefined, text: string, day: PolicyDay): Reply[] | undefined {
  const { locale } = ctx;
  const patentKind = ctx.nlu?.entities.patentType ?? undefined;
  const r = ctx.services.policies.eligible(province, text, patentKind);
  if (!r) return undefined;
  ctx.state.lastPolicyQuestion = text.slice(0, 500);
  const place = province ? provinceName(province, locale) : locale === 'zh' ? '全国' : 'China';
  const help = agenciesFor(ctx, province, text);
  const tail = help.length ? [PS.agencyLine(help, ctx.services.policies.agencies.sample, locale)] : [];
  if (r.sections.length === 0) return [{ text: [PS.eligibleNone(place, r.applicant, locale), ...tail].join('\n'), buttons: [consultButton(locale), ...(province ? moreButton(province, locale) : [])] }];
  const lines = r.sections.map((s) => {
    const src = sourceLines(s, locale)[0]!;
    const v = validityOf(s, day.today, day.byId);
    return `• 【${s.title[locale]}】${t(locale, 'policyIssued')}: ${formatPartialDay(s.issued, locale)}${v ? ` · ${validityText(v, locale)}` : ''}\n  ${t(locale, 'policySource')}: ${src}`;
  });
  const patent = patentKind ? PATENT_LABEL[patentKind]?.[locale] : undefined;
  return [
    {
      text: [PS.eligibleHead(place, r.applicant, patent, locale), ...lines, ...tail].join('\n'),
      buttons: [...r.sections.slice(0, 5).map((s) => [{ label: s.title[locale].slice(0, 60), action: { type: 'policy' as const, id: s.id } }]), consultButton(locale)],
    },
  ];
}

/** Up to two agencies of the province in the field the question is about (financing → investment, otherwise trading). */
function agenciesFor(ctx: HandlerContext, province: Province | undefined, text: string): string[] {
  const { agencies } = ctx.services.policies.agencies;
  const field: AgencyField = /质押|融资|贷款|基金|投资|pledge|loan|financ|invest|fund/i.test(text) ? 'investment' : 'trading';
  const inProvince = agencies.filter((a) => !province || a.provinces.includes(province));
  const pick = inProvince.filter((a) => a.fields.includes(field));
  return (pick.length ? pick : inProvince).slice(0, 2).map((a) => a.name[ctx.locale]);
}

/** With a model configured: a short answer from these sections only, checked, with their sources; else undefined (the sections are quoted). */
async function modelAnswer(ctx: HandlerContext, question: string, sections: PolicySection[], day: PolicyDay): Promise<Reply[] | undefined> {
  const { locale } = ctx;
  const llm = ctx.services.llm;
  if (!llm || ctx.llmDeadline?.spent || !(await llm.budget.take(ctx.user.id, ctx.services.clock()))) return undefined;
  const a = await groundedAnswer(llm.client, question, sections, locale, ctx.llmDeadline, (s) => dateLines(s, locale, day));
  if (!a) return undefined;
  const province = ctx.nlu?.entities.province ?? undefined;
  if (!a.answerable) {
    ctx.state.lastPolicyQuestion = question.slice(0, 500);
    return [{ text: a.answer, buttons: [...(province ? moreButton(province, locale) : []), consultButton(locale)] }];
  }
  const sources = a.cited.flatMap((s) => [`【${s.title[locale]}】`, ...dateLines(s, locale, day).map((x) => `  ${x}`), ...sourceLines(s, locale).map((x) => `  ${t(locale, 'policySource')}: ${x}`)]);
  return [{ text: [a.answer, '', t(locale, 'policyAiNote'), ...sources].join('\n'), ...(province ? { buttons: moreButton(province, locale) } : {}) }];
}

/** The sections on file for a province, as buttons. */
export async function policyTopics(ctx: HandlerContext, province: Province): Promise<Reply[]> {
  const { locale } = ctx;
  const sections = ctx.services.policies.of(province);
  // Rules and programmes first, reports of figures after them; the province-wide before the cities'.
  const weight = (s: PolicySection) => (s.topics.includes('results') ? 2 : 0) + (s.city ? 1 : 0);
  const listed = sections.filter((s) => !s.id.endsWith('-none')).sort((a, b) => weight(a) - weight(b));
  if (listed.length === 0) return [{ text: sections[0] ? sectionText(sections[0], locale, policyDay(ctx)) : t(locale, 'policyNothing')(provinceName(province, locale)) }];
  return [{ text: t(locale, 'policyList')(provinceName(province, locale)), buttons: listed.slice(0, 12).map((s) => [{ label: s.title[locale].slice(0, 60), action: { type: 'policy', id: s.id } }]) }];
}

export async function showPolicy(ctx: HandlerContext, id: string): Promise<Reply[]> {
  const s = ctx.services.policies.get(id);
  if (!s) return [{ text: t(ctx.locale, 'buttonExpired') }];
  return [{ text: sectionText(s, ctx.locale, policyDay(ctx)), ...((PROVINCES as readonly string[]).includes(s.scope) ? { buttons: moreButton(s.scope as Province, ctx.locale) } : {}) }];
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
