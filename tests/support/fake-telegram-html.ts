/**
 * Telegram's HTML parse mode, ported from tdlib's entity parser, so that the fake refuses
 * unescaped markup exactly as Telegram does (`400 Bad Request: can't parse entities: …`).
 */
// ---------------------------------------------------------------------------------------------
// Telegram's HTML parse mode
// ---------------------------------------------------------------------------------------------

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

const HTML_TAGS = new Set([
  'a',
  'b',
  'strong',
  'i',
  'em',
  's',
  'strike',
  'del',
  'u',
  'ins',
  'tg-spoiler',
  'tg-emoji',
  'span',
  'pre',
  'code',
  'blockquote',
]);

const isHtmlSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

/** `&lt; &gt; &amp; &quot;` and numeric entities; anything else leaves the '&' as a literal. */
function decodeHtmlEntity(src: string, at: number): { ch: string; end: number } | undefined {
  for (const [name, ch] of [
    ['&lt;', '<'],
    ['&gt;', '>'],
    ['&amp;', '&'],
    ['&quot;', '"'],
  ] as const) {
    if (src.startsWith(name, at)) return { ch, end: at + name.length };
  }
  if (src[at + 1] !== '#') return undefined;
  let i = at + 2;
  const hex = src[i] === 'x' || src[i] === 'X';
  if (hex) i++;
  const digitsBegin = i;
  while (i < src.length && (hex ? /[0-9a-fA-F]/ : /[0-9]/).test(src[i] ?? '')) i++;
  if (i === digitsBegin || src[i] !== ';' || i - digitsBegin > 8) return undefined;
  const code = Number.parseInt(src.slice(digitsBegin, i), hex ? 16 : 10);
  if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
  return { ch: String.fromCodePoint(code), end: i + 1 };
}

/**
 * Parses text the way Telegram does for `parse_mode: 'HTML'` (a port of tdlib's parse_html):
 * supported tags are b, strong, i, em, u, ins, s, strike, del, a href, code (class="language-…"),
 * pre, span class="tg-spoiler", tg-spoiler, tg-emoji emoji-id, blockquote [expandable]; named
 * entities &lt; &gt; &amp; &quot; and all numeric ones. Throws an Error whose message is
 * Telegram's (e.g. `Unsupported start tag "br" at byte offset 5`); the Bot API prefixes it with
 * "Bad Request: can't parse entities: ". Offsets in the result are UTF-16, as the Bot API's.
 */
export function parseTelegramHtml(src: string): { text: string; entities: MessageEntity[] } {
  const n = src.length;
  const byteOffset = (k: number): number => Buffer.byteLength(src.slice(0, k), 'utf8');
  const unclosedStart = (begin: number): Error => new Error(`Unclosed start tag at byte offset ${byteOffset(begin)}`);
  let out = '';
  const stack: { tag: string; arg: string; start: number; expandable: boolean; innerLanguage?: string }[] = [];
  const entities: MessageEntity[] = [];
  let i = 0;
  while (i < n) {
    const c = src[i] as string;
    if (c === '&') {
      const decoded = decodeHtmlEntity(src, i);
      if (decoded) {
        out += decoded.ch;
        i = decoded.end;
      } else {
        out += '&';
        i++;
      }
      continue;
    }
    if (c !== '<') {
      out += c;
      i++;
      continue;
    }
    const begin = i;
    i++;
    if (src[i] !== '/') {
      let end = i;
      while (end < n && !isHtmlSpace(src[end]) && src[end] !== '>') end++;
      const tag = src.slice(i, end).toLowerCase();
      if (!HTML_TAGS.has(tag)) {
        throw new Error(`Unsupported start tag "${tag}" at byte offset ${byteOffset(begin)}`);
      }
      i = end;
      let arg = '';
      let expandable = false;
      for (;;) {
        while (i < n && isHtmlSpace(src[i])) i++;
        if (i >= n) throw unclosedStart(begin);
        if (src[i] === '>') break;
        const attrBegin = i;
        while (i < n && !isHtmlSpace(src[i]) && src[i] !== '=' && src[i] !== '>') i++;
        const attr = src.slice(attrBegin, i).toLowerCase();
        if (attr === '') {
          throw new Error(`Empty attribute name in the tag "${tag}" at byte offset ${byteOffset(begin)}`);
        }
        while (i < n && isHtmlSpace(src[i])) i++;
        if (i >= n) throw unclosedStart(begin);
        if (src[i] !== '=') {
          if (tag === 'blockquote' && attr === 'expandable') {
            expandable = true;
            continue;
          }
          throw new Error(
            `Expected equal sign in declaration of an attribute of the tag "${tag}" at byte offset ${byteOffset(begin)}`,
          );
        }
        i++;
        while (i < n && isHtmlSpace(src[i])) i++;
        if (i >= n) throw unclosedStart(begin);
        let value = '';
        const quote = src[i];
        if (quote !== '"' && quote !== "'") {
          const tokenBegin = i;
          while (i < n && /[A-Za-z0-9.-]/.test(src[i] as string)) i++;
          value = src.slice(tokenBegin, i).toLowerCase();
          if (i < n && !isHtmlSpace(src[i]) && src[i] !== '>') {
            throw new Error(`Unexpected end of name token at byte offset ${byteOffset(tokenBegin)}`);
          }
        } else {
          i++;
          while (i < n && src[i] !== quote) {
            const decoded = src[i] === '&' ? decodeHtmlEntity(src, i) : undefined;
            if (decoded) {
              value += decoded.ch;
              i = decoded.end;
            } else {
              value += src[i];
              i++;
            }
          }
          if (i < n) i++;
        }
        if (i >= n) throw unclosedStart(begin);
        if (tag === 'a' && attr === 'href') arg = value;
        else if (tag === 'code' && attr === 'class' && value.startsWith('language-')) arg = value.slice(9);
        else if (tag === 'span' && attr === 'class' && value.startsWith('tg-')) arg = value.slice(3);
        else if (tag === 'tg-emoji' && attr === 'emoji-id') arg = value;
        else if (tag === 'blockquote' && attr === 'expandable') expandable = true;
      }
      if (tag === 'span' && arg !== 'spoiler') {
        throw new Error(`Tag "span" must have class "tg-spoiler" at byte offset ${byteOffset(begin)}`);
      }
      stack.push({ tag, arg, start: out.length, expandable });
      i++; // '>'
    } else {
      if (stack.length === 0) throw new Error(`Unexpected end tag at byte offset ${byteOffset(begin)}`);
      i++; // '/'
      let end = i;
      while (end < n && !isHtmlSpace(src[end]) && src[end] !== '>') end++;
      const endTag = src.slice(i, end).toLowerCase();
      i = end;
      while (i < n && isHtmlSpace(src[i])) i++;
      if (i >= n || src[i] !== '>') throw new Error(`Unclosed end tag at byte offset ${byteOffset(begin)}`);
      const open = stack[stack.length - 1] as (typeof stack)[number];
      if (endTag !== '' && endTag !== open.tag) {
        throw new Error(
          `Unmatched end tag at byte offset ${byteOffset(begin)}, expected "</${open.tag}>", found "</${endTag}>"`,
        );
      }
      stack.pop();
      i++; // '>'
      const offset = open.start;
      const length = out.length - offset;
      const parent = stack[stack.length - 1];
      if (open.tag === 'code' && open.arg !== '' && parent?.tag === 'pre' && parent.start === offset) {
        parent.innerLanguage = open.arg; // <pre><code class="language-x"> is one pre entity with a language
        continue;
      }
      if (length === 0) continue;
      const entity = htmlEntity(open, offset, length);
      if (entity) entities.push(entity);
    }
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) throw new Error(`Can't find end tag corresponding to start tag "${unclosed.tag}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text: out, entities };
}

function htmlEntity(
  open: { tag: string; arg: string; expandable: boolean; innerLanguage?: string },
  offset: number,
  length: number,
): MessageEntity | undefined {
  const at = { offset, length };
  switch (open.tag) {
    case 'b':
    case 'strong':
      return { type: 'bold', ...at };
    case 'i':
    case 'em':
      return { type: 'italic', ...at };
    case 'u':
    case 'ins':
      return { type: 'underline', ...at };
    case 's':
    case 'strike':
    case 'del':
      return { type: 'strikethrough', ...at };
    case 'span':
    case 'tg-spoiler':
      return { type: 'spoiler', ...at };
    case 'code':
      return { type: 'code', ...at };
    case 'pre':
      return open.innerLanguage ? { type: 'pre', ...at, language: open.innerLanguage } : { type: 'pre', ...at };
    case 'blockquote':
      return { type: open.expandable ? 'expandable_blockquote' : 'blockquote', ...at };
    case 'tg-emoji':
      return open.arg ? { type: 'custom_emoji', ...at, custom_emoji_id: open.arg } : undefined;
    case 'a':
      return open.arg ? { type: 'text_link', ...at, url: open.arg } : undefined;
    default:
      return undefined;
  }
}

/** Telegram strips leading and trailing whitespace from message text and clips entities to match. */
export function trimFormatted(text: string, entities: MessageEntity[]): { text: string; entities: MessageEntity[] } {
  const lead = /^[ \t\r\n]*/.exec(text)?.[0].length ?? 0;
  const trimmed = text.slice(lead).replace(/[ \t\r\n]+$/, '');
  const clipped: MessageEntity[] = [];
  for (const e of entities) {
    const start = Math.max(0, e.offset - lead);
    const end = Math.min(trimmed.length, e.offset + e.length - lead);
    if (end > start) clipped.push({ ...e, offset: start, length: end - start });
  }
  return { text: trimmed, entities: clipped };
}

