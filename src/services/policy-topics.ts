/**
 * How people ask about policies, mapped to the content's topics and applicant kinds. The NLU decides
 * the intent; these cues pick sections inside explain_policy, and `looksLikePolicyQuestion` lets a
 * message that the classifier took for a patent search ("河南专利奖", "专利保险") reach the policies
 * when it names a policy instrument and no technology.
 */
import type { ApplicantKind, PolicyTopic } from '../domain/policy.js';

const TOPIC_CUES: [PolicyTopic, RegExp][] = [
  ['subsidy', /补贴|补助|资助|奖补|报销|后补助|扶持资金|支持资金|subsid|grant|reimburs|funding/i],
  ['award', /专利奖|奖励|奖项|奖金|获奖|金奖|评奖|\bawards?\b|\bprizes?\b/i],
  ['pledge-financing', /质押|融资|贷款|专利贷|贴息|pledge|loan|financ/i],
  ['tax', /税|\btax|\bvat\b/i],
  ['fund', /基金|\bfunds?\b/i],
  ['open-licence', /开放许可|先用后付|open[- ]?licen[cs]|use first/i],
  ['insurance', /保险|insur/i],
  ['transfer-institution', /技术转移|技术交易|技术市场|交易所|交易市场|中介|转移机构|transfer (?:cent(?:re|er)|institution)|technology (?:market|exchange|transaction)|intermediar/i],
  ['talent', /人才|发明人|奖酬|报酬|科研人员|inventors?\b|talent|researchers?\b/i],
  ['protection', /保护中心|维权|侵权|protection cent|infring|enforcement/i],
  ['incubator', /孵化|基地|园区|产业化|incubat|industriali[sz]ation|\bbase/i],
  ['university', /高校|大学|院校|科研院所|universit|college/i],
  ['cross-province', /跨省|跨区域|六省|中部|互认|cross-province|central region|six provinces/i],
  ['matchmaking', /对接|撮合|路演|matchmak/i],
  ['plan', /方案|规划|计划|目标|行动|\bplan|target|action/i],
];

/** Selling or licensing a patent, with no other instrument named: the sections on technology transactions (open licensing comes in as related). */
const TRANSACTION = /转让|许可|卖|licen[cs]|transfer|sell/i;

export function detectTopics(text: string): PolicyTopic[] {
  const found = TOPIC_CUES.filter(([, re]) => re.test(text)).map(([t]) => t);
  if (TRANSACTION.test(text) && !found.some((t) => t !== 'university' && t !== 'plan')) found.push('transfer-institution');
  return found;
}

/** Topics whose rules are national in the first place: when a province has none of its own, the national rules come first. */
export const NATIONAL_FIRST = new Set<PolicyTopic>(['tax', 'open-licence', 'insurance']);

/** When the province has nothing on a topic, these are the closest things to show. */
export const RELATED_TOPICS: Record<PolicyTopic, PolicyTopic[]> = {
  subsidy: ['pledge-financing', 'award', 'fund', 'transfer-institution'],
  award: ['subsidy', 'talent'],
  'pledge-financing': ['subsidy', 'fund', 'insurance'],
  tax: ['subsidy'],
  fund: ['pledge-financing', 'subsidy'],
  'open-licence': ['transfer-institution', 'university'],
  insurance: ['pledge-financing', 'subsidy'],
  'transfer-institution': ['subsidy', 'matchmaking', 'open-licence'],
  talent: ['award', 'university'],
  protection: ['insurance'],
  incubator: ['fund', 'matchmaking'],
  university: ['open-licence', 'transfer-institution'],
  'cross-province': ['matchmaking'],
  matchmaking: ['transfer-institution'],
  plan: ['results'],
  results: ['plan'],
};

const APPLICANT_CUES: [ApplicantKind, RegExp][] = [
  ['sme', /中小企业|中小微|小微企业|\bsmes?\b|small (?:and medium|business|firm|company)/i],
  ['high-tech-firm', /高新技术企业|高企|high-tech (?:firm|enterprise|company)/i],
  ['university', /高校|大学|学院|universit|college/i],
  ['institute', /科研院所|研究院|研究所|科研机构|research institut/i],
  ['individual', /个人|发明人|我自己|individual|inventor\b|private person/i],
  ['bank', /银行|\bbanks?\b/i],
  ['firm', /企业|公司|厂|firm|company|enterprise|business/i],
];

/** "我是…的中小企业" → sme; undefined when the question does not say who is asking. */
export function detectApplicant(text: string): ApplicantKind | undefined {
  return APPLICANT_CUES.find(([, re]) => re.test(text))?.[0];
}

/** An eligibility question: who may apply for what ("能申请什么支持", "what support can … get"). */
export const ELIGIBILITY = /(?:能|可以|可)(?:申请|享受|拿到|获得)(?:什么|哪些)|(?:有|能有)(?:什么|哪些)(?:支持|政策|扶持|补贴)|什么支持|哪些支持|符合.*条件|what (?:support|help|subsid\w*|funding)\b.*\b(?:can|could|get|apply|eligible)|eligib|can (?:i|we) (?:get|apply|claim)/i;

/** A policy instrument or document named outright (not a technology): 专利奖, 资助, 质押融资, 开放许可, 专利保险, tax relief, 实施方案. */
const POLICY_WORDS = /专利奖|资助|补贴|补助|奖补|奖励|质押|贴息|开放许可|专利保险|知识产权保险|税收|所得税|增值税|政策|实施方案|行动方案|工作要点|申请什么支持|patent (?:award|subsid\w*|insurance|tax|pledge)|open licen[cs]/i;

export function looksLikePolicyQuestion(text: string): boolean {
  return POLICY_WORDS.test(text) || ELIGIBILITY.test(text);
}
