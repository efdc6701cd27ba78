/**
 * Length-preserving normalisation: every UTF-16 unit of the input maps to exactly one unit of the output,
 * so offsets found in the normalised text are valid in the original.
 *
 * - NFKC per character when it keeps the length (full-width → half-width, ideographic space → space, ①…)
 * - Latin lower case; curly quotes → straight
 * - control characters, zero-width characters and most symbols outside CJK/Latin → space
 * - Traditional Chinese folded to Simplified (OpenCC), before anything else reads the text
 */

import * as OpenCC from 'opencc-js';

/** Inputs longer than this are classified on their first MAX_CHARS characters (a chat message is short). */
export const MAX_CHARS = 4000;

/**
 * Traditional → Simplified through OpenCC's character and phrase tables (`opencc-js`, built on first use:
 * ~30 ms, so importing this module does nothing). A conversion that would change the length (a phrase
 * mapped to a longer or shorter one) is redone character by character, so offsets stay valid.
 */
let t2s: ((s: string) => string) | undefined;
function toSimplified(text: string): string {
  // Only CJK text can hold a traditional character.
  if (!/[\u3400-\u9fff\uf900-\ufaff]/.test(text)) return text;
  const convert = (t2s ??= OpenCC.Converter({ from: 't', to: 'cn' }));
  const whole = convert(text);
  if (whole.length === text.length) return whole;
  let out = '';
  for (const ch of text) {
    const c = convert(ch);
    out += c.length === ch.length ? c : ch;
  }
  return out;
}

function isKept(code: number): boolean {
  return (
    (code >= 0x20 && code < 0x7f) ||
    (code >= 0x4e00 && code <= 0x9fff) || // CJK unified
    (code >= 0x3400 && code <= 0x4dbf) || // CJK ext A
    (code >= 0x3000 && code <= 0x303f) || // CJK punctuation
    (code >= 0xff00 && code <= 0xffef) || // full-width forms
    (code >= 0x00c0 && code <= 0x024f) || // Latin accents
    code === 0xb7 ||
    (code >= 0x2010 && code <= 0x201f) // dashes and quotes
  );
}

/** Same length as the input (after truncation to MAX_CHARS). */
export function normalize(input: string): string {
  const text = toSimplified(input.length > MAX_CHARS ? input.slice(0, MAX_CHARS) : input);
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const code = ch.charCodeAt(0);
    if (!isKept(code)) {
      out += ' ';
      continue;
    }
    let c = ch;
    const k = c.normalize('NFKC');
    if (k.length === 1) c = k;
    if (c === '\u2019' || c === '\u2018') c = "'";
    else if (c === '\u201c' || c === '\u201d') c = '"';
    else if (c === '\u3000') c = ' ';
    const lower = c.toLowerCase();
    out += lower.length === 1 ? lower : c;
  }
  return out;
}

/** Normalised and with runs of spaces collapsed (for display and topic words; offsets not kept). */
export function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}
