/**
 * Chinese patent numbers in the spellings people type, normalised to one form:
 * uppercase, no spaces, leading `ZL` removed.
 *
 * - Publication numbers: `CN` + 7–9 digits + optional kind code (A B C U Y S D):
 *   `CN112345678A`, `cn 218751475 u` → `CN218751475U`, older `CN1977735`, `CN3045510`.
 * - Application numbers: `YYYY T NNNNNNN . C` (since 2003) or `YY T NNNNN . C` (before), check digit 0-9/X,
 *   optionally prefixed by `ZL` or `CN`, spaces allowed between groups:
 *   `ZL 2020 1 0876543.2` → `202010876543.2`, `202120345678.x` → `202120345678.X`.
 *   Decision: an application number written with a `CN` prefix (`CN202223220665.2`, the way the patent
 *   corpus stores `applicationNumber`) is normalised like the `ZL` form, to the bare `202223220665.2`, so
 *   that one number has one canonical spelling. Search code that looks up `applicationNumber` must try
 *   `CN` + value as well; `applicationNumberVariants` gives both.
 *   Without the dot the 13-character form (`2019102345678`) is accepted only after `ZL`/`CN` or a cue such
 *   as 专利号/申请号/patent no., and is normalised with the dot.
 * Phone numbers, years, dates and prices are not taken: they lack the structure (year + type digit + dot +
 * check digit, or the `CN` prefix).
 */

export interface PatentNumberMatch {
  value: string;
  start: number;
  end: number;
}

const KIND = 'ABCUYSD';
const PUBLICATION = /(?<![a-z0-9])cn[ \t]?((?:\d[ \t]?){6,8}\d)(?:[ \t]?([abcuysd])(?:\d)?)?(?![a-z0-9]|[.．][0-9])/gi;
const APPLICATION =
  /(?<![a-z0-9.])(?:(zl|cn)[ \t]?)?((?:\d[ \t]?){7,11}\d)[ \t]?([.．。·][ \t]?[0-9x]|[0-9x])?(?![0-9a-z]|[.．][0-9])/gi;
const CUE_BEFORE = /(?:专利号|申请号|公开号|公告号|号码|patent\s*(?:no\.?|number|#)|application\s*(?:no\.?|number))\s*[:：]?\s*$/i;

function validApplicationDigits(d: string): boolean {
  if (d.length === 12) {
    const year = Number(d.slice(0, 4));
    return year >= 1985 && year <= 2039 && '12389'.includes(d[4]!);
  }
  if (d.length === 8) {
    const yy = Number(d.slice(0, 2));
    return (yy >= 85 || yy <= 2) && '12389'.includes(d[2]!);
  }
  return false;
}

function publication(text: string, m: RegExpExecArray): PatentNumberMatch | undefined {
  // "is CN112345678 a valid…": a lone lower-case "a" after a space is the article, not the kind code.
  if (/[ \t]a$/.test(m[0]) && /^[ \t]+[a-z]/i.test(text.slice(m.index + m[0].length))) {
    const trimmed = m[0].replace(/[ \t]a$/, '');
    const digits = m[1]!.replace(/[ \t]/g, '');
    return { value: `CN${digits}`, start: m.index, end: m.index + trimmed.length };
  }
  const digits = m[1]!.replace(/[ \t]/g, '');
  if (digits.length < 7 || digits.length > 9) return undefined;
  const kind = (m[2] ?? '').toUpperCase();
  if (kind && !KIND.includes(kind)) return undefined;
  // A 9-digit publication number starts with 1, 2 or 3 (invention, utility model, design).
  if (digits.length === 9 && !'123'.includes(digits[0]!)) return undefined;
  return { value: `CN${digits}${kind}`, start: m.index, end: m.index + m[0].length };
}

function application(text: string, m: RegExpExecArray, loose: boolean): PatentNumberMatch | undefined {
  const prefix = m[1];
  const raw = m[2]!.replace(/[ \t]/g, '');
  const tail = m[3] ?? '';
  const check = tail.slice(-1).toUpperCase();
  const dotted = tail.length > 1;
  let digits = raw;
  let checkDigit = '';
  if (dotted) checkDigit = check;
  else {
    // Undotted: the last character is the check digit (13 or 9 characters in all).
    const all = raw + check;
    if (all.length !== 13 && all.length !== 9) return undefined;
    const cued = !!prefix || loose || CUE_BEFORE.test(text.slice(Math.max(0, m.index - 24), m.index));
    if (!cued) return undefined;
    digits = all.slice(0, -1);
    checkDigit = all.slice(-1);
  }
  if (!validApplicationDigits(digits) || !/^[0-9X]$/.test(checkDigit)) return undefined;
  return { value: `${digits}.${checkDigit}`, start: m.index, end: m.index + m[0].length };
}

/** Full-width ASCII → ASCII, one unit for one unit, so offsets stay valid. */
function halfWidth(text: string): string {
  return text.replace(/[\uff01-\uff5e]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0));
}

function scan(input: string, loose: boolean): PatentNumberMatch | undefined {
  const text = halfWidth(input);
  let best: PatentNumberMatch | undefined;
  const consider = (c: PatentNumberMatch | undefined): void => {
    if (c && (!best || c.start < best.start || (c.start === best.start && c.end > best.end))) best = c;
  };
  APPLICATION.lastIndex = 0;
  for (let m = APPLICATION.exec(text); m; m = APPLICATION.exec(text)) {
    const c = application(text, m, loose);
    if (c) {
      consider(c);
      break;
    }
  }
  PUBLICATION.lastIndex = 0;
  for (let m = PUBLICATION.exec(text); m; m = PUBLICATION.exec(text)) {
    // Skip a CN-prefixed application number (the APPLICATION pass handles it).
    const after = text.slice(m.index + m[0].length, m.index + m[0].length + 3);
    if (/^[ \t]?[.．。·][ \t]?[0-9x]/i.test(after) || /^[0-9]/.test(after)) continue;
    const c = publication(text, m);
    if (c) {
      consider(c);
      break;
    }
  }
  return best;
}

/** The first patent number in the text, if any. */
export function findPatentNumber(text: string): PatentNumberMatch | undefined {
  return scan(text, false);
}

/** The canonical form of a string that is a patent number (surrounding spaces/punctuation allowed). */
export function normalizePatentNumber(s: string): string | undefined {
  const t = s.trim();
  const m = scan(t, true);
  if (!m) return undefined;
  const rest = t.slice(0, m.start) + t.slice(m.end);
  return /^[\s:：,，.。#]*$/.test(rest) ? m.value : undefined;
}

/** `publication` for `CN…` numbers, `application` for `YYYYTNNNNNNN.C`. */
export function patentNumberKind(value: string): 'publication' | 'application' {
  return value.startsWith('CN') ? 'publication' : 'application';
}

/** Spellings under which an application number may be stored (`202223220665.2`, `CN202223220665.2`). */
export function applicationNumberVariants(value: string): string[] {
  return patentNumberKind(value) === 'application' ? [value, `CN${value}`] : [value];
}
