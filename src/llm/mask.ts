/**
 * Personal data never leaves the process: phone numbers, e-mail addresses, ID card numbers and bank
 * card numbers in text sent to a model are replaced by placeholders first.
 */
const RULES: [RegExp, string][] = [
  [/[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+/g, '[EMAIL]'],
  [/(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9])/g, '[ID]'],
  [/(?<![0-9])(?:\+?86[\s-]?)?1[3-9]\d(?:[\s-]?\d{4}){2}(?![0-9])/g, '[PHONE]'],
  [/(?<![0-9])(?:0\d{2,3}[\s-]?)?[2-9]\d{6,7}(?![0-9])/g, '[PHONE]'],
  [/(?<![0-9])\d{16,19}(?![0-9])/g, '[CARD]'],
];

export function maskPii(text: string): string {
  let out = text;
  for (const [re, mark] of RULES) out = out.replace(re, mark);
  return out;
}
