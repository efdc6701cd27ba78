/**
 * Finds the policy sections that answer a question. By the province (and city) asked about and the
 * topics named — in the words people use (资助, 专利奖, 质押, 开放许可 …) — then by free-text match in
 * Meilisearch. When the province has nothing on the topic, the answer says so (`exact` is false) and
 * carries the closest sections on file for that province plus the national rules that apply in
 * every province. A question that names a city gets that city's sections first, then the province's.
 */
import type { PolicyIndex } from '../../search/policy-index.js';
import type { Province } from '../core/intents.js';
import { PROVINCE_INFO } from '../domain/geo.js';
import type { AgencyDirectory, ApplicantKind, PolicyScope, PolicySection, PolicyTopic } from '../domain/policy.js';
import { detectApplicant, detectTopics, NATIONAL_FIRST, RELATED_TOPICS } from './policy-topics.js';

export interface PolicyAnswer {
  /** Sections on the topic asked about (or found by text), best first; city sections lead. */
  sections: PolicySection[];
  /** false: the province has nothing on the exact topic, and `sections` are the closest on file. */
  exact: boolean;
  topics: PolicyTopic[];
  /** The topics asked about that the province has no section on. */
  missing: PolicyTopic[];
  /** The city named in the question (Chinese name), when the province has one by that name. */
  city?: string;
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

  /** The best sections (at most `limit`) for a province and question. */
  async answer(province: Province | undefined, text: string, limit = 3): Promise<PolicyAnswer> {
    const topics = detectTopics(text);
    const city = province ? cityIn(province, text) : undefined;
    const specific = topics.filter((t) => t !== 'plan');
    const wanted = specific.length ? specific : topics;
    const listed = this.sections.filter((s) => !s.id.endsWith('-none'));
    const own = listed.filter((s) => (province ? s.scope === province : s.scope === 'national' || s.scope === 'central-region'));
    const everywhere = listed.filter((s) => s.scope === 'national' || (wanted.includes('cross-province') && s.scope === 'central-region'));
    const byTopic = (pool: PolicySection[], want: PolicyTopic[]) => rank(pool, want, city);
    if (wanted.length) {
      const exact = byTopic(own, wanted);
      // National rules (tax, open licensing, pledge registration) apply in every province: after the province's own.
      const national = province ? byTopic(everywhere, wanted) : [];
      // A topic asked about that the province has nothing on ("湖南…专利保险补贴": insurance) makes the answer inexact.
      const missing = province ? wanted.filter((t) => !own.some((s) => s.topics.includes(t))) : [];
      if (exact.length && missing.length === 0) return { sections: [...exact, ...national].slice(0, limit), exact: true, topics: wanted, missing, ...(city ? { city } : {}) };
      if (!province) return { sections: [], exact: false, topics: wanted, missing };
      // Nothing on (part of) the topic for this province: its closest sections, and the national rules on the topic.
      const near = [...new Set([...wanted.filter((t) => !missing.includes(t)), ...missing.flatMap((t) => RELATED_TOPICS[t])])];
      const closest = byTopic(own, near);
      const fill = (closest.length ? closest : rank(own, [], city)).slice(0, Math.max(1, limit - Math.min(national.length, 2)));
      const sections = missing.some((t) => NATIONAL_FIRST.has(t)) ? [...national, ...fill] : [...fill, ...national];
      return { sections: sections.slice(0, limit), exact: false, topics: wanted, missing, ...(city ? { city } : {}) };
    }
    const scopes: PolicyScope[] = province ? [province, 'national'] : ['national', 'central-region'];
    const words = text.split(/[\s,，。?？!！、]+/).filter((w) => w.length >= 2);
    const ids = await this.index.match(scopes, words);
    const found = ids.map((id) => this.byId.get(id)).filter((s): s is PolicySection => !!s && !s.id.endsWith('-none'));
    return { sections: found.slice(0, limit), exact: found.length > 0, topics: [], missing: [], ...(city ? { city } : {}) };
  }

  /**
   * Eligibility ("我是湖南的中小企业，有两件发明专利，能申请什么支持？"): the sections whose recorded
   * applicants include this kind (and, where the source restricts it, this patent kind), in the
   * province (city first) and nationally; narrowed to the topics asked about when any matches.
   */
  eligible(province: Province | undefined, text: string, patentKind: string | undefined, limit = 6): { sections: PolicySection[]; applicant: ApplicantKind } | undefined {
    const applicant = detectApplicant(text);
    if (!applicant) return undefined;
    const kinds: ApplicantKind[] = applicant === 'sme' ? ['sme', 'firm', 'any'] : applicant === 'high-tech-firm' ? ['high-tech-firm', 'firm', 'any'] : [applicant, 'any'];
    const city = province ? cityIn(province, text) : undefined;
    const fits = (s: PolicySection) =>
      !s.id.endsWith('-none') &&
      (s.scope === province || s.scope === 'national') &&
      !!s.applicants?.some((a) => kinds.includes(a)) &&
      (!patentKind || !s.patentKinds || s.patentKinds.includes(patentKind as never));
    const pool = this.sections.filter(fits);
    const topics: PolicyTopic[] = detectTopics(text).filter((t) => t !== 'plan' && t !== 'university');
    const narrowed = topics.length ? pool.filter((s) => s.topics.some((t) => topics.includes(t) || RELATED_TOPICS[t]?.some((r) => topics.includes(r)))) : [];
    const chosen = narrowed.length ? narrowed : pool;
    const order = (s: PolicySection) => (s.scope === 'national' ? 2 : city && s.city === city ? 0 : 1);
    return { sections: [...chosen].sort((a, b) => order(a) - order(b) || newest(a, b)).slice(0, limit), applicant };
  }
}


/** A named city's sections first, then province-wide ones, then other cities'; within that, most topics matched (rules before reports of figures); then the newest. Without a city, topics first. */
function rank(pool: PolicySection[], want: PolicyTopic[], city: string | undefined): PolicySection[] {
  return pool
    .map((s) => ({ s, n: (want.length ? s.topics.filter((t) => want.includes(t)).length : 1) * 2 + (s.topics.includes('results') ? 0 : 1), c: city ? (s.city === city ? 2 : s.city ? 0 : 1) : s.city ? 0 : 1 }))
    .filter((x) => x.n > 1 && !(want.length === 0 && x.s.topics.every((t) => t === 'results')))
    .sort((a, b) => (city ? b.c - a.c || b.n - a.n : b.n - a.n || b.c - a.c) || newest(a.s, b.s))
    .map((x) => x.s);
}

function cityIn(province: Province, text: string): string | undefined {
  const lower = text.toLowerCase();
  return PROVINCE_INFO[province].cities.find((c) => text.includes(c.zh) || (c.en && new RegExp(`\\b${c.en.split('|')[0]!.toLowerCase()}\\b`).test(lower)))?.zh;
}

/** Newest issued first; a section whose date is not stated comes last. */
function newest(a: PolicySection, b: PolicySection): number {
  const d = (s: PolicySection) => (s.issued === 'unknown' ? '' : s.issued);
  return d(b).localeCompare(d(a));
}
