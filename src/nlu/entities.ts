/**
 * Entity extraction with spans (offsets into the text as given; see normalize.ts) and the topic words
 * that remain for search once entity mentions and filler are removed.
 */
import type { Entities, PatentType } from '../core/intents.js';
import { findPlaces, findProvince } from '../domain/geo.js';
import { findPatentNumber } from '../domain/patent-number.js';
import { corrected } from './fuzzy.js';
import { LEAD_CUES, type TextLeadType } from './lexicon.js';
import { normalize, squash } from './normalize.js';

export type SpanKind = keyof Entities | 'filler';
export interface Span {
  kind: SpanKind;
  start: number;
  end: number;
}
export interface Extraction {
  entities: Entities;
  spans: Span[];
}

const PATENT_TYPES: readonly (readonly [PatentType, RegExp])[] = [
  ['utility_model', /实用新型(?:专利)?|新型专利|实用型专利|\butility[- ]?models?(?: patents?)?\b/],
  ['design', /外观设计(?:专利)?|外观专利|外观型专利|工业设计|\b(?:industrial |appearance )?design patents?\b|\b(?:industrial|appearance) designs?\b/],
  ['invention', /发明专利|发明型专利|发明类专利|(?<!我的|一个|一项新)发明(?!人|者|了|家|创造|出|过|专利权人)|\binvention(?:[- ]type)? patents?\b|\bpatents? (?:for|of) inventions?\b/],
];

const IPC = /(?<![a-z0-9])([a-h])(\d{2})([a-z])(?:(\d{1,4})(?:\/(\d{2,6}))?| (\d{1,4}) ?\/ ?(\d{2,6}))?(?![a-z0-9/])/;

/** Words that carry no topic: requests, question words, particles, generic nouns (longest first). */
const ZH_FILLER = [
  '请帮我', '帮我们', '帮我', '帮忙', '麻烦', '请问', '你好', '您好', '我想要', '我想', '我要', '我们想', '我们', '想要', '想',
  '查询一下', '查一下', '查查', '查询', '查找', '查看', '搜索一下', '搜索', '搜一下', '搜', '检索', '找一下', '找找', '找些',
  '找点', '寻找', '找', '看一下', '看看', '了解一下', '了解下', '了解', '一下', '有没有', '有哪些', '有什么', '有么', '有吗',
  '有无', '哪些', '什么', '相关的', '相关', '有关的', '有关', '关于', '方面的', '方面', '领域的', '领域', '类的', '专利技术',
  '专利', '技术', '成果', '项目', '这个', '这项', '那个', '一项', '一个', '一种', '一些', '的', '吗', '呢', '吧', '啊', '呀',
  '嘛', '么', '了', '请', '购买', '收购', '求购', '买', '卖', '出售', '转让', '许可', '授权', '投资', '入股', '需要', '急需',
  '需求', '寻求', '地区', '我们厂', '我厂', '本厂', '我司', '本公司', '我们公司', '本人', '以及',
].sort((a, b) => b.length - a.length);
const ZH_FILLER_RE = new RegExp(ZH_FILLER.join('|'), 'g');

const EN_STOP = new Set(
  `find search searh serach show me patents patent in about related relating regarding covering to for on of the a an any
  from with please technology technologies tech list look looking up i we want need some there are is what which do you
  have get give all and or can could would like i'd id let see province city area region inventions invention by that
  this these those my our your it its related to by at how many much ip ipc class tell`.split(/\s+/),
);

/** Tokens dropped only when they stand alone after removal (inside a word they are kept). */
const STANDALONE_FILLER = new Set(['和', '与', '及', '或', '跟', '同', '等', '厂', '里', '中', '上', '在', '是', '有']);

function firstMatch(re: RegExp, s: string): { start: number; end: number } | undefined {
  const m = re.exec(s);
  return m ? { start: m.index, end: m.index + m[0].length } : undefined;
}

/** The strongest cue weight per lead type (0 when none of its cues match). */
export function leadCueScores(norm: string): Record<TextLeadType, number> {
  const out = {} as Record<TextLeadType, number>;
  for (const [leadType, cues] of Object.entries(LEAD_CUES) as [TextLeadType, (typeof LEAD_CUES)[TextLeadType]][]) {
    out[leadType] = 0;
    for (const [re, w] of cues) if (w > out[leadType] && re.test(norm)) out[leadType] = w;
  }
  return out;
}

/** The lead type with the strongest cue; ties go to the earliest mention. */
export function findLeadType(norm: string): { leadType: TextLeadType; start: number; end: number } | undefined {
  let best: { leadType: TextLeadType; start: number; end: number; w: number } | undefined;
  for (const [leadType, cues] of Object.entries(LEAD_CUES) as [TextLeadType, (typeof LEAD_CUES)[TextLeadType]][]) {
    for (const [re, w] of cues) {
      const m = re.exec(norm);
      if (!m) continue;
      if (!best || w > best.w || (w === best.w && m.index < best.start)) {
        best = { leadType, start: m.index, end: m.index + m[0].length, w };
      }
    }
  }
  return best && { leadType: best.leadType, start: best.start, end: best.end };
}

/** Entities of an already normalised text (internal; `extractEntities` normalises first). */
export function extractNormalized(norm: string): Extraction {
  const entities: Entities = {};
  const spans: Span[] = [];
  const pn = findPatentNumber(norm);
  if (pn) {
    entities.patentNumber = pn.value;
    spans.push({ kind: 'patentNumber', start: pn.start, end: pn.end });
  }
  // Mask the patent number so its digits or "CN" are not read as anything else.
  const masked = pn ? norm.slice(0, pn.start) + ' '.repeat(pn.end - pn.start) + norm.slice(pn.end) : norm;
  const place = findProvince(masked);
  if (place) {
    entities.province = place.province;
    spans.push({ kind: 'province', start: place.start, end: place.end });
  }
  for (const [type, re] of PATENT_TYPES) {
    const m = firstMatch(re, masked);
    if (m) {
      entities.patentType = type;
      spans.push({ kind: 'patentType', ...m });
      break;
    }
  }
  const ipc = IPC.exec(masked);
  if (ipc) {
    const group = ipc[4] ?? ipc[6];
    const sub = ipc[5] ?? ipc[7];
    entities.ipc = `${ipc[1]}${ipc[2]}${ipc[3]}${group ?? ''}${sub ? `/${sub}` : ''}`.toUpperCase();
    spans.push({ kind: 'ipc', start: ipc.index, end: ipc.index + ipc[0].length });
  }
  const lead = findLeadType(masked);
  if (lead) {
    entities.leadType = lead.leadType;
    spans.push({ kind: 'leadType', start: lead.start, end: lead.end });
  }
  return { entities, spans };
}

/** Entities of a text; spans are offsets into its corrected form (normalised, typos corrected: fuzzy.ts). */
export function extractEntities(text: string): Extraction {
  return extractNormalized(corrected(normalize(text)));
}

/** Topic words of a normalised text given its entity spans. */
export function topicFromSpans(norm: string, spans: readonly Span[]): string {
  const chars = norm.split('');
  const blank = (start: number, end: number): void => {
    for (let i = start; i < end; i++) chars[i] = ' ';
  };
  for (const s of spans) if (s.kind !== 'leadType') blank(s.start, s.end);
  let rest = chars.join('');
  for (const p of findPlaces(rest)) blank(p.start, p.end);
  rest = chars.join('');
  // Other places (a second province, "central China"), IPC labels and punctuation.
  rest = rest.replace(/中部(?:地区|六省)?|六省|ipc|分类号|[\p{P}\p{S}]/gu, ' ');
  rest = rest.replace(ZH_FILLER_RE, ' ');
  const words = rest
    .split(/\s+/)
    .filter((w) => w && !EN_STOP.has(w))
    .filter((w) => !/^[a-z]$/.test(w) && !STANDALONE_FILLER.has(w));
  return squash(words.join(' '));
}

/** The search topic: `"湖北 锂电池 专利"` → `"锂电池"`, `"lithium battery patents in Hubei"` → `"lithium battery"`. */
export function topicWords(text: string): string {
  const norm = corrected(normalize(text));
  return topicFromSpans(norm, extractNormalized(norm).spans);
}
