/**
 * Query understanding: text → topic concepts + filters. Filters are built only from allow-listed
 * values (the six provinces, the three patent types, IPC symbols matching a strict pattern, years,
 * applicant names confirmed by the index); user text never reaches a filter string.
 */
import type { Entities, PatentType, Province } from '../src/core/intents.js';
import type { TradeMode } from '../src/domain/patent.js';
import { findPatentNumber } from '../src/domain/patent-number.js';
import { extractEntities, topicWords } from '../src/nlu/entities.js';
import { segmentChinese, translateEnglish, type Glossary } from './glossary.js';
import { hasCjk, normText } from './text.js';

export interface Concept {
  /** The form the user asked for (Chinese when translated from English). */
  term: string;
  /** Forms that count as the same concept, `term` first. */
  alts: string[];
  /** A decomposition of a compound term: matching all parts counts almost as matching the term. */
  parts?: Concept[];
  /** Generic words (方法, system …) rank but are not required. */
  optional: boolean;
}

export interface SearchFilters {
  province?: Province;
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
const GENERIC_EN = new Set(['method', 'device', 'system', 'apparatus', 'application', 'technology', 'technique', 'process', 'use', 'structure', 'product', 'solution']);
const STOP_ZH = new Set(['的', '和', '与', '及', '或', '在', '有关', '相关', '关于', '方面', '领域', '等', '类', '个', '些', '件', '项', '里', '中', '上', '用']);
const STOP_EN = new Set(['a', 'an', 'the', 'of', 'for', 'in', 'on', 'with', 'and', 'or', 'to', 'by', 'from', 'based', 'new', 'novel', 'using', 'patent', 'about', 'related', 'any', 'some', 'me', 'find', 'search', 'show', 'list', 'look', 'which', 'what', 'that', 'is', 'are', 'there', 'do', 'you', 'have', 'i', 'we', 'want', 'need', 'please', 'all', 'latest', 'recent']);
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

function conceptsFromChinese(g: Glossary, chunk: string): Concept[] {
  if (g.zhWords.has(chunk)) return [zhConcept(g, chunk)];
  const out: Concept[] = [];
  for (const piece of segmentChinese(g, chunk)) {
    if (STOP_ZH.has(piece)) continue;
    // A leftover single character between known words is usually a particle; keep it only alone.
    if (piece.length === 1 && chunk.length > 1) continue;
    out.push(zhConcept(g, piece, GENERIC_ZH.has(piece)));
  }
  return out;
}

function conceptsFromEnglish(g: Glossary, chunk: string): Concept[] {
  const out: Concept[] = [];
  for (const p of translateEnglish(g, chunk)) {
    if (!p.zh) {
      if (STOP_EN.has(p.en) || /^\d+$/.test(p.en)) continue;
      out.push({ term: p.en, alts: [p.en], optional: GENERIC_EN.has(p.en) });
      continue;
    }
    const zh = p.zh.filter(hasCjk);
    const primary = zh[0] ?? p.zh[0]!;
    const c = hasCjk(primary) ? zhConcept(g, primary, GENERIC_EN.has(p.en)) : { term: primary, alts: [], optional: GENERIC_EN.has(p.en) };
    for (const f of p.zh) if (!c.alts.includes(f)) c.alts.push(f);
    if (!c.alts.includes(p.en)) c.alts.push(p.en);
    out.push(c);
  }
  return out;
}

/** Splits mixed text into runs of Chinese and of Latin script, then into concepts. */
export function conceptsOf(g: Glossary, topic: string): Concept[] {
  const concepts: Concept[] = [];
  const chunks = normText(topic).match(/[\u3400-\u9fff\uf900-\ufaff]+|[a-z0-9][a-z0-9+.\-' ]*/g) ?? [];
  for (const raw of chunks) {
    const chunk = raw.trim();
    if (!chunk) continue;
    concepts.push(...(hasCjk(chunk) ? conceptsFromChinese(g, chunk) : conceptsFromEnglish(g, chunk)));
  }
  // The same term twice adds nothing.
  const seen = new Set<string>();
  return concepts.filter((c) => (seen.has(c.term) ? false : (seen.add(c.term), true)));
}

export function parseQuery(g: Glossary, text: string, preset: SearchFilters = {}): ParsedQuery {
  const clean = normText(text).slice(0, 500);
  const num = findPatentNumber(clean);
  const { entities } = extractEntities(clean);
  let topic = topicWords(clean);
  const filters: SearchFilters = { ...preset };
  if (entities.province) filters.province = entities.province;
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
  return {
    text: clean,
    topic: topic.replace(/\s+/g, ' ').trim(),
    ...(num ? { number: num.value } : {}),
    concepts: conceptsOf(g, topic),
    filters,
    ...(entities.province === null ? { provinceNotCovered: true } : {}),
  };
}

export type { Entities };
