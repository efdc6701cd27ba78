/**
 * HTML for the console, escaped by construction: `html\`…${value}…\`` escapes every interpolated
 * value unless it is itself an `Html` (a fragment built the same way). There is no other way to put
 * text into a page.
 */
export class Html {
  constructor(readonly value: string) {}
  toString(): string {
    return this.value;
  }
}

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

type Part = Html | string | number | boolean | null | undefined | Part[];
const render = (p: Part): string => (p === null || p === undefined || p === false ? '' : p instanceof Html ? p.value : Array.isArray(p) ? p.map(render).join('') : escapeHtml(String(p)));

export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0]!;
  values.forEach((v, i) => (out += render(v) + strings[i + 1]!));
  return new Html(out);
}

/** A trusted constant (CSS, a script written here), never user data. */
export const raw = (s: string): Html => new Html(s);
