/**
 * The bilingual technology glossary (search/glossary/*.tsv, written for this project) and the
 * Chinese word list derived from it. English query words are translated by longest match; Chinese
 * topic strings are segmented by forward maximum matching against the glossary's Chinese forms.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { englishForms } from './english-forms.js';
import { pickSense, type Sense } from './english-sense.js';
import { nearestWord } from './nearest-word.js';
import { hasCjk, normText } from './text.js';

export const GLOSSARY_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'glossary');

export interface Glossary {
  /** English phrase (lower case, singular) → Chinese forms, preferred first. */
  en: Map<string, string[]>;
  /** English key → the header of its terms.tsv section (`medicine: diseases`, `environment`). */
  enSection: Map<string, string>;
  /** Longest English key, in words. */
  maxEnWords: number;
  /** Every word of every English key: what a misspelt query word is corrected to. */
  enWords: Set<string>;
  /** Keys with several senses (senses.tsv), picked by the query's words. */
  senses: Map<string, Sense[]>;
  /** Chinese form → every form of its synonym groups and glossary entries (itself first). */
  zhAlts: Map<string, string[]>;
  /** Chinese forms used for segmentation. */
  zhWords: Set<string>;
  maxZhLen: number;
  /** How needs are phrased (need-words.tsv): words to drop, effect verbs (form → canonical verb), actions, kinds. */
  need: NeedWords;
}

export interface NeedWords {
  drop: Set<string>;
  effect: Map<string, string>;
  action: Set<string>;
  /** The kind of thing wanted (药物, 材料, 试剂): it ranks, but the need's subject is what it is for. */
  kind: Set<string>;
  /** Actions done to a body or a disease (治疗, 诊断): the sense an English action takes beside a medical term. */
  medical: Set<string>;
  /** The quality wanted of a result (更快, 更好, 高效, 快速): ranks like an effect, never required nor the head. */
  degree: Set<string>;
}

function loadNeedWords(file: string): NeedWords {
  const need: NeedWords = { drop: new Set(), effect: new Map(), action: new Set(), kind: new Set(), medical: new Set(), degree: new Set() };
  for (const l of lines(file)) {
    const [kind, v] = l.split('\t');
    const forms = (v ?? '').split('|').map((s) => normText(s)).filter(Boolean);
    if (kind === 'drop') for (const f of forms) need.drop.add(f);
    else if (kind === 'effect') for (const f of forms) need.effect.set(f, forms[0]!);
    else if (kind === 'action') for (const f of forms) need.action.add(f);
    else if (kind === 'kind') for (const f of forms) need.kind.add(f);
    else if (kind === 'medical') for (const f of forms) need.medical.add(f);
    else if (kind === 'degree') for (const f of forms) need.degree.add(f);
  }
  return need;
}

function lines(file: string): string[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((l) => l.replace(/\s+#.*$/, '').trim())
    .filter((l) => l && !l.startsWith('#'));
}

export function loadGlossary(dir = GLOSSARY_DIR): Glossary {
  const en = new Map<string, string[]>();
  const zhAlts = new Map<string, string[]>();
  const link = (forms: string[]) => {
    for (const f of forms) {
      const cur = zhAlts.get(f) ?? [f];
      for (const g of forms) if (!cur.includes(g)) cur.push(g);
      zhAlts.set(f, cur);
    }
  };
  const need = loadNeedWords(path.join(dir, 'need-words.tsv'));
  const enSection = new Map<string, string>();
  let section = '';
  for (const raw of readFileSync(path.join(dir, 'terms.tsv'), 'utf8').split('\n')) {
    const header = /^#\s*---\s*(.+?)\s*---/.exec(raw);
    if (header) section = header[1]!;
    const l = raw.replace(/\s+#.*$/, '').trim();
    if (!l || l.startsWith('#')) continue;
    const [k, v] = l.split('\t');
    if (!k || !v) continue;
    const forms = v.split('|').map((s) => normText(s)).filter(Boolean);
    if (forms.length === 0) continue;
    en.set(normEnglish(k), forms);
    enSection.set(normEnglish(k), section);
    // An English action with several Chinese actions has several senses (treatment: 治疗 a disease,
    // 处理 wastewater): each is a form of the English word, but they are not synonyms of each other.
    const zh = forms.filter(hasCjk);
    if (zh.filter((f) => need.action.has(f)).length < 2) link(zh);
  }
  for (const l of lines(path.join(dir, 'zh-synonyms.tsv'))) {
    const forms = l.split('|').map((s) => normText(s)).filter(Boolean);
    if (forms.length > 1) link(forms);
  }
  // Broad → narrower, one way: appended to the broad term's forms only.
  for (const l of lines(path.join(dir, 'zh-narrower.tsv'))) {
    const [broad, v] = l.split('\t').map((x) => normText(x ?? ''));
    if (!broad || !v) continue;
    const cur = zhAlts.get(broad) ?? [broad];
    for (const n of v.split('|').map((x) => x.trim()).filter(Boolean)) if (!cur.includes(n)) cur.push(n);
    zhAlts.set(broad, cur);
  }
  // Need words segment like terms, so 如何提高水稻产量 splits into 如何 · 提高 · 水稻 · 产量.
  const zhWords = new Set([...zhAlts.keys(), ...need.drop, ...need.effect.keys(), ...need.action, ...need.kind, ...need.degree].filter(hasCjk));
  let maxZhLen = 0;
  for (const w of zhWords) maxZhLen = Math.max(maxZhLen, w.length);
  let maxEnWords = 1;
  for (const k of en.keys()) maxEnWords = Math.max(maxEnWords, k.split(' ').length);
  const enWords = new Set<string>();
  for (const k of en.keys()) for (const w of k.split(' ')) if (/^[a-z]+$/.test(w)) enWords.add(w);
  return { en, enSection, maxEnWords, enWords, senses: loadSenses(path.join(dir, 'senses.tsv')), zhAlts, zhWords, maxZhLen, need };
}

function loadSenses(file: string): Map<string, Sense[]> {
  const out = new Map<string, Sense[]>();
  for (const l of lines(file)) {
    const [key, forms, cues, written] = l.split('\t').map((x) => x.trim());
    if (!key || !forms) continue;
    const k = normEnglish(key);
    const sense: Sense = {
      forms: forms.split('|').map((f) => normText(f)).filter(Boolean),
      cues: new Set((cues ?? '').split(/\s+/).map((c) => normEnglish(c)).filter(Boolean)),
      ...(written ? { written } : {}),
    };
    out.set(k, [...(out.get(k) ?? []), sense]);
  }
  return out;
}

/** British spellings → the American ones the glossary keys use. */
const BRITISH: [RegExp, string][] = [
  [/fibre/g, 'fiber'],
  [/aluminium/g, 'aluminum'],
  [/sulph/g, 'sulf'],
  [/colour/g, 'color'],
  [/tumour/g, 'tumor'],
  [/haem/g, 'hem'],
  [/oestr/g, 'estr'],
  [/anaesth/g, 'anesth'],
  [/([a-z]{3})is(e|ed|ing|ation)\b/g, '$1iz$2'],
  [/\b(cent|met|lit)re\b/g, '$1er'],
  [/analys(e|ed|ing)\b/g, 'analyz$1'],
  [/\bprogramme\b/g, 'program'],
];

/** Lower case, American spelling, hyphens and punctuation as spaces, each word singular. */
export function normEnglish(s: string): string {
  let t = normText(s);
  for (const [re, rep] of BRITISH) t = t.replace(re, rep);
  return t
    .replace(/[^a-z0-9+.\s]/g, ' ')
    .split(/\s+/)
    .filter(Boolean)
    .map(singular)
    .join(' ');
}

// -as stays only in gas words and a few nouns (syngas, pancreas); areas and ideas are plurals.
const INVARIANT = /(?:ss|us|is|ics|sis|ous|gas|pancreas|atlas|canvas)$/;
const IRREGULAR: Record<string, string> = {
  bacteria: 'bacterium', mitochondria: 'mitochondrion', media: 'medium', criteria: 'criterion', phenomena: 'phenomenon',
  fungi: 'fungus', nuclei: 'nucleus', stimuli: 'stimulus', larvae: 'larva', algae: 'alga', antennae: 'antenna',
  formulae: 'formula', matrices: 'matrix', indices: 'index', vertices: 'vertex', analyses: 'analysis', diagnoses: 'diagnosis',
  syntheses: 'synthesis', leaves: 'leaf', knives: 'knife', teeth: 'tooth', feet: 'foot', mice: 'mouse', children: 'child',
  people: 'person', men: 'man', women: 'woman', lenses: 'lens', data: 'data', species: 'species', series: 'series',
  diabetes: 'diabetes', rabies: 'rabies', herpes: 'herpes', scabies: 'scabies', gas: 'gas', gases: 'gas', glasses: 'glass',
};
export function singular(w: string): string {
  const irregular = IRREGULAR[w];
  if (irregular) return irregular;
  if (w.length <= 3 || INVARIANT.test(w)) return w;
  if (/ies$/.test(w)) return w.slice(0, -3) + 'y';
  if (/(?:ches|shes|sses|xes|zes)$/.test(w)) return w.slice(0, -2);
  if (/s$/.test(w)) return w.slice(0, -1);
  return w;
}

export interface EnglishPiece {
  /** The English words this piece covers. */
  en: string;
  /** Chinese forms when the glossary knows the phrase. */
  zh?: string[];
}

export interface EnglishContext {
  /** The query as typed (case kept): a written form such as `GaN` picks a sense. */
  raw?: string;
  /** Every word of the query (normalised): the cues that pick a sense. Defaults to the text's words. */
  words?: readonly string[];
  /** Words that are never corrected as typos (the caller's stop and generic words). */
  keep?: (w: string) => boolean;
}

/**
 * Longest-match translation of English words; unknown words come back without `zh`. A word that is
 * not a key is looked up through its dictionary forms (detecting → detection), then, when it is in no
 * key at all, as the one vocabulary word a typo away (flexable → flexible), and the match restarts
 * there so the corrected word can join a longer key (fluoresent probe → fluorescent probe). A key with
 * senses (senses.tsv) takes the one the query's words point to.
 */
export function translateEnglish(g: Glossary, text: string, ctx: EnglishContext = {}): EnglishPiece[] {
  // A word in no key stands for its dictionary form when that form is in one (stopping bleeding → stop
  // bleeding, so the key `stop bleeding` matches).
  const orig = normEnglish(text).split(' ').filter(Boolean);
  const words = orig.map((w) => (g.enWords.has(w) ? w : (englishForms(w).find((f) => g.enWords.has(f)) ?? w)));
  const all = ctx.words ?? words;
  const out: EnglishPiece[] = [];
  const sensed = (key: string, zh: string[]) => pickSense(g.senses.get(key), all.filter((w) => !key.split(' ').includes(w)), ctx.raw) ?? zh;
  for (let i = 0; i < words.length; ) {
    let hit: EnglishPiece | undefined;
    // A verb before its object names the compound noun: generating images → image generation.
    hit = /(?:ing|e)$/.test(orig[i]!) ? verbObject(g, orig[i]!, words, i) : undefined;
    for (let n = Math.min(g.maxEnWords, words.length - i); n >= 1 && !hit; n--) {
      const key = words.slice(i, i + n).join(' ');
      const zh = g.en.get(key);
      if (zh) hit = { en: key, zh: sensed(key, zh) };
      else if (n > 1) {
        const joined = words.slice(i, i + n).join('');
        const zj = g.en.get(joined);
        if (zj) hit = { en: key, zh: zj };
      }
    }
    const w = words[i]!;
    if (!hit) {
      const lemma = lemmaKey(g, w);
      if (lemma) hit = { en: w, zh: sensed(lemma, g.en.get(lemma)!) };
    }
    if (!hit && !g.enWords.has(w) && !ctx.keep?.(w)) {
      // A correction stands only when the corrected word then translates (alone or in a longer key):
      // factory is not a misspelt factor.
      const fixed = nearestWord(w, g.enWords);
      const next = fixed ? translateEnglish(g, [fixed, ...words.slice(i + 1, i + g.maxEnWords)].join(' '), { ...ctx, words: all })[0] : undefined;
      if (fixed && next?.zh) {
        words[i] = fixed;
        continue;
      }
    }
    if (hit) {
      out.push(hit);
      i += hit.en.split(' ').length;
    } else {
      out.push({ en: w });
      i++;
    }
  }
  return out;
}

/** `object… noun-of-verb` as a key (removing heavy metals → heavy metal removal), the longest object first. */
function verbObject(g: Glossary, verb: string, words: string[], i: number): EnglishPiece | undefined {
  const nouns = [verb, ...englishForms(verb)];
  for (let n = Math.min(g.maxEnWords - 1, words.length - i - 1); n >= 1; n--) {
    const object = words.slice(i + 1, i + 1 + n).join(' ');
    for (const f of nouns) {
      // The key covers as many words as the query's verb and object, so the match moves on by as many.
      const key = `${object} ${f}`;
      const zh = g.en.get(key);
      if (zh) return { en: key, zh };
    }
  }
  return undefined;
}

/** The key of an inflected or derived form the glossary lacks, through its dictionary forms (english-forms.ts). */
function lemmaKey(g: Glossary, w: string): string | undefined {
  return englishForms(w).find((f) => g.en.has(f));
}

/** Characters that join or mark words and never sit inside an unknown term (柴油机的氮氧化物). */
const JOINER = /[的和与及或、]/;

interface Seg {
  /** Characters left unknown, then pieces: what the segmentation minimises. */
  unknown: number;
  pieces: number;
  /** Length of the first piece (1 for an unknown character or a joiner). */
  len: number;
}

/**
 * Segmentation over the glossary's Chinese forms that leaves the fewest characters unknown, then uses
 * the fewest pieces; on a tie the longer first word. (Forward maximum matching glued 氮 to the unknown
 * run before 氧化物 and takes 研究生 before 命.) Runs of characters the glossary does not know stay
 * together as one piece, so an unknown compound is searched as written; a joiner (的, 和) is a piece
 * of its own and ends a run.
 */
export function segmentChinese(g: Glossary, s: string, exclude?: ReadonlySet<string>): string[] {
  const n = s.length;
  // best[u][i]: the best segmentation of s.slice(i) when the character before i is (u = 1) or is not
  // (u = 0) part of an unknown run it would continue.
  const best: Seg[][] = [new Array(n + 1), new Array(n + 1)];
  best[0]![n] = best[1]![n] = { unknown: 0, pieces: 0, len: 0 };
  const lt = (a: Seg, b: Seg) => a.unknown < b.unknown || (a.unknown === b.unknown && (a.pieces < b.pieces || (a.pieces === b.pieces && a.len > b.len)));
  for (let i = n - 1; i >= 0; i--) {
    for (const u of [0, 1]) {
      let pick: Seg | undefined;
      if (JOINER.test(s[i]!)) {
        const r = best[0]![i + 1]!;
        pick = { unknown: r.unknown, pieces: r.pieces + 1, len: 1 };
      } else {
        const r = best[1]![i + 1]!;
        pick = { unknown: r.unknown + 1, pieces: r.pieces + (u ? 0 : 1), len: 1 };
        for (let len = Math.min(g.maxZhLen, n - i); len >= 2; len--) {
          const w = s.slice(i, i + len);
          if (exclude?.has(w) || !g.zhWords.has(w)) continue;
          const rw = best[0]![i + len]!;
          const cand = { unknown: rw.unknown, pieces: rw.pieces + 1, len };
          if (lt(cand, pick)) pick = cand;
        }
      }
      best[u]![i] = pick;
    }
  }
  const out: string[] = [];
  let unknown = '';
  for (let i = 0, u = 0; i < n; ) {
    const len = best[u]![i]!.len;
    if (len === 1 && !JOINER.test(s[i]!)) {
      unknown += s[i];
      i++;
      u = 1;
      continue;
    }
    if (unknown) out.push(unknown), (unknown = '');
    out.push(s.slice(i, i + len));
    i += len;
    u = 0;
  }
  if (unknown) out.push(unknown);
  return out;
}
