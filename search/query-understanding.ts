/**
 * Query understanding: text → topic concepts + filters. Filters are built only from allow-listed
 * values (the six provinces, the three patent types, IPC symbols matching a strict pattern, years,
 * applicant names confirmed by the index); user text never reaches a filter string.
 */
import type { Entities, PatentType, Province } from '../src/core/intents.js';
import type { TradeMode } from '../src/domain/patent.js';
import { findPatentNumber } from '../src/domain/patent-number.js';
import { extractEntities, topicWords } from '../src/nlu/entities.js';
import { normEnglish, segmentChinese, translateEnglish, type EnglishContext, type EnglishPiece, type Glossary } from './glossary.js';
import { cityIn } from './city.js';
import { englishForms } from './english-forms.js';
import { hasCjk, normText } from './text.js';

export interface Concept {
  /** The form the user asked for (Chinese when translated from English). */
  term: string;
  /** Forms that count as the same concept, `term` first. */
  alts: string[];
  /** A decomposition of a compound term: matching all parts counts almost as matching the term. */
  parts?: Concept[];
  /** Generic words (方法, system …) and wanted effects (提高, reduce …) rank but are not required. */
  optional: boolean;
  /**
   * `effect`: the change a need asks for (提高 in 提高水稻产量), optional; `action`: what is done to
   * the object (处理, 检测), required but half the object's weight in the match quality; `kind`: the
   * kind of result wanted (药物 in 治疗糖尿病的药物), optional, never the head; `untranslated`: an English
   * word the glossary lacks, which no Chinese record carries: optional, so it cannot sink the rest of
   * the need, but it still counts against the match quality.
   */
  role?: 'effect' | 'action' | 'kind' | 'untranslated';
  /** The head of a Chinese need (the last required concept: 热管理 in 电动汽车电池的热管理): weighs 1.5. */
  head?: boolean;
}

export interface SearchFilters {
  province?: Province;
  /** A city of that province (武汉): records that name a city must be there; others stay. */
  city?: string;
  /** How the patentee is willing to deal (demo records carry it; the CNKI corpus does not). */
  tradeMode?: TradeMode;
  patentType?: PatentType;
  ipc?: string;
  yearFrom?: number;
  yearTo?: number;
  applicant?: string;
}

export interface ParsedQuery {
  text: string;
  /** The text left for topic concepts after entities, years and filler are removed. */
  topic: string;
  /** A patent number the text names; the record is looked up directly. */
  number?: string;
  concepts: Concept[];
  filters: SearchFilters;
  /** The text named a province outside the six. */
  provinceNotCovered?: boolean;
}

/** Words that describe the kind of result rather than its topic. */
const GENERIC_ZH = new Set(['方法', '装置', '系统', '设备', '应用', '制备', '制备方法', '技术', '工艺', '用途', '结构', '组合物', '及其', '一种', '专利', '产品', '方案']);
const GENERIC_EN = new Set(['method', 'model', 'device', 'system', 'apparatus', 'application', 'technology', 'technique', 'process', 'use', 'structure', 'product', 'solution']);
const STOP_ZH = new Set(['的', '和', '与', '及', '或', '在', '有关', '相关', '关于', '方面', '领域', '等', '类', '个', '些', '件', '项', '里', '中', '上', '用']);
const STOP_EN = new Set(['a', 'an', 'the', 'of', 'for', 'in', 'on', 'with', 'and', 'or', 'to', 'by', 'from', 'based', 'new', 'novel', 'using', 'patent', 'about', 'related', 'any', 'some', 'me', 'find', 'search', 'show', 'list', 'look', 'which', 'what', 'that', 'is', 'are', 'there', 'do', 'you', 'have', 'i', 'we', 'want', 'need', 'please', 'all', 'latest', 'recent', 'how', 'way', 'ways', 'can', 'could', 'our', 'company', 'looking', 'seeking', 'solution', 'help', 'better', 'able', 'into', 'via', 'through', 'during', 'at', 'as', 'its', 'their', 'this', 'these', 'those', 'such', 'it', 'be', 'get', 'make', 'provide', 'offer', 'kind', 'type', 'without', 'person', 'thing', 'good', 'effective', 'keep', 'allow', 'enable', 'more', 'less', 'long', 'longer', 'area', 'factory', 'enterprise', 'firm', 'business', 'us', 'my', 'would', 'like', 'should', 'will', 'where', 'when', 'who', 'why', 'than', 'very', 'also', 'other', 'used', 'suitable', 'capable', 'achieve', 'know',
  // Pronouns and auxiliaries (I am looking for …), and request verbs (can you recommend …): how a need is asked.
  'am', 'was', 'were', 'been', 'being', 'they', 'them', 'your', 'he', 'she', 'his', 'her', 'does', 'did', 'has', 'had',
  'may', 'might', 'must', 'shall', 'recommend', 'suggest', 'anyone', 'someone', 'something', 'tell', 'give', 'seek',
  'require', 'wish', 'hope']);
/** Single characters that are particles, pronouns or light verbs rather than names of things. */
const FUNCTION_ZH = /^[的了着是在和与及或对把被从向于为以用等之其将让使给由而且并也都就能会要想吗呢吧啊个种些类到中上下里内做有来去比很更最又再还才只我你他它这那哪啥么呀嘛得款新求请]$/;
/** An unknown run made only of such characters (能让, 能够让) is a light-verb phrase, not a name of a thing. */
const FUNCTION_RUN_ZH = /^[的了着是在和与及或对把被从向于为以用等之其将让使给由而且并也都就能会要想吗呢吧啊个种些类到中上下里内做有来去比很更最又再还才只我你他它这那哪啥么呀嘛得款新求请]+$/;
/** A comparative the glossary lacks (更耐磨, 得更牢固): the quality wanted, like the `degree` words of need-words.tsv. */
const DEGREE_RUN_ZH = /^得?(?:更加|更|越来越)[\u4e00-\u9fff]{1,3}$/;
/** A generic tail whose removal leaves the core of a term: 传感器 → 传感, 正极材料 → 正极. */
const STEM_SUFFIXES = ['材料', '装置', '系统', '方法', '器件', '设备', '技术', '工艺', '结构', '组件', '模块', '器', '仪', '剂'];

const ORG_SUFFIX = /大学|学院|医院|公司|研究院|研究所|集团|中心|实验室|厂/g;

/**
 * Strings that may be an applicant's name: each run of text up to an organisation suffix
 * (中山大学孙逸仙纪念医院 → itself and 中山大学), longest first. The caller confirms them against
 * the index before any becomes a filter.
 */
export function applicantCandidates(text: string): string[] {
  const out: string[] = [];
  for (const run of normText(text).split(/[\s,，、;；:：。!！?？]+/)) {
    for (const m of run.matchAll(ORG_SUFFIX)) {
      const cand = run.slice(0, m.index + m[0].length);
      if (cand.length >= 4 && cand.length <= 60 && !out.includes(cand)) out.push(cand);
    }
  }
  return out.sort((a, b) => b.length - a.length);
}
const YEAR_RANGE: [RegExp, (m: RegExpExecArray) => { from?: number; to?: number }][] = [
  [/((?:19|20)\d{2})\s*(?:年)?\s*(?:-|~|—|至|到)\s*((?:19|20)\d{2})\s*年?/, (m) => ({ from: +m[1]!, to: +m[2]! })],
  [/((?:19|20)\d{2})\s*年?\s*(?:以后|之后|以来|后|起)/, (m) => ({ from: +m[1]! })],
  [/(?:since|after|from)\s+((?:19|20)\d{2})/i, (m) => ({ from: +m[1]! })],
  [/((?:19|20)\d{2})\s*年?\s*(?:以前|之前|前)/, (m) => ({ to: +m[1]! })],
  [/(?:before|until)\s+((?:19|20)\d{2})/i, (m) => ({ to: +m[1]! })],
  [/(?:(?<!\d)((?:19|20)\d{2})\s*年)|(?:\bin\s+((?:19|20)\d{2})\b)/i, (m) => ({ from: +(m[1] ?? m[2])!, to: +(m[1] ?? m[2])! })],
];
const TRADE_MODE: [RegExp, TradeMode][] = [
  [/可(?:以)?许可(?:使用)?的?|(?:available|open)\s+(?:for|to)\s+licen[cs]ing|licensable|for\s+licen[cs]e/i, 'license'],
  [/可(?:以)?转让的?|(?:available|open)\s+(?:for|to)\s+(?:transfer|sale)|for\s+sale/i, 'transfer'],
  [/可(?:以)?质押(?:融资)?的?|(?:available|open)\s+(?:for|to)\s+pledge/i, 'pledge'],
  [/可(?:以)?作价入股的?|(?:available|open)\s+(?:for|to)\s+(?:equity|investment)/i, 'invest'],
  [/可(?:以)?合作开发的?|(?:available|open)\s+(?:for|to)\s+co-?development/i, 'cooperate'],
];
const IPC_RE = /^[A-H]\d{2}[A-Z](?:\d{1,4}\/\d{1,6})?$/;

function stemAlts(term: string): string[] {
  for (const s of STEM_SUFFIXES) {
    if (term.length - s.length >= 2 && term.endsWith(s)) return [term.slice(0, -s.length)];
  }
  return [];
}

function zhConcept(g: Glossary, term: string, optional = false): Concept {
  const alts = [...(g.zhAlts.get(term) ?? [term])];
  for (const a of [...alts]) for (const st of stemAlts(a)) if (!alts.includes(st)) alts.push(st);
  const c: Concept = { term, alts, optional };
  if (term.length >= 4) {
    const pieces = segmentChinese(g, term, new Set(alts)).filter((p) => !STOP_ZH.has(p));
    if (pieces.length >= 2 && pieces.every((p) => p.length >= 2)) c.parts = pieces.map((p) => zhConcept(g, p, GENERIC_ZH.has(p)));
  }
  return c;
}

/** A degree word (更快, 高效) or a comparative the glossary lacks: the quality wanted, never required nor the head. */
function isDegree(g: Glossary, piece: string): boolean {
  return g.need.degree.has(piece) || (!g.zhWords.has(piece) && DEGREE_RUN_ZH.test(piece));
}

/** One concept of a Chinese word, with its role in a need (need-words.tsv). */
function zhPiece(g: Glossary, piece: string): Concept {
  if (g.need.effect.has(piece) || isDegree(g, piece)) return { term: piece, alts: [piece], optional: true, role: 'effect' };
  const c = zhConcept(g, piece, GENERIC_ZH.has(piece));
  if (g.need.kind.has(piece)) return { ...c, optional: true, role: 'kind' };
  return g.need.action.has(piece) ? { ...c, role: 'action' } : c;
}

function conceptsFromChinese(g: Glossary, chunk: string): Concept[] {
  // "X或Y" asks for either: the last concept before 或 and the first after it become one concept.
  const sides = chunk.split(/或者|或/).filter(Boolean);
  if (sides.length > 1) {
    const out: Concept[] = [];
    for (const side of sides) {
      const cs = conceptsFromChinese(g, side);
      const prev = out.at(-1);
      const first = cs[0];
      if (prev && first && !prev.optional && !first.optional) {
        for (const a of first.alts) if (!prev.alts.includes(a)) prev.alts.push(a);
        delete prev.parts;
        out.push(...cs.slice(1));
      } else out.push(...cs);
    }
    return out;
  }
  // A comparative starts its own piece (硬度更加稳固 → 硬度 · 更加稳固), so it cannot glue onto an unknown word.
  // Only the unambiguous markers: a bare 更 also starts words (更换, 更新).
  const degrees = chunk.split(/(?=得更|更加|越来越)/);
  if (degrees.length > 1) return degrees.flatMap((d) => conceptsFromChinese(g, d));
  if (g.zhWords.has(chunk) && !g.need.drop.has(chunk)) return [zhPiece(g, chunk)];
  const out: Concept[] = [];
  const pieces = segmentChinese(g, chunk).filter((p) => !STOP_ZH.has(p) && !g.need.drop.has(p));
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i]!;
    if (!g.zhWords.has(piece) && FUNCTION_RUN_ZH.test(piece)) continue;
    if (piece.length > 1 || chunk.length === 1) {
      out.push(zhPiece(g, piece));
      continue;
    }
    // A leftover single character is a particle (给, 把) unless it names something; a content character
    // (铍 in 铍铜合金) modifies the word after it, which it must not be dropped from.
    if (FUNCTION_ZH.test(piece)) continue;
    const next = pieces[i + 1];
    if (next && next.length > 1 && !g.need.effect.has(next) && !g.need.action.has(next) && !g.need.kind.has(next)) {
      out.push({ term: piece + next, alts: [piece + next], optional: false, parts: [{ term: piece, alts: [piece], optional: false }, zhConcept(g, next)] });
      i++;
    }
  }
  return out;
}

/**
 * A wanted effect widens its object with the forms of the combined phrase: 提高 + 产量 finds 增产 and
 * 高产 (zh-synonyms.tsv holds 提高产量|增产|高产), whatever words stood between them.
 */
function widenByEffects(g: Glossary, concepts: Concept[]): void {
  const verbs = new Set<string>();
  for (const c of concepts) if (c.role === 'effect' && !isDegree(g, c.term)) for (const v of [c.term, g.need.effect.get(c.term) ?? c.term]) verbs.add(v);
  if (verbs.size === 0) return;
  for (const c of concepts) {
    if (c.role === 'effect') continue;
    for (const v of verbs) {
      for (const f of g.zhAlts.get(v + c.term) ?? []) if (!c.alts.includes(f)) c.alts.push(f);
    }
  }
}

/**
 * An alternative form that lies inside another concept of the query adds nothing but false matches:
 * 发光材料's stem 发光 would find every title naming the 发光二极管 of 蓝光LED的发光材料.
 */
function pruneInnerAlts(concepts: Concept[]): void {
  for (const c of concepts) {
    const others = concepts.filter((o) => o !== c).flatMap((o) => o.alts);
    c.alts = c.alts.filter((a, i) => i === 0 || !others.some((o) => o !== a && o.includes(a)));
  }
}

/**
 * An English action with several senses (treatment: 治疗 a disease, 处理 wastewater) takes the sense
 * its object forms a term with: the glossary knows `wastewater treatment` (废水处理) or a Chinese
 * word ending in an object's form plus the sense (废水处理); else the field of the objects' glossary
 * sections. Without either the senses stay in glossary order.
 */
function senseOf(g: Glossary, p: EnglishPiece, pieces: EnglishPiece[]): string[] | undefined {
  const senses = (p.zh ?? []).filter((f) => g.need.action.has(f));
  if (senses.length < 2) return undefined;
  const others = pieces.filter((o) => o !== p && o.zh);
  for (const sense of senses) {
    for (const o of others) {
      const compound = g.en.get(`${o.en.split(' ').at(-1)} ${p.en}`) ?? g.en.get(`${o.en} ${p.en}`);
      if (compound?.some((f) => f.endsWith(sense))) return [sense];
      for (const f of o.zh!.filter(hasCjk)) {
        for (let k = 2; k <= f.length; k++) if (g.zhWords.has(f.slice(-k) + sense)) return [sense];
      }
    }
  }
  // Else the glossary section of the objects: a medical term (a disease, a drug) takes the medical sense,
  // a term of any other field (sludge: environment) the other.
  const sections = others.map((o) => g.enSection.get(o.en) ?? '').filter(Boolean);
  if (sections.length === 0 || sections.some((x) => x.startsWith('biology'))) return undefined;
  const medical = sections.some((x) => x.startsWith('medicine'));
  const sense = senses.find((f) => g.need.medical.has(f) === medical);
  return sense ? [sense] : undefined;
}

function conceptsFromEnglish(g: Glossary, chunk: string, ctx: EnglishContext): Concept[] {
  const out: Concept[] = [];
  const pieces = translateEnglish(g, chunk, ctx);
  for (const piece of pieces) {
    const sense = senseOf(g, piece, pieces);
    const p = sense ? { ...piece, zh: sense } : piece;
    if (!p.zh) {
      // A stop word in any of its forms (making → make) says nothing about the topic.
      if (STOP_EN.has(p.en) || englishForms(p.en).some((f) => STOP_EN.has(f)) || /^\d+$/.test(p.en)) continue;
      // A plain word of four letters or more is an English word the glossary lacks; shorter tokens and
      // those with digits are abbreviations (LED, MOF, 5G) that Chinese records write as they are.
      const word = /^[a-z][a-z'-]{3,}$/.test(p.en) && !GENERIC_EN.has(p.en);
      out.push({ term: p.en, alts: [p.en], optional: GENERIC_EN.has(p.en) || word, ...(word ? { role: 'untranslated' as const } : {}) });
      continue;
    }
    const zh = p.zh.filter(hasCjk);
    // The glossary's first form is the one titles use most, Latin for abbreviations (LED, GaN); the
    // first Chinese form brings the Chinese synonyms and parts.
    const primary = p.zh[0]!;
    if (zh[0] && (g.need.effect.has(zh[0]) || g.need.degree.has(zh[0]))) {
      out.push({ term: zh[0], alts: [...zh], optional: true, role: 'effect' });
      continue;
    }
    const c = zh[0] ? zhConcept(g, zh[0], GENERIC_EN.has(p.en)) : { term: primary, alts: [], optional: GENERIC_EN.has(p.en) };
    if (c.term !== primary) (c.term = primary), (c.alts = [primary, ...c.alts.filter((a) => a !== primary)]);
    for (const f of p.zh) if (!c.alts.includes(f)) c.alts.push(f);
    if (!c.alts.includes(p.en)) c.alts.push(p.en);
    const word = zh[0] ?? primary;
    out.push(g.need.kind.has(word) ? { ...c, optional: true, role: 'kind' } : g.need.action.has(word) ? { ...c, role: 'action' } : c);
  }
  return out;
}

/**
 * Splits mixed text into runs of Chinese and of Latin script, then into concepts. `asTyped` is the
 * query before lower-casing, when the caller has it: a written form (GaN) picks a sense of a key.
 */
export function conceptsOf(g: Glossary, topic: string, asTyped?: string): Concept[] {
  const concepts: Concept[] = [];
  const chunks = normText(topic).match(/[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9][a-z0-9+.\-' ]*/g) ?? [];
  // Senses are picked from every English word of the need, not only those of one chunk.
  const ctx: EnglishContext = {
    words: normEnglish(chunks.filter((c) => !hasCjk(c)).join(' ')).split(' ').filter(Boolean),
    keep: (w) => STOP_EN.has(w) || GENERIC_EN.has(w),
    ...(asTyped ? { raw: asTyped } : {}),
  };
  for (const raw of chunks) {
    const chunk = raw.trim();
    if (!chunk) continue;
    concepts.push(...(hasCjk(chunk) ? conceptsFromChinese(g, chunk) : conceptsFromEnglish(g, chunk, ctx)));
  }
  // The same term twice adds nothing, nor does a term that is already a form of an earlier concept
  // (止血 after 止血材料 in "hemostatic materials to stop bleeding").
  const seen = new Set<string>();
  const out: Concept[] = [];
  for (const c of concepts) {
    if (seen.has(c.term)) continue;
    if (!c.role && out.some((o) => !o.optional && o.alts.includes(c.term))) continue;
    seen.add(c.term);
    out.push(c);
  }
  widenByEffects(g, out);
  pruneInnerAlts(out);

  // A need made only of an effect verb (“how to improve”) has nothing to search for but the verb; one
  // made only of kinds and generic words (新材料) searches for the kind.
  if (out.length > 0 && out.every((c) => c.role === 'effect')) for (const c of out) c.optional = false;
  else if (out.every((c) => c.optional)) for (const c of out) if (c.role === 'kind' || c.role === 'untranslated') c.optional = false;
  return out;
}

/**
 * Marks the head of the need, the thing wanted (a record without it is at best related). Chinese
 * puts it last (电动汽车电池的热管理), except after an effect verb, where the last word is a property
 * of the object before it (提高混凝土的强度: the object is the head). English puts it before the first
 * preposition of the text as asked (pesticide residues in food), else last; text with any Chinese reads
 * as Chinese.
 */
function markHead(g: Glossary, concepts: Concept[], topic: string, asked: string): void {
  // A degree word (更快, efficient) is no effect verb: it says nothing of which word is the object.
  const effect = concepts.some((c) => c.role === 'effect' && !isDegree(g, c.term));
  const req = concepts.filter((c) => !c.optional && c.role !== 'action');
  if (req.length < 2) return;
  // Chinese text keeps its word order even when it names a Latin abbreviation (蓝光LED的发光材料).
  if (hasCjk(topic) || !/[a-z]{3}/.test(topic)) {
    (effect ? req[0]! : req.at(-1)!).head = true;
    return;
  }
  const prep = /\b(?:in|of|for|from|on|with)\b/.exec(asked);
  const at = (c: Concept) => Math.min(...c.alts.map((a) => asked.indexOf(a.split(' ')[0]!)).filter((i) => i >= 0));
  // After an effect verb, "P of O" names the property of an object to change, as 提高混凝土的强度 does:
  // the object is the head, the last noun of its phrase (improving cycling stability of lithium battery
  // cathodes: the cathodes). Without one, "P of O" is a process on an object (degradation of dyes).
  if (prep?.[0] === 'of' && effect) {
    const end = /\b(?:in|of|for|from|on|with|to|by|using|via)\b/g;
    end.lastIndex = prep.index + 2;
    const stop = end.exec(asked)?.index ?? Infinity;
    const object = req.filter((c) => at(c) > prep.index && at(c) < stop);
    if (object.length) return void (object.at(-1)!.head = true);
  }
  const before = req.filter((c) => at(c) < (prep?.index ?? Infinity));
  (before.at(-1) ?? req.at(-1)!).head = true;
}

export function parseQuery(g: Glossary, text: string, preset: SearchFilters = {}): ParsedQuery {
  const clean = normText(text).slice(0, 500);
  const num = findPatentNumber(clean);
  const { entities } = extractEntities(clean);
  let topic = topicWords(clean);
  const filters: SearchFilters = { ...preset };
  if (entities.province) filters.province = entities.province;
  const city = entities.province ? cityIn(clean) : undefined;
  if (city && city.province === entities.province) filters.city = city.zh;
  if (entities.patentType) filters.patentType = entities.patentType;
  if (entities.ipc && IPC_RE.test(entities.ipc)) filters.ipc = entities.ipc;
  topic = topic.replace(/\b[A-H]\d{2}[A-Z](?:\s*\d{1,4}\/\d{1,6})?\b/gi, ' ');
  // Read from the whole text: the NLU may already have dropped these words as filler.
  for (const [re, mode] of TRADE_MODE) {
    const m = re.exec(clean);
    if (!m) continue;
    filters.tradeMode = mode;
    topic = topic.replace(m[0], ' ');
    break;
  }
  for (const [re, f] of YEAR_RANGE) {
    const m = re.exec(topic);
    if (!m) continue;
    const { from, to } = f(m);
    if (from) filters.yearFrom = from;
    if (to) filters.yearTo = to;
    topic = topic.replace(m[0], ' ');
    break;
  }
  const concepts = conceptsOf(g, topic, text);
  markHead(g, concepts, topic, normEnglish(clean));
  return {
    text: clean,
    topic: topic.replace(/\s+/g, ' ').trim(),
    ...(num ? { number: num.value } : {}),
    concepts,
    filters,
    ...(entities.province === null ? { provinceNotCovered: true } : {}),
  };
}

export type { Entities };
