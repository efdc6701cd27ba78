/** The policy answers' own wording (topic names, the honest "none on file" lines, the eligibility list), zh and en. */
import type { Locale } from '../core/types.js';
import type { ApplicantKind, PolicyTopic } from '../domain/policy.js';

export const TOPIC_LABEL: Record<PolicyTopic, { zh: string; en: string }> = {
  plan: { zh: '专项行动方案', en: 'action plans' },
  subsidy: { zh: '专利资助与补贴', en: 'patent subsidies' },
  award: { zh: '专利奖', en: 'patent awards' },
  'pledge-financing': { zh: '专利质押融资', en: 'patent pledge financing' },
  tax: { zh: '税收优惠', en: 'tax relief' },
  fund: { zh: '专项资金与基金', en: 'funds' },
  incubator: { zh: '孵化与产业化基地', en: 'incubators and bases' },
  university: { zh: '高校专利转化', en: 'university patent conversion' },
  'cross-province': { zh: '跨省合作', en: 'cross-province cooperation' },
  matchmaking: { zh: '对接活动', en: 'matchmaking' },
  'open-licence': { zh: '专利开放许可', en: 'open patent licensing' },
  insurance: { zh: '专利保险', en: 'patent insurance' },
  'transfer-institution': { zh: '技术转移与技术交易', en: 'technology transfer and trading' },
  talent: { zh: '发明人与人才奖励', en: 'rewards for inventors and talent' },
  protection: { zh: '知识产权保护', en: 'IP protection' },
  results: { zh: '成效数据', en: 'results' },
};

const APPLICANT_LABEL: Record<ApplicantKind, { zh: string; en: string }> = {
  any: { zh: '申请人', en: 'applicant' },
  firm: { zh: '企业', en: 'firm' },
  sme: { zh: '中小企业', en: 'SME' },
  'high-tech-firm': { zh: '高新技术企业', en: 'high-tech firm' },
  university: { zh: '高校', en: 'university' },
  institute: { zh: '科研院所', en: 'research institute' },
  individual: { zh: '个人', en: 'individual' },
  bank: { zh: '银行', en: 'bank' },
  agency: { zh: '服务机构', en: 'service agency' },
};

const join = (topics: PolicyTopic[], locale: Locale) => topics.map((x) => TOPIC_LABEL[x][locale]).join(locale === 'zh' ? '、' : ', ');

export const PS = {
  noneOnTopic: (place: string, topics: PolicyTopic[], locale: Locale) =>
    locale === 'zh'
      ? `${place}暂无关于${join(topics, locale)}的已核实政策条目。以下是${place}最接近的条目，以及全国适用的规则：`
      : `No verified ${place} section on ${join(topics, locale)} is on file. Here are the closest ${place} sections, and national rules that apply everywhere:`,
  whichProvinceNational: (locale: Locale) =>
    locale === 'zh' ? '请问您想了解哪个省的专利转化政策？以下先列出全国适用的规则：' : 'Which province’s policies would you like to read about? Meanwhile, here are the national rules that apply everywhere:',
  cityNone: (city: string, province: string, locale: Locale) =>
    locale === 'zh' ? `${city}暂无单独收录的条目，以下为${province}的政策：` : `Nothing on file for ${city} itself; here is what applies across ${province}:`,
  eligibleHead: (place: string, applicant: ApplicantKind, patent: string | undefined, locale: Locale) =>
    locale === 'zh'
      ? `按来源载明的申请对象，${place}的${APPLICANT_LABEL[applicant].zh}${patent ? `（${patent}）` : ''}可以参考这些条目（以原文为准）：`
      : `By who may apply as the sources state it, these sections fit ${/^(?:[aeio]|SME)/.test(APPLICANT_LABEL[applicant].en) ? 'an' : 'a'} ${APPLICANT_LABEL[applicant].en}${patent ? ` (${patent})` : ''} in ${place} (the originals prevail):`,
  eligibleNone: (place: string, applicant: ApplicantKind, locale: Locale) =>
    locale === 'zh'
      ? `已收录的${place}条目中，没有来源载明面向${APPLICANT_LABEL[applicant].zh}的支持政策。可以把问题转给联盟机构咨询。`
      : `No section on file for ${place} has a source that names ${APPLICANT_LABEL[applicant].en}s among those who may apply. You can pass the question to an alliance agency.`,
  agencyLine: (names: string[], sample: boolean, locale: Locale) =>
    locale === 'zh'
      ? `可协助办理的联盟机构：${names.join('、')}${sample ? '（示例数据）' : ''}。点“转给联盟机构咨询”，由机构与您联系。`
      : `Alliance agencies that can help: ${names.join(', ')}${sample ? ' (sample data)' : ''}. Press "Ask an alliance agency" and one will contact you.`,
};

export const PATENT_LABEL: Record<string, { zh: string; en: string }> = {
  invention: { zh: '发明专利', en: 'invention patents' },
  utility_model: { zh: '实用新型专利', en: 'utility models' },
  design: { zh: '外观设计专利', en: 'designs' },
};
