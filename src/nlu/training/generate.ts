/**
 * Template expansion for the training corpus of the learned intent model (see model.ts).
 * Deterministic: a fixed-seed PRNG, so `npx tsx scripts/train-nlu.ts` regenerates `templated.jsonl`
 * byte for byte and a test checks the committed file is current.
 * Labels: the intent (and lead type) of the template set; entities from the slots that were filled.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../linear.js';
import { PROVINCES, type Entities, type Intent } from '../../core/intents.js';
import type { TextLeadType } from '../lexicon.js';
import { PROVINCE_INFO } from '../../domain/geo.js';
import * as V from './vocab.js';
import { EN_SETS } from './templates-en.js';
import { ZH_SETS } from './templates-zh.js';
import { SCOPE_SETS } from './templates-scope.js';

export interface TemplateSet {
  intent: Intent;
  leadType?: TextLeadType;
  lang: 'zh' | 'en';
  /** Distinct lines to produce. */
  n: number;
  /** No polite prefix or suffix (greetings are their own opening). */
  bare?: boolean;
  templates: string[];
}
export interface Row {
  text: string;
  intent: Intent;
  entities: Entities;
}



const PROBLEMS = ['产品表面总起泡', '电机温升太高', '废水COD降不下来', '铸件砂眼多', '涂层容易脱落', '电池一致性差',
  '良品率上不去', '能耗太高', '粉尘超标', '噪音太大', '设备老卡料', '颜色不均匀', '焊点虚焊', '注塑件变形'];
const ZH_TYPOS: readonly [string, string][] = [['什么', '啥'], ['什么', '神马'], ['怎么', '咋'],
  ['专利', '专例'], ['吗', '嘛'], ['的', '滴'], ['谢谢', '3q'], ['这个', '这'], ['你好', '你号']];

const CITIES = PROVINCES.flatMap((p) => PROVINCE_INFO[p].cities.map((c) => ({ p, zh: c.zh, en: c.en.split('|')[0]! })));

class Expander {
  readonly rnd: () => number;
  constructor(seed: number) {
    this.rnd = mulberry32(seed);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.rnd() * xs.length)]!;
  }
  chance(p: number): boolean {
    return this.rnd() < p;
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(Math.floor(this.rnd() * 10));
    return s;
  }

  /** A patent number in one of the spellings people type, with its canonical form. */
  patentNumber(): [string, string] {
    if (this.chance(0.5)) {
      const d = this.pick(['1', '2', '3']) + this.digits(8);
      const kind = this.pick(['A', 'B', 'U', 'S', '']);
      const canon = `CN${d}${kind}`;
      const k = this.chance(0.5) ? kind.toLowerCase() : kind;
      const spelled = this.pick([`CN${d}${kind}`, `cn${d}${k}`, `CN ${d} ${kind}`, `CN ${d.slice(0, 3)} ${d.slice(3, 6)} ${d.slice(6)} ${kind}`]);
      return [spelled.trim(), canon];
    }
    const year = String(2005 + Math.floor(this.rnd() * 20));
    const type = this.pick(['1', '2', '3']);
    const serial = this.digits(7);
    const check = this.chance(0.1) ? 'X' : this.digits(1);
    const canon = `${year}${type}${serial}.${check}`;
    const spelled = this.pick([canon, `ZL${canon}`, `zl ${year} ${type} ${serial}.${check}`, `ZL ${canon}`, `${year} ${type} ${serial}.${check}`]);
    return [spelled, canon];
  }

  /** Numbers that are not patent numbers: mobile and landline numbers, years, prices, codes. */
  number(): string {
    return this.pick([
      () => `1${this.pick(['3', '5', '7', '8', '9'])}${this.digits(9)}`,
      () => `${this.pick(['027', '0731', '0371', '0791', '0551', '0351'])}-${this.digits(8)}`,
      () => `${this.digits(3)} ${this.digits(4)} ${this.digits(4)}`,
      () => String(1990 + Math.floor(this.rnd() * 40)),
      () => this.digits(1 + Math.floor(this.rnd() * 6)),
    ])();
  }

  gibberish(): string {
    const kind = this.rnd();
    if (kind < 0.5) {
      const keys = 'asdfghjklqwertyuiopzxcvbnm';
      let s = '';
      const n = 4 + Math.floor(this.rnd() * 12);
      for (let i = 0; i < n; i++) s += this.chance(0.08) ? ' ' : keys[Math.floor(this.rnd() * keys.length)];
      return s.trim() || 'qwer';
    }
    // No random Chinese characters: an unfamiliar Chinese term is far more often a technology topic.
    return this.pick(['？？？', '。。。', '666', '...', '!!!', '???', '^_^', '+1', '0.0', 'emmm', '???!!', '[捂脸]', '[微笑]', '/:)']);
  }

  /** One line from one template: alternatives chosen, slots filled; repeated slot names share a value. */
  expand(template: string, lang: 'zh' | 'en', entities: Entities): string {
    const seen = new Map<string, string>();
    const text = template.replace(/\[([^\]]*)\]/g, (_m, body: string) => this.pick(body.split('|')));
    return text.replace(/\{(\w+)\}/g, (_m, slot: string) => {
      const prior = seen.get(slot);
      if (prior !== undefined) return prior;
      const value = this.fill(slot, lang, entities);
      seen.set(slot, value);
      return value;
    });
  }

  fill(slot: string, lang: 'zh' | 'en', e: Entities): string {
    const zh = lang === 'zh';
    switch (slot) {
      case 't':
      case 't2':
        return zh !== this.chance(zh ? 0.1 : 0.08) ? this.pick(V.TECH_ZH) : this.pick(V.TECH_EN);
      case 'c': {
        const useZh = zh !== this.chance(zh ? 0.1 : 0.12);
        if (this.chance(0.25)) {
          const p = this.pick(PROVINCES);
          e.province = p;
          const info = PROVINCE_INFO[p];
          return useZh ? this.pick([info.zh, info.zhFull]) : this.pick([info.en, `${info.en} province`]);
        }
        const c = this.pick(CITIES);
        e.province = c.p;
        return useZh ? c.zh : c.en;
      }
      case 'o':
        e.province = null;
        return zh ? this.pick(V.OTHER_ZH) : this.pick(V.OTHER_EN);
      case 'y': {
        const [w, type] = this.pick(zh ? V.PATENT_TYPE_ZH : V.PATENT_TYPE_EN);
        e.patentType = type;
        return w;
      }
      case 'i': {
        const code = this.pick(V.IPC_CODES);
        e.ipc = code;
        return this.chance(0.4) ? code.toLowerCase() : code;
      }
      case 'p': {
        const [spelled, canon] = this.patentNumber();
        e.patentNumber = canon;
        return spelled;
      }
      case 'f':
        return zh ? this.pick(V.FOODS) : this.pick(V.FOODS_EN);
      case 's':
        return zh ? this.pick(V.STOCKS) : this.pick(V.STOCKS_EN);
      case 'z':
        return zh ? this.pick(V.TRIVIA_ZH) : this.pick(V.TRIVIA_EN);
      case 'l':
        return zh ? this.pick(V.LAW_ZH) : this.pick(V.LAW_EN);
      case 'q':
        return this.pick(PROBLEMS);
      case 'g':
        return this.gibberish();
      case 'n':
        return this.number();
      default:
        throw new Error(`unknown slot {${slot}}`);
    }
  }

  /** A typo in one English word of 4+ letters (swap, drop or double a letter). */
  typo(text: string): string {
    const words = [...text.matchAll(/[a-z]{4,}/g)];
    if (!words.length) return text;
    const m = this.pick(words);
    const w = m[0];
    const i = 1 + Math.floor(this.rnd() * (w.length - 2));
    const kind = this.rnd();
    const bad = kind < 0.4 ? w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2) : kind < 0.7 ? w.slice(0, i) + w.slice(i + 1) : w.slice(0, i) + w[i] + w.slice(i);
    return text.slice(0, m.index) + bad + text.slice(m.index + w.length);
  }

  line(set: TemplateSet, template: string): Row {
    const entities: Entities = {};
    let text = this.expand(template, set.lang, entities);
    if (!set.bare) {
      const [pre, suf] = set.lang === 'zh' ? [V.ZH_PREFIX, V.ZH_SUFFIX] : [V.EN_PREFIX, V.EN_SUFFIX];
      if (this.chance(0.45)) text = this.pick(pre) + text;
      if (this.chance(0.45)) text += this.pick(suf);
    }
    if (set.lang === 'en' && this.chance(0.15)) text = this.typo(text);
    if (set.lang === 'zh' && this.chance(0.1)) {
      const [from, to] = this.pick(ZH_TYPOS);
      text = text.replace(from, to);
    }
    if (set.lang === 'en' && this.chance(0.3)) text = text[0]!.toUpperCase() + text.slice(1);
    if (set.leadType) entities.leadType = set.leadType;
    return { text: text.replace(/\s+/g, ' ').trim(), intent: set.intent, entities };
  }
}

export const TEMPLATE_SETS: readonly TemplateSet[] = [...ZH_SETS, ...EN_SETS, ...SCOPE_SETS];

/** The texts of handwritten.jsonl beside this file (lower-cased), which the generator does not produce again. */
function handwrittenTexts(): string[] {
  const file = join(dirname(fileURLToPath(import.meta.url)), 'handwritten.jsonl');
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => (JSON.parse(l) as { text: string }).text.toLowerCase());
}

/** All template sets expanded; each set yields up to `n` lines not seen before in the corpus (hand-written lines included). */
export function generate(seed = 20240611): Row[] {
  const ex = new Expander(seed);
  const seen = new Set<string>(handwrittenTexts());
  const rows: Row[] = [];
  for (const set of TEMPLATE_SETS) {
    let made = 0;
    for (let attempt = 0; made < set.n && attempt < set.n * 40; attempt++) {
      const row = ex.line(set, set.templates[attempt % set.templates.length]!);
      const key = row.text.toLowerCase();
      if (!row.text || seen.has(key)) continue;
      seen.add(key);
      rows.push(row);
      made++;
    }
  }
  return rows;
}

export function toJsonl(rows: readonly Row[]): string {
  return rows.map((r) => JSON.stringify(r)).join('\n') + '\n';
}
