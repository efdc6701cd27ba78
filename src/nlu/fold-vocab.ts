/**
 * Homophone typos in the closed Chinese vocabularies, corrected by pinyin (`pinyin-pro`): a pinyin
 * input method turns "hunan" into 胡南 as easily as 湖南. `foldVocab` replaces a window of the text by a
 * vocabulary word when
 *   - both read the same without tones (胡南 hu nan = 湖南 hu nan; 实用新形 = 实用新型),
 *   - they share all but one character (all but two for words of four or more), so a different word
 *     that merely sounds alike (暗灰 ≠ 安徽, 同龄 ≠ 铜陵) is left alone,
 *   - the window is not itself a word the platform knows (陕西 is a province outside the six, not a
 *     misspelt 山西) nor a common word that sounds like one (太远, 南洋, 补铁 …),
 *   - and, for a place, it stands where a place stands: after the start, a space, punctuation or a
 *     preposition (在, 去, 从 …) and before 的, 市, 有, a space, punctuation or the end ("离我太远了"
 *     keeps its 太远; "武汗的光纤专利" becomes 武汉).
 * Patent types and cue words (not places) also match through the fuzzy readings pinyin input methods
 * confuse (模糊音: front and back nasals in/ing, en/eng, an/ang; z/zh, c/ch, s/sh): 发民 fa min is 发明 fa
 * ming. Places need the exact reading, as a near-sounding place name is more often another place.
 * A person's name that reads like a province (安辉 Anhui) is read as the province only where a province
 * stands and the text is about patents or policies ("安辉的外观设计专利").
 * A few misspellings by shape (安微) are listed as such. Same length in and out, so offsets stay valid. Only the first MAX_CHARS characters are examined.
 */
import { pinyin } from 'pinyin-pro';
import { PROVINCES } from '../core/intents.js';
import { findPlaces, PROVINCE_INFO } from '../domain/geo.js';

const MAX_CHARS = 600;
/** Words and cue words of the intents whose misspelling loses the request. */
const TERMS = '发明 实用新型 外观设计 专利 报名 政策 补贴 博览会 展会 取消 订阅 转让 许可 检索 搜索';
/** Real words that read like a vocabulary word and share a character with it. */
const SOUND_ALIKE = new Set(
  '太远 运程 信仰 南洋 山溪 订约 补铁 宜阳 富阳 江溪 发名片 正常 长沙发 民用 民营 民生 民间 民族 民宿 民航'.split(' '),
);
/**
 * Given names and common words that read like a province (安辉 Anhui, 山溪 a mountain stream for 山西): a
 * province where one stands (before 的/省/市/有) in a text about patents or policies.
 */
const NAMES = new Set('安慧 安辉 何南 山溪'.split(' '));
const DOMAIN = /专利|政策|补贴|奖励|技术|成果|发明|实用新型|外观设计/;
/** Misspellings by shape rather than sound (徽 and 微 look alike), as written → meant. */
const BY_SHAPE: readonly (readonly [string, string])[] = [['安微', '安徽']];
const HAN = /[\u3400-\u9fff]/;
const PLACE_BEFORE = /[\s\p{P}\p{S}在去来到从是于自和与及、赴往]/u;
const PLACE_AFTER = /[\s\p{P}\p{S}的市省地区有那这一企高大专技和与及、对给为]/u;

/** A syllable with the distinctions pinyin input methods blur (in/ing, en/eng, an/ang, z/zh, c/ch, s/sh) dropped. */
function loose(syllable: string): string {
  return syllable.replace(/^([zcs])h/, '$1').replace(/(?<=[aei])ng$/, 'n');
}

interface Word {
  text: string;
  syllables: string[];
  /** The syllables as `loose` reads them. */
  loose: string[];
  place: boolean;
}
let vocab: Map<string, Word[]> | undefined;

function syllables(s: string): string[] {
  return pinyin(s, { toneType: 'none', type: 'array' });
}

interface Readings {
  exact: readonly string[];
  /** The distinct `loose` forms of `exact`. */
  loose: readonly string[];
}
/** Every reading of a character (polyphones: 长 chang/zhang), cached: one dictionary look-up per character ever. */
const READINGS = new Map<string, Readings>();
const NONE: Readings = { exact: [], loose: [] };
function readings(ch: string): Readings {
  let r = READINGS.get(ch);
  if (!r) {
    const exact = [...new Set(pinyin(ch, { toneType: 'none', type: 'array', multiple: true }))];
    r = { exact, loose: [...new Set(exact.map(loose))] };
    if (READINGS.size < 50_000) READINGS.set(ch, r);
  }
  return r;
}

function word(text: string, place: boolean): Word {
  const s = syllables(text);
  return { text, syllables: s, loose: s.map(loose), place };
}

/** Built on first use (pinyin-pro's dictionary takes ~70 ms to warm up). */
function words(): Map<string, Word[]> {
  if (vocab) return vocab;
  const list: Word[] = [];
  for (const p of PROVINCES) {
    const info = PROVINCE_INFO[p];
    for (const name of [info.zh, ...info.cities.map((c) => c.zh)]) {
      if (name.length >= 2) list.push(word(name, true));
    }
  }
  for (const t of TERMS.split(' ')) list.push(word(t, false));
  vocab = new Map();
  for (const w of list.sort((a, b) => b.text.length - a.text.length)) {
    const first = w.loose[0]!;
    vocab.set(first, [...(vocab.get(first) ?? []), w]);
  }
  return vocab;
}

function known(window: string): boolean {
  for (const list of words().values()) if (list.some((w) => w.text === window)) return true;
  return findPlaces(window).length > 0;
}

function blockedAlike(text: string, start: number, len: number): boolean {
  const window = text.slice(start, start + len);
  if (NAMES.has(window)) return !(/[的省市有]/.test(text[start + len] ?? '') && DOMAIN.test(text));
  for (const w of SOUND_ALIKE) {
    const from = Math.max(0, start - w.length + 1);
    const at = text.slice(from, start + len + w.length - 1).indexOf(w);
    // A sound-alike word overlapping the window (its own word, or one that runs into it).
    if (at >= 0 && from + at < start + len && from + at + w.length > start) return true;
  }
  return false;
}

/** The text with homophone typos of places, patent types and cue words corrected (same length). */
export function foldVocab(text: string): string {
  if (!HAN.test(text)) return text;
  const head = text.slice(0, MAX_CHARS);
  const chars = head.split('');
  const py = chars.map((ch) => (HAN.test(ch) ? readings(ch) : NONE));
  const table = words();
  for (let i = 0; i < chars.length; i++) {
    if (!HAN.test(chars[i]!)) continue;
    const forms = py[i]!.loose;
    const candidates = forms.length === 1 ? (table.get(forms[0]!) ?? []) : [...new Set(forms.flatMap((r) => table.get(r) ?? []))];
    for (const w of candidates) {
      const n = w.text.length;
      if (i + n > chars.length) continue;
      const window = chars.slice(i, i + n).join('');
      if (window === w.text) {
        i += n - 1;
        break;
      }
      const reads = w.place ? w.syllables.every((s, k) => py[i + k]!.exact.includes(s)) : w.loose.every((s, k) => py[i + k]!.loose.includes(s));
      if (!reads) continue;
      let diff = 0;
      for (let k = 0; k < n; k++) if (window[k] !== w.text[k]) diff++;
      if (diff > (n >= 4 ? 2 : 1) || known(window) || blockedAlike(head, i, n)) continue;
      if (w.place && !(PLACE_BEFORE.test(chars[i - 1] ?? ' ') && PLACE_AFTER.test(chars[i + n] ?? ' '))) continue;
      for (let k = 0; k < n; k++) chars[i + k] = w.text[k]!;
      i += n - 1;
      break;
    }
  }
  let out = chars.join('');
  for (const [typo, meant] of BY_SHAPE) out = out.replaceAll(typo, meant);
  return out + text.slice(MAX_CHARS);
}
