/**
 * Finds the policy sections that answer a question: by the province asked about and the topics
 * named (subsidy, award, pledge financing, tax …), then by free-text match in Meilisearch. National
 * rules join when the question is about tax; the six-province cooperation when it is cross-province.
 */
import type { PolicyIndex } from '../../search/policy-index.js';
import type { Province } from '../core/intents.js';
import type { AgencyDirectory, PolicyScope, PolicySection, PolicyTopic } from '../domain/policy.js';

const TOPIC_CUES: [PolicyTopic, RegExp][] = [
  ['subsidy', /补贴|补助|资助|奖补|报销|subsid|grant|reimburs/i],
  ['award', /奖励|专利奖|奖项|\baward|\bprize/i],
  ['pledge-financing', /质押|融资|贷款|pledge|loan|financ/i],
  ['tax', /税|\btax|\bvat\b/i],
  ['fund', /基金|\bfund/i],
  ['incubator', /孵化|基地|园区|产业化|incubat|industriali[sz]ation|\bbase/i],
  ['university', /高校|大学|院校|科研院所|universit|college/i],
  ['cross-province', /跨省|跨区域|六省|中部|互认|cross-province|central region|six provinces/i],
  ['matchmaking', /对接|撮合|路演|matchmak/i],
  ['plan', /方案|规划|计划|目标|行动|\bplan|target|action/i],
];

export function detectTopics(text: string): PolicyTopic[] {
  return TOPIC_CUES.filter(([, re]) => re.test(text)).map(([t]) => t);
}

export class PolicyService {
  private readonly byId: Map<string, PolicySection>;

  constructor(
    readonly sections: PolicySection[],
    readonly agencies: AgencyDirectory,
    private readonly index: PolicyIndex,
  ) {
    this.byId = new Map(sections.map((s) => [s.id, s]));
  }

  get(id: string): PolicySection | undefined {
    return this.byId.get(id);
  }

  of(scope: PolicyScope): PolicySection[] {
    return this.sections.filter((s) => s.scope === scope);
  }

  /** The best sections (at most `limit`) for a province and question; [] when nothing on file matches. */
  async find(province: Province | undefined, text: string, limit = 2): Promise<PolicySection[]> {
    const topics = detectTopics(text);
    const scopes: PolicyScope[] = province ? [province] : [];
    if (topics.includes('tax') || !province) scopes.push('national');
    if (topics.includes('cross-province') || !province) scopes.push('central-region');
    const pool = this.sections.filter((s) => scopes.includes(s.scope) && !s.id.endsWith('-none'));
    const specific = topics.filter((t) => t !== 'plan');
    const wanted = specific.length ? specific : topics;
    let ranked: PolicySection[] = [];
    if (wanted.length) {
      ranked = pool
        .map((s) => ({ s, n: s.topics.filter((t) => wanted.includes(t)).length, own: s.scope === province ? 1 : 0 }))
        .filter((x) => x.n > 0)
        .sort((a, b) => b.n - a.n || b.own - a.own)
        .map((x) => x.s);
    }
    if (ranked.length === 0) {
      const words = text.split(/[\s,，。?？!！、]+/).filter((w) => w.length >= 2);
      const ids = await this.index.match(scopes, words);
      ranked = ids.map((id) => this.byId.get(id)!).filter((s) => s && !s.id.endsWith('-none'));
    }
    return ranked.slice(0, limit);
  }
}
