/**
 * Typo tolerance for English cue words and the closed English vocabularies (province and city names,
 * patent types): a token of 5+ letters that is one edit (insertion, deletion, substitution or
 * transposition) away from exactly one keyword is read as that keyword ("serach" → "search", "anhiu" →
 * "anhui"); one edit from two different words ("hanan": henan or hunan?) it stays as written. Real words that sit one
 * edit from a keyword ("cancer", "inventor", "patient", "modal") are left alone.
 */
import { PROVINCES } from '../core/intents.js';
import { findPlaces, PROVINCE_INFO } from '../domain/geo.js';
import { foldVocab } from './fold-vocab.js';
import { fromPinyin } from './pinyin-input.js';

const KEYWORDS = `search patent patents register registration registrations subscribe unsubscribe cancel policy policies
  subsidy subsidies exhibition license licence invest investor investment infringement infringing agency attorney
  alliance delete forget hello purchase acquire develop collaborate cooperation notifications incentive incentives
  battery batteries lithium details status lawyer notify financing funding sign-up utility model models design
  designs invention inventions result results`
  .split(/\s+/)
  .concat(PROVINCES.flatMap((p) => [PROVINCE_INFO[p].en, ...PROVINCE_INFO[p].cities.flatMap((c) => c.en.split('|'))]).map((w) => w.toLowerCase()))
  .filter((w) => w.length >= 5 && /^[a-z-]+$/.test(w));
const KEYWORD_SET = new Set(KEYWORDS);
const REAL_WORDS = new Set(
  `cancer cancers invent invents invented inventor inventors patient patients parent parents parents' police lesson
  licensed licenses licensee policed agenda status statue states seller sells fundings delta sight signs hollow
  helps helped batter latent potent search searches searched registers registered modal modes motel yodel resign
  desire deign result resulted insult resale henna human hunger`.split(/\s+/),
);
/**
 * Older romanisations of the provinces and a few cities (postal and Wade-Giles: Anhwei, Honan, Hupeh,
 * Kiangsi, Shansi, Hankow …), still met in English writing and old company names, read as today's
 * pinyin. Shensi is Shaanxi (outside the six), kept so: it is not a misspelt Shanxi.
 */
const OLD_ROMANISATION: Readonly<Record<string, string>> = {
  anhwei: 'anhui', nganhwei: 'anhui', honan: 'henan', hupeh: 'hubei', hupei: 'hubei', kiangsi: 'jiangxi',
  shansi: 'shanxi', shensi: 'shaanxi', hankow: 'wuhan', chengchow: 'zhengzhou', hofei: 'hefei', loyang: 'luoyang',
  siangtan: 'xiangtan', kanchow: 'ganzhou', kiukiang: 'jiujiang',
};
/**
 * Real words one edit from a province ("henna", a dye, for Henan): read as the province only where a
 * place stands — the whole message, after in/from/of/at/near, or before patents/policies/province.
 */
const PLACE_ALIKE: Readonly<Record<string, string>> = { henna: 'henan' };
const PLACE_BEFORE = /\b(?:in|from|of|at|near|around)\s+$/;
const PLACE_AFTER = /^\s*(?:province|patents?|polic(?:y|ies)|subsid\w+|companies|firms|universit\w+)\b/;
/** Only this many tokens are examined (long inputs stay linear and cheap). */
const MAX_TOKENS = 300;

function withinOneEdit(a: string, b: string): boolean {
  if (a === b) return true;
  const la = a.length;
  const lb = b.length;
  if (Math.abs(la - lb) > 1) return false;
  let i = 0;
  while (i < la && i < lb && a[i] === b[i]) i++;
  if (la === lb) {
    if (a.slice(i + 1) === b.slice(i + 1)) return true; // substitution
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2); // transposition
  }
  return la > lb ? a.slice(i + 1) === b.slice(i) : a.slice(i) === b.slice(i + 1);
}

/** The normalised text with misspelt English keywords corrected (length may change; used for cues only). */
export function correctTypos(norm: string): string {
  let count = 0;
  return norm.replace(/[a-z][a-z-]{3,}[a-z]/g, (tok, at: number) => {
    if (++count > MAX_TOKENS || KEYWORD_SET.has(tok)) return tok;
    const old = OLD_ROMANISATION[tok];
    if (old) return old;
    const alike = PLACE_ALIKE[tok];
    if (alike) {
      const before = norm.slice(0, at);
      const after = norm.slice(at + tok.length);
      const alone = /^[\s\p{P}\p{S}]*$/u.test(before) && /^[\s\p{P}\p{S}]*$/u.test(after);
      return alone || PLACE_BEFORE.test(before) || PLACE_AFTER.test(after) ? alike : tok;
    }
    if (REAL_WORDS.has(tok)) return tok;
    // A place the gazetteer knows is not a typo (Shaanxi is one edit from Shanxi and another province).
    if (findPlaces(tok).length) return tok;
    let found: string | undefined;
    for (const k of KEYWORDS) {
      if (!withinOneEdit(tok, k)) continue;
      // Singular and plural of one word are one candidate.
      if (found && found.replace(/s$/, '') !== k.replace(/s$/, '')) return tok;
      found ??= k;
    }
    return found ?? tok;
  });
}

/**
 * The normalised text with a wholly pinyin message read back as Chinese (fromPinyin), homophone typos
 * (foldVocab) and English keyword typos corrected: what the classifier reads.
 */
export function corrected(norm: string): string {
  return correctTypos(foldVocab(fromPinyin(norm)));
}
