/**
 * A fake Telegram Bot API server for tests.
 *
 * It is a real HTTP server on 127.0.0.1 (random port) that the real telegraf client talks to:
 *
 *   const fake = await startFakeTelegram();
 *   const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.url, webhookReply: false } });
 *
 * Requests are `${url}/bot${token}/${method}` with parameters from the query string and from a
 * JSON, `application/x-www-form-urlencoded` or `multipart/form-data` body, as Telegram accepts.
 * Answers are Bot API shaped: `{ ok: true, result }` or
 * `{ ok: false, error_code, description, parameters? }` with the same HTTP status as error_code.
 *
 * Behaviour copied from Telegram because tests rely on it catching real mistakes:
 *  - `parse_mode: 'HTML'` text goes through a port of Telegram's (tdlib's) HTML entity parser, so
 *    unescaped user text (`a < b`, `<br>`, an unclosed `<b>`) fails with
 *    `400 Bad Request: can't parse entities: …` exactly as it does in production. The returned
 *    Message carries the plain text and `entities`, as Telegram's does.
 *  - text is trimmed; empty → `message text is empty`; over 4096 characters → `message is too long`.
 *  - inline keyboards: callback_data must be 1–64 bytes (`BUTTON_DATA_INVALID`), a button needs an
 *    action (`Text buttons are unallowed in the inline keyboard`), urls must be urls.
 *  - editing a message to identical text and keyboard → `message is not modified: …`; editing a
 *    message the bot did not send → `message can't be edited`; answering a callback query twice →
 *    `query is too old …`; deleting twice → `message to delete not found`.
 *  - getUpdates long-polls, confirms updates below `offset`, honours `limit` and `allowed_updates`,
 *    answers 409 while a webhook is set, and answers 409 "terminated by other getUpdates request"
 *    to a held poll when a second poller arrives (two bots on one token).
 *  - setWebhook wants an https url on port 80, 88, 443 or 8443 and a secret of `A-Za-z0-9_-`.
 *
 * Faults: failNext answers errors (429, 403, 5xx …); holdNext leaves a request unanswered — after
 * performing it or not — to test a client that dies between a send and its own bookkeeping.
 * rateLimit turns on a flood-control mode: sends beyond a configured rate (overall and per chat,
 * over a sliding 1000 ms window) are answered 429 "Too Many Requests: retry after N", as Telegram's.
 *
 * Nothing is delivered to a webhook url: with a webhook set, pushed updates only queue up (they
 * show in getWebhookInfo's pending_update_count). Feed webhook handlers directly instead.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRateLimitOptions, readBody, SlidingWindowLimiter } from './fake-base.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface FakeApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface FakeCall {
  /** Canonical Bot API method name (Telegram matches names case-insensitively). */
  method: string;
  params: Record<string, unknown>;
  /** Date.now() when the request arrived. */
  at: number;
  /** True when the call was answered with `ok: false` (failNext, validation, 401, 404, 409 …). */
  failed?: boolean;
  /** The error answered, when failed. */
  error?: FakeApiError;
  /** The `result` answered, when ok. Set when the answer is sent (later for a held getUpdates). */
  result?: unknown;
  /**
   * Set for a call caught by holdNext: the request never got an answer. With `deliver: false` the
   * call is also `failed` (nothing happened at "Telegram"); with `deliver: true` it has a `result`
   * (the message exists) although the client never learned of it.
   */
  held?: true;
  /** Set for a call refused with 429 by the rate-limit mode (see FakeTelegram.rateLimit). */
  rateLimited?: true;
}

export interface FakeRateLimit {
  /** At most this many accepted sends (all chats together) within any sliding 1000 ms window. */
  perSecond?: number;
  /** At most this many accepted sends to one chat_id within any sliding 1000 ms window. */
  perChatPerSecond?: number;
  /** The retry_after answered with the 429 (seconds; default 1). */
  retryAfter?: number;
}

/** A send that the rate-limit mode let through. */
export interface FakeAcceptedSend {
  method: string;
  /** String(chat_id); '' for an inline message edit (no chat_id). */
  chatId: string;
  /** `text`, else `caption`, else ''. */
  text: string;
  /** Date.now() when it was counted (kept non-decreasing), the time the window uses. */
  at: number;
}

export interface FakeHoldOptions {
  /** Only calls whose chat_id matches count (as failNext's chatId). */
  chatId?: number | string;
  /**
   * false (default): nothing is done — the call is recorded as failed and held, like a request
   * lost before it reached Telegram. true: the method runs (a sendMessage is stored and shows in
   * callsTo with its result, not failed) and only the answer is withheld, like Telegram accepting a
   * message whose answer the client never receives.
   */
  deliver?: boolean;
  /** How many calls to hold (default 1). */
  times?: number;
}

export type FakeFailure =
  | { code: 429; retryAfter: number }
  | { code: 403 }
  | { code: number; description: string; parameters?: FakeApiError['parameters'] };

export interface FakeWebhook {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
}

export interface FakeTelegram {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) — use as telegraf's apiRoot. */
  url: string;
  /** The bot token the server accepts; any other token gets 401 Unauthorized. */
  token: string;
  botId: number;
  botUsername: string;
  /** Every call in order, including failed ones (see FakeCall.failed). */
  calls: FakeCall[];
  /** Calls of one method (case-insensitive), failed ones included. */
  callsTo(method: string): FakeCall[];
  /** Queue an update for getUpdates (assigns update_id if missing, increasing). Returns the queued update. */
  pushUpdate(update: Record<string, unknown>): Record<string, unknown>;
  /** Updates queued and not yet confirmed by a getUpdates offset. */
  pendingUpdates(): Record<string, unknown>[];
  /**
   * Make the next N (`times`, default 1) calls of `method` fail: `{ code: 429, retryAfter }` →
   * 429 "Too Many Requests: retry after N" with parameters.retry_after; `{ code: 403 }` →
   * "Forbidden: bot was blocked by the user"; or any code and description. With `chatId`, only
   * calls whose chat_id matches count. Codes ≥ 500 reach telegraf as the HTTP status text, as
   * telegraf ignores the body of those.
   */
  failNext(method: string, failure: FakeFailure, opts?: { times?: number; chatId?: number | string }): void;
  /**
   * Hold the next N (`times`, default 1) calls of `method`: the request is read and recorded, and
   * never answered — the client waits until its connection is dropped (releaseHeld, close, or the
   * client going away, e.g. a killed process). See FakeHoldOptions for `deliver` and `chatId`.
   * failNext rules are checked first. Held calls count for waitFor.
   */
  holdNext(method: string, opts?: FakeHoldOptions): void;
  /** Calls currently held open (not yet released, and the client still connected). */
  heldCalls(): FakeCall[];
  /** Drops the connections of every held call (the client sees the socket close); returns how many. */
  releaseHeld(): number;
  /**
   * Resolves with callsTo(method) once `count` (default 1) calls of `method` have been recorded
   * (failed ones count too); rejects after timeoutMs (default 10000) listing what was received.
   */
  waitFor(method: string, count?: number, timeoutMs?: number): Promise<FakeCall[]>;
  /**
   * Turn the rate-limit mode on (or reconfigure it), or off with `undefined`. While on, every
   * send-like call (sendMessage, editMessageText, editMessageReplyMarkup, editMessageCaption,
   * copyMessage, forwardMessage, sendPhoto, sendDocument, … see RATE_LIMITED_METHODS) is counted
   * when it arrives: if accepting it would make more than `perSecond` accepted sends within a
   * sliding 1000 ms window — a send at t counts in (t-1000, t] — or more than `perChatPerSecond` to
   * its chat_id, it is answered 429 `Too Many Requests: retry after N` with
   * `parameters.retry_after: N` (N = retryAfter ?? 1), recorded in `calls` as failed with
   * `rateLimited: true`, and not counted. An omitted limit is not enforced. Checked after failNext
   * and before holdNext (a refused call consumes no hold; a `deliver: false` hold bypasses the
   * limiter entirely). Accepted calls that then fail validation (400) still count: they reached
   * the limiter. Every call with options restarts the mode: windows, rateLimited(), maxInWindow()
   * and acceptedSends() start from zero. Turning it off keeps the counters readable.
   */
  rateLimit(opts: FakeRateLimit | undefined): void;
  /** How many calls the rate-limit mode answered with 429 since it was last turned on. */
  rateLimited(): number;
  /** The most accepted sends seen within any sliding 1000 ms window since rateLimit was last turned on. */
  maxInWindow(): number;
  /** Sends the rate-limit mode accepted since it was last turned on, in order. */
  acceptedSends(): FakeAcceptedSend[];
  /** Set by setWebhook, cleared by deleteWebhook. */
  webhook: FakeWebhook | undefined;
  /** Ends held getUpdates with an empty result, rejects pending waitFor()s, closes every connection. */
  close(): Promise<void>;
}

export interface StartFakeTelegramOptions {
  token?: string;
  botUsername?: string;
  /** Defaults to the number before ':' in the token, as with real tokens. */
  botId?: number;
}

export const DEFAULT_FAKE_TOKEN = '123456:TEST-token-abcdefghijklmnop';
export const DEFAULT_BOT_USERNAME = 'patent_bridge_bot';
export const DEFAULT_BOT_ID = 123456;
const BOT_FIRST_NAME = 'Patent Bridge';

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: FakeApiError['parameters'],
  ) {
    super(description);
  }

  toBody(): FakeApiError {
    return {
      error_code: this.code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);

/** A result answered together with a top-level `description`, as setWebhook's is. */
class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

function failureToError(failure: FakeFailure): ApiError {
  if ('description' in failure && typeof failure.description === 'string') {
    const parameters = 'parameters' in failure ? failure.parameters : undefined;
    return new ApiError(failure.code, failure.description, parameters);
  }
  if (failure.code === 429 && 'retryAfter' in failure) {
    const n = failure.retryAfter;
    return new ApiError(429, `Too Many Requests: retry after ${n}`, { retry_after: n });
  }
  if (failure.code === 403) return new ApiError(403, 'Forbidden: bot was blocked by the user');
  return new ApiError(failure.code, `Error ${failure.code}`);
}

// ---------------------------------------------------------------------------------------------
// Rate limiting
// ---------------------------------------------------------------------------------------------

/** Methods the rate-limit mode counts: everything that posts or changes a message in a chat. */
export const RATE_LIMITED_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
  'editMessageCaption',
  'editMessageMedia',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
  'forwardMessages',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAudio',
  'sendVoice',
  'sendAnimation',
  'sendVideoNote',
  'sendSticker',
  'sendMediaGroup',
  'sendLocation',
  'sendVenue',
  'sendContact',
  'sendPoll',
  'sendDice',
  'sendInvoice',
]);



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
function trimFormatted(text: string, entities: MessageEntity[]): { text: string; entities: MessageEntity[] } {
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

// ---------------------------------------------------------------------------------------------
// Request parameters
// ---------------------------------------------------------------------------------------------

const JSON_FIELDS = new Set([
  'reply_markup',
  'allowed_updates',
  'entities',
  'caption_entities',
  'link_preview_options',
  'reply_parameters',
  'commands',
  'scope',
  'media',
  'results',
]);
const INT_FIELDS = new Set([
  'chat_id',
  'message_id',
  'offset',
  'limit',
  'timeout',
  'user_id',
  'from_chat_id',
  'reply_to_message_id',
  'message_thread_id',
  'cache_time',
  'max_connections',
]);
const BOOL_FIELDS = new Set([
  'show_alert',
  'drop_pending_updates',
  'disable_web_page_preview',
  'disable_notification',
  'protect_content',
  'allow_sending_without_reply',
]);

/** Form and query values are strings; read them as Telegram does (JSON fields, integers, booleans). */
function coerceStringParam(key: string, value: string): unknown {
  if (JSON_FIELDS.has(key) && /^\s*[[{]/.test(value)) {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      return value;
    }
  }
  if (INT_FIELDS.has(key) && /^-?\d+$/.test(value)) {
    const num = Number(value);
    return Number.isSafeInteger(num) ? num : value;
  }
  if (BOOL_FIELDS.has(key) && (value === 'true' || value === 'false')) return value === 'true';
  return value;
}

function parseMultipart(body: Buffer, boundary: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const delimiter = Buffer.from(`--${boundary}`);
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    let start = pos + delimiter.length;
    if (body[start] === 0x2d && body[start + 1] === 0x2d) break; // closing --boundary--
    if (body[start] === 0x0d && body[start + 1] === 0x0a) start += 2;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    let part = body.subarray(start, next);
    if (part.length >= 2 && part[part.length - 2] === 0x0d && part[part.length - 1] === 0x0a) {
      part = part.subarray(0, part.length - 2);
    }
    const headerEnd = part.indexOf('\r\n\r\n');
    if (headerEnd !== -1) {
      const headers = part.subarray(0, headerEnd).toString('utf8');
      const content = part.subarray(headerEnd + 4);
      const name = /[;\s]name="([^"]*)"/i.exec(headers)?.[1];
      const filename = /filename="([^"]*)"/i.exec(headers)?.[1];
      if (name !== undefined) {
        out[name] =
          filename !== undefined ? { filename, size: content.length } : coerceStringParam(name, content.toString('utf8'));
      }
    }
    pos = next;
  }
  return out;
}

function parseParams(url: URL, contentType: string | undefined, body: Buffer): Record<string, unknown> {
  const params: Record<string, unknown> = {};
  for (const [k, v] of url.searchParams) params[k] = coerceStringParam(k, v);
  if (body.length === 0) return params;
  const type = (contentType ?? '').toLowerCase();
  if (type.includes('application/json')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body.toString('utf8'));
    } catch {
      throw badRequest("can't parse JSON encoded request");
    }
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) Object.assign(params, parsed);
  } else if (type.includes('application/x-www-form-urlencoded')) {
    for (const [k, v] of new URLSearchParams(body.toString('utf8'))) params[k] = coerceStringParam(k, v);
  } else if (type.includes('multipart/form-data')) {
    const boundary = /boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType ?? '');
    const b = boundary?.[1] ?? boundary?.[2];
    if (b) {
      const fields = parseMultipart(body, b);
      delete fields.method; // telegraf repeats the method name as a form field
      Object.assign(params, fields);
    }
  }
  return params;
}


const toInt = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
};

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

// ---------------------------------------------------------------------------------------------
// Updates
// ---------------------------------------------------------------------------------------------

/** Update types Telegram leaves out unless allowed_updates names them. */
const NOT_SENT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

const updateType = (u: Record<string, unknown>): string | undefined => Object.keys(u).find((k) => k !== 'update_id');

const nowSeconds = (): number => Math.floor(Date.now() / 1000);

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

interface StoredMessage {
  message: Record<string, unknown>;
  fromBot: boolean;
  deleted: boolean;
}

interface Poller {
  res: ServerResponse;
  limit: number;
  finish: (error: ApiError | undefined, result?: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

interface Waiter {
  method: string;
  count: number;
  resolve: (calls: FakeCall[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface FailRule {
  method: string;
  error: ApiError;
  remaining: number;
  chatId: string | undefined;
}

interface HoldRule {
  method: string;
  deliver: boolean;
  remaining: number;
  chatId: string | undefined;
}

type Handler = (params: Record<string, unknown>) => unknown;

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

const BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
] as const;

export async function startFakeTelegram(opts: StartFakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = opts.token ?? DEFAULT_FAKE_TOKEN;
  const botUsername = opts.botUsername ?? DEFAULT_BOT_USERNAME;
  const botId = opts.botId ?? (toInt(token.split(':')[0]) || DEFAULT_BOT_ID);
  const botUser = { id: botId, is_bot: true, first_name: BOT_FIRST_NAME, username: botUsername };

  const calls: FakeCall[] = [];
  let queue: Record<string, unknown>[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let allowedUpdates: Set<string> | null = null; // null: Telegram's default set
  const pollers = new Set<Poller>();
  const waiters = new Set<Waiter>();
  const failRules: FailRule[] = [];
  const holdRules: HoldRule[] = [];
  const held = new Map<FakeCall, ServerResponse>();
  const messages = new Map<string, StoredMessage>();
  const chats = new Map<string, Record<string, unknown>>();
  const answeredQueries = new Set<string>();
  const commands = new Map<string, unknown[]>();
  let webhook: FakeWebhook | undefined;
  let closed = false;
  let limiter: { window: SlidingWindowLimiter; retryAfter: number } | undefined;
  let lastLimiter: SlidingWindowLimiter | undefined; // readable after the mode is turned off
  let accepted: FakeAcceptedSend[] = [];

  const sameMethod = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  const callsTo = (method: string): FakeCall[] => calls.filter((c) => sameMethod(c.method, method));
  const messageKey = (chatId: unknown, messageId: unknown): string => `${String(chatId)}:${String(messageId)}`;

  // --- state helpers ---------------------------------------------------------------------------

  const isAllowed = (u: Record<string, unknown>): boolean => {
    const type = updateType(u);
    if (type === undefined) return true;
    return allowedUpdates === null ? !NOT_SENT_BY_DEFAULT.has(type) : allowedUpdates.has(type);
  };

  const setAllowedUpdates = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    allowedUpdates = value.length === 0 ? null : new Set(value.map(String));
  };

  /** Drops updates the current allowed_updates excludes and returns the first `limit`. */
  const deliverable = (limit: number): Record<string, unknown>[] => {
    queue = queue.filter(isAllowed);
    return queue.slice(0, limit);
  };

  const registerChat = (chat: unknown): void => {
    if (isRecord(chat) && chat.id !== undefined) chats.set(String(chat.id), chat);
  };

  const registerMessage = (message: unknown): void => {
    if (!isRecord(message) || !isRecord(message.chat)) return;
    registerChat(message.chat);
    const from = isRecord(message.from) ? message.from : undefined;
    const fromBot = from?.is_bot === true || (from === undefined && message.chat.type === 'channel');
    messages.set(messageKey(message.chat.id, message.message_id), { message, fromBot, deleted: false });
  };

  const registerUpdate = (u: Record<string, unknown>): void => {
    for (const key of ['message', 'edited_message', 'channel_post', 'edited_channel_post'] as const) {
      if (isRecord(u[key])) registerMessage(u[key]);
    }
    const cq = u.callback_query;
    if (isRecord(cq) && isRecord(cq.message)) registerMessage(cq.message);
  };

  const chatFor = (chatId: unknown): Record<string, unknown> => {
    const known = chats.get(String(chatId));
    if (known) return known;
    if (typeof chatId === 'string' && chatId.startsWith('@')) {
      return { id: -1001000000001, title: 'Test Channel', username: chatId.slice(1), type: 'channel' };
    }
    const id = toInt(chatId) ?? 0;
    if (id > 0) return { id, first_name: 'Test', type: 'private' };
    if (id <= -1000000000000) return { id, title: 'Test Supergroup', type: 'supergroup' };
    return { id, title: 'Test Group', type: 'group' };
  };

  const requireChatId = (params: Record<string, unknown>): unknown => {
    const chatId = params.chat_id;
    if (chatId === undefined || chatId === null || chatId === '') throw badRequest('chat_id is empty');
    return chatId;
  };

  /** Text validation shared by sendMessage and editMessageText. */
  const formatText = (params: Record<string, unknown>): { text: string; entities: MessageEntity[] } => {
    const raw = params.text;
    const src = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
    const mode = typeof params.parse_mode === 'string' ? params.parse_mode.toLowerCase() : '';
    let parsed: { text: string; entities: MessageEntity[] };
    if (mode === 'html') {
      try {
        parsed = parseTelegramHtml(src);
      } catch (error) {
        throw badRequest(`can't parse entities: ${(error as Error).message}`);
      }
    } else if (mode === '') {
      parsed = { text: src, entities: Array.isArray(params.entities) ? (params.entities as MessageEntity[]) : [] };
    } else if (mode === 'markdown' || mode === 'markdownv2') {
      parsed = { text: src, entities: [] }; // not validated; only HTML is parsed here
    } else {
      throw badRequest('unsupported parse_mode');
    }
    const formatted = trimFormatted(parsed.text, parsed.entities);
    if (formatted.text.length === 0) throw badRequest('message text is empty');
    if (formatted.text.length > 4096) throw badRequest('message is too long');
    return formatted;
  };

  /** Validates reply_markup; returns it when it is an inline keyboard (the only kind a Message echoes). */
  const inlineMarkup = (params: Record<string, unknown>): Record<string, unknown> | undefined => {
    const markup = params.reply_markup;
    if (markup === undefined || markup === null) return undefined;
    if (!isRecord(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
    if (!('inline_keyboard' in markup)) return undefined;
    const rows = markup.inline_keyboard;
    const notArrays = badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    if (!Array.isArray(rows)) throw notArrays;
    for (const row of rows) {
      if (!Array.isArray(row)) throw notArrays;
      for (const button of row) {
        if (!isRecord(button)) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
        if (typeof button.text !== 'string') {
          throw badRequest(`can't parse inline keyboard button: Field "text" must be of type String`);
        }
        if (!BUTTON_ACTIONS.some((k) => button[k] !== undefined && button[k] !== null)) {
          throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        }
        const data = button.callback_data;
        if (data !== undefined && data !== null) {
          const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : 0;
          if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
        }
        const url = button.url;
        if (url !== undefined && url !== null && !isButtonUrl(url)) throw badRequest('BUTTON_URL_INVALID');
      }
    }
    return markup;
  };

  const replyTo = (params: Record<string, unknown>, chatId: unknown): Record<string, unknown> | undefined => {
    const rp = isRecord(params.reply_parameters) ? params.reply_parameters : undefined;
    const messageId = rp?.message_id ?? params.reply_to_message_id;
    if (messageId === undefined) return undefined;
    const stored = messages.get(messageKey(rp?.chat_id ?? chatId, messageId));
    if (!stored || stored.deleted) return undefined;
    const { reply_to_message: _nested, ...plain } = stored.message;
    return plain;
  };

  // --- methods ---------------------------------------------------------------------------------

  const handlers: Record<string, Handler> = {
    getMe: () => ({
      ...botUser,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    }),

    setWebhook: (params) => {
      const url = typeof params.url === 'string' ? params.url.trim() : '';
      if (url === '') {
        const had = webhook !== undefined;
        webhook = undefined;
        if (params.drop_pending_updates === true) queue = [];
        return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
      }
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
      }
      if (parsed.protocol !== 'https:') throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
      if (parsed.port !== '' && !['80', '88', '443', '8443'].includes(parsed.port)) {
        throw badRequest('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
      }
      const secret = params.secret_token;
      if (secret !== undefined && secret !== null && secret !== '') {
        if (typeof secret !== 'string' || !/^[A-Za-z0-9_-]*$/.test(secret)) {
          throw badRequest('secret token contains unallowed characters');
        }
        if (secret.length > 256) throw badRequest('secret token is too long');
      }
      if (params.drop_pending_updates === true) queue = [];
      setAllowedUpdates(params.allowed_updates);
      const same = webhook?.url === url;
      webhook = {
        url,
        ...(typeof secret === 'string' && secret !== '' ? { secretToken: secret } : {}),
        ...(Array.isArray(params.allowed_updates) ? { allowedUpdates: params.allowed_updates.map(String) } : {}),
      };
      // A poll held while the webhook appears is ended the way Telegram ends it.
      for (const p of [...pollers]) p.finish(webhookConflict());
      return new Described(true, same ? 'Webhook is already set' : 'Webhook was set');
    },

    deleteWebhook: (params) => {
      const had = webhook !== undefined;
      webhook = undefined;
      if (params.drop_pending_updates === true) queue = [];
      return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
    },

    getWebhookInfo: () => ({
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: queue.length,
      ...(webhook ? { max_connections: 40 } : {}),
      ...(webhook?.allowedUpdates ? { allowed_updates: webhook.allowedUpdates } : {}),
    }),

    sendMessage: (params) => {
      const chatId = requireChatId(params);
      const { text, entities } = formatText(params);
      const markup = inlineMarkup(params);
      const reply = replyTo(params, chatId);
      const message: Record<string, unknown> = {
        message_id: nextMessageId++,
        from: botUser,
        chat: chatFor(chatId),
        date: nowSeconds(),
        ...(reply ? { reply_to_message: reply } : {}),
        text,
        ...(entities.length > 0 ? { entities } : {}),
        ...(isRecord(params.link_preview_options) ? { link_preview_options: params.link_preview_options } : {}),
        ...(markup ? { reply_markup: markup } : {}),
      };
      messages.set(messageKey(chatId, message.message_id), { message, fromBot: true, deleted: false });
      return message;
    },

    editMessageText: (params) => editMessage(params, true),
    editMessageReplyMarkup: (params) => editMessage(params, false),

    answerCallbackQuery: (params) => {
      const id = params.callback_query_id;
      if (id === undefined || id === null || id === '') throw badRequest('QUERY_ID_INVALID');
      if (answeredQueries.has(String(id))) {
        throw badRequest('query is too old and response timeout expired or query ID is invalid');
      }
      answeredQueries.add(String(id));
      return true;
    },

    deleteMessage: (params) => {
      const chatId = requireChatId(params);
      if (params.message_id === undefined) throw badRequest('message identifier is not specified');
      const stored = messages.get(messageKey(chatId, params.message_id));
      if (stored?.deleted) throw badRequest('message to delete not found');
      if (stored) stored.deleted = true;
      return true;
    },

    sendChatAction: (params) => {
      requireChatId(params);
      return true;
    },

    setMyCommands: (params) => {
      const list = params.commands;
      if (!Array.isArray(list)) throw badRequest('parameter "commands" is required');
      for (const c of list) {
        if (!isRecord(c) || typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) {
          throw badRequest('BOT_COMMAND_INVALID');
        }
      }
      commands.set(commandsKey(params), list);
      return true;
    },
    getMyCommands: (params) => commands.get(commandsKey(params)) ?? [],
    deleteMyCommands: (params) => {
      commands.delete(commandsKey(params));
      return true;
    },

    getChat: (params) => {
      const chatId = requireChatId(params);
      return { ...chatFor(chatId), accent_color_id: 0, max_reaction_count: 11 };
    },
  };

  const commandsKey = (params: Record<string, unknown>): string =>
    `${JSON.stringify(params.scope ?? { type: 'default' })}|${String(params.language_code ?? '')}`;

  function editMessage(params: Record<string, unknown>, withText: boolean): unknown {
    const formatted = withText ? formatText(params) : undefined;
    const markup = inlineMarkup(params);
    if (params.inline_message_id !== undefined && params.inline_message_id !== '') return true;
    if (params.chat_id === undefined || params.message_id === undefined) {
      throw badRequest('message identifier is not specified');
    }
    const chatId = params.chat_id;
    const key = messageKey(chatId, params.message_id);
    const stored = messages.get(key);
    if (stored?.deleted) throw badRequest('message to edit not found');
    if (stored && !stored.fromBot) throw badRequest("message can't be edited");
    const old = stored?.message;
    if (old) {
      const oldText = old.text;
      const oldEntities = JSON.stringify(old.entities ?? []);
      const newText = formatted ? formatted.text : oldText;
      const newEntities = formatted ? JSON.stringify(formatted.entities) : oldEntities;
      if (
        newText === oldText &&
        newEntities === oldEntities &&
        JSON.stringify(markup ?? null) === JSON.stringify(old.reply_markup ?? null)
      ) {
        throw badRequest(NOT_MODIFIED);
      }
    }
    const base: Record<string, unknown> = old ?? {
      message_id: toInt(params.message_id) ?? params.message_id,
      from: botUser,
      chat: chatFor(chatId),
      date: nowSeconds(),
      text: '',
    };
    const { entities: _e, reply_markup: _m, edit_date: _d, ...rest } = base;
    const edited: Record<string, unknown> = {
      ...rest,
      ...(formatted ? { text: formatted.text } : {}),
      ...(formatted ? (formatted.entities.length > 0 ? { entities: formatted.entities } : {}) : _e ? { entities: _e } : {}),
      edit_date: nowSeconds(),
      ...(markup ? { reply_markup: markup } : {}),
    };
    messages.set(key, { message: edited, fromBot: true, deleted: false });
    return edited;
  }

  const handlerByLowerName = new Map<string, { name: string; handler: Handler }>();
  for (const [name, handler] of Object.entries(handlers)) handlerByLowerName.set(name.toLowerCase(), { name, handler });

  // --- waiters ---------------------------------------------------------------------------------

  const describeCalls = (): string => {
    if (calls.length === 0) return 'no calls at all';
    const counts = new Map<string, number>();
    for (const c of calls) counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
    const tally = [...counts].map(([m, k]) => `${m}×${k}`).join(', ');
    const recent = calls
      .slice(-10)
      .map((c) => {
        const bits: string[] = [];
        if (c.params.chat_id !== undefined) bits.push(`chat_id=${String(c.params.chat_id)}`);
        if (typeof c.params.text === 'string') bits.push(`text=${JSON.stringify(c.params.text.slice(0, 60))}`);
        if (c.error) bits.push(`→ ${c.error.error_code} ${c.error.description}`);
        if (c.held) bits.push(c.failed ? '→ held, not delivered' : '→ held, delivered');
        return `  ${c.method}(${bits.join(', ')})`;
      })
      .join('\n');
    return `${tally}\nlast calls:\n${recent}`;
  };

  const notifyWaiters = (): void => {
    for (const w of [...waiters]) {
      const got = callsTo(w.method);
      if (got.length >= w.count) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(got);
      }
    }
  };

  // --- HTTP ------------------------------------------------------------------------------------

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    if (res.writableEnded || res.destroyed) return;
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  };

  const webhookConflict = (): ApiError =>
    new ApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );

  function getUpdates(params: Record<string, unknown>, res: ServerResponse, finish: Poller['finish']): void {
    if (webhook) return finish(webhookConflict());
    // A newer poll ends any held one, as Telegram does with two bot instances on one token.
    for (const p of [...pollers]) {
      p.finish(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    }
    const offset = toInt(params.offset) ?? 0;
    if (offset > 0) queue = queue.filter((u) => (u.update_id as number) >= offset);
    else if (offset < 0) queue = queue.slice(offset);
    if ('allowed_updates' in params) setAllowedUpdates(params.allowed_updates);
    const limit = Math.min(100, Math.max(1, toInt(params.limit) ?? 100));
    const timeout = Math.max(0, Number(params.timeout ?? 0) || 0);
    const ready = deliverable(limit);
    if (ready.length > 0 || timeout === 0 || closed) return finish(undefined, ready);

    const poller: Poller = { res, limit, timer: undefined, finish: () => undefined };
    poller.finish = (error, result) => {
      if (!pollers.delete(poller)) return;
      clearTimeout(poller.timer);
      finish(error, result);
    };
    poller.timer = setTimeout(() => poller.finish(undefined, []), timeout * 1000);
    poller.timer.unref();
    res.on('close', () => {
      // The client went away (telegraf aborts its poll on stop()); forget the poll.
      if (pollers.delete(poller)) clearTimeout(poller.timer);
    });
    pollers.add(poller);
  }

  const wakePollers = (): void => {
    for (const p of [...pollers]) {
      const ready = deliverable(p.limit);
      if (ready.length > 0) p.finish(undefined, ready);
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]*)\/([^/]*)\/?$/.exec(url.pathname);
    if (!match) {
      send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const decode = (s: string): string => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    const pathToken = decode(match[1] ?? '');
    const rawMethod = decode(match[2] ?? '');
    const entry = handlerByLowerName.get(rawMethod.toLowerCase());
    const method = entry?.name ?? (rawMethod.toLowerCase() === 'getupdates' ? 'getUpdates' : rawMethod);

    let params: Record<string, unknown> = {};
    let parseError: ApiError | undefined;
    try {
      params = parseParams(url, req.headers['content-type'], body);
    } catch (error) {
      parseError = error instanceof ApiError ? error : badRequest(String(error));
    }

    const call: FakeCall = { method, params, at: Date.now() };
    calls.push(call);
    let answered = false;
    const finish = (error: ApiError | undefined, result?: unknown): void => {
      if (answered) return;
      answered = true;
      if (error) {
        call.failed = true;
        call.error = error.toBody();
        send(res, error.code, { ok: false, ...error.toBody() });
      } else if (result instanceof Described) {
        call.result = result.result;
        send(res, 200, { ok: true, result: result.result, description: result.description });
      } else {
        call.result = result;
        send(res, 200, { ok: true, result });
      }
      notifyWaiters();
    };

    try {
      if (pathToken !== token) throw new ApiError(401, 'Unauthorized');
      if (parseError) throw parseError;
      const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
      const ruleIndex = failRules.findIndex(
        (r) => sameMethod(r.method, method) && r.remaining > 0 && (r.chatId === undefined || r.chatId === chatId),
      );
      const rule = failRules[ruleIndex];
      if (rule) {
        rule.remaining--;
        if (rule.remaining <= 0) failRules.splice(ruleIndex, 1);
        throw rule.error;
      }
      if (method === 'getUpdates') {
        getUpdates(params, res, finish);
        if (!answered) notifyWaiters(); // a held poll counts as received
        return;
      }
      if (!entry) throw new ApiError(404, 'Not Found: method not found');
      const holdIndex = holdRules.findIndex(
        (r) => sameMethod(r.method, method) && r.remaining > 0 && (r.chatId === undefined || r.chatId === chatId),
      );
      const hold = holdRules[holdIndex];
      // A `deliver: false` hold is a request lost before "Telegram": it never meets the limiter.
      if (limiter && RATE_LIMITED_METHODS.has(method) && !(hold && !hold.deliver)) {
        const at = limiter.window.tryAccept(chatId, call.at);
        if (at === undefined) {
          call.rateLimited = true;
          throw failureToError({ code: 429, retryAfter: limiter.retryAfter });
        }
        const text = typeof params.text === 'string' ? params.text : typeof params.caption === 'string' ? params.caption : '';
        accepted.push({ method, chatId: chatId ?? '', text, at });
      }
      if (hold) {
        hold.remaining--;
        if (hold.remaining <= 0) holdRules.splice(holdIndex, 1);
        // deliver: the method runs (a validation error is still answered, as Telegram would);
        // otherwise nothing happens. Either way no answer is sent.
        if (hold.deliver) call.result = entry.handler(params);
        else call.failed = true;
        call.held = true;
        answered = true;
        held.set(call, res);
        res.on('close', () => held.delete(call));
        notifyWaiters();
        return;
      }
      finish(undefined, entry.handler(params));
    } catch (error) {
      finish(error instanceof ApiError ? error : new ApiError(500, 'Internal Server Error'));
      if (!(error instanceof ApiError)) console.error('fake-telegram: handler crashed', error);
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const fake: FakeTelegram = {
    url: `http://127.0.0.1:${port}`,
    token,
    botId,
    botUsername,
    calls,
    callsTo,
    get webhook() {
      return webhook;
    },
    set webhook(value) {
      webhook = value;
    },

    pushUpdate(update) {
      const given = toInt(update.update_id);
      const id = given ?? nextUpdateId;
      nextUpdateId = Math.max(nextUpdateId, id + 1);
      const queued: Record<string, unknown> = { update_id: id, ...update };
      queued.update_id = id;
      registerUpdate(queued);
      let at = queue.length;
      while (at > 0 && ((queue[at - 1] as Record<string, unknown>).update_id as number) > id) at--;
      queue.splice(at, 0, queued);
      wakePollers();
      return queued;
    },

    pendingUpdates: () => [...queue],

    failNext(method, failure, opts = {}) {
      failRules.push({
        method,
        error: failureToError(failure),
        remaining: opts.times ?? 1,
        chatId: opts.chatId === undefined ? undefined : String(opts.chatId),
      });
    },

    holdNext(method, opts = {}) {
      holdRules.push({
        method,
        deliver: opts.deliver ?? false,
        remaining: opts.times ?? 1,
        chatId: opts.chatId === undefined ? undefined : String(opts.chatId),
      });
    },

    heldCalls: () => [...held.keys()],

    rateLimit(opts) {
      if (opts === undefined) {
        limiter = undefined;
        return;
      }
      checkRateLimitOptions({ ...opts });
      const window = new SlidingWindowLimiter(opts.perSecond, opts.perChatPerSecond);
      limiter = { window, retryAfter: opts.retryAfter ?? 1 };
      lastLimiter = window;
      accepted = [];
    },

    rateLimited: () => lastLimiter?.refused ?? 0,
    maxInWindow: () => lastLimiter?.max ?? 0,
    acceptedSends: () => [...accepted],

    releaseHeld() {
      const n = held.size;
      for (const res of held.values()) res.destroy();
      held.clear();
      return n;
    },

    waitFor(method, count = 1, timeoutMs = 10_000) {
      const have = callsTo(method);
      if (have.length >= count) return Promise.resolve(have);
      if (closed) return Promise.reject(new Error(`fake-telegram: closed; ${method} was called ${have.length} time(s)`));
      return new Promise<FakeCall[]>((resolve, reject) => {
        const waiter: Waiter = {
          method,
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            reject(
              new Error(
                `fake-telegram: waited ${timeoutMs} ms for ${count} call(s) of ${method}, got ${callsTo(method).length}. Received: ${describeCalls()}`,
              ),
            );
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      fake.releaseHeld();
      const heldPolls = [...pollers];
      for (const p of heldPolls) p.finish(undefined, []);
      for (const w of [...waiters]) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(new Error(`fake-telegram: closed while waiting for ${w.count} call(s) of ${w.method}. Received: ${describeCalls()}`));
      }
      // Let the empty answers just written leave before every connection is dropped.
      await Promise.all(
        heldPolls.map(
          ({ res }) =>
            new Promise<void>((resolve) => {
              if (res.writableFinished || res.destroyed) return resolve();
              res.once('finish', () => resolve());
              res.once('close', () => resolve());
            }),
        ),
      );
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}

function isButtonUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url === '' || /\s/.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`);
  } catch {
    return false;
  }
  if (parsed.protocol === 'tg:' || parsed.protocol === 'ton:') return true;
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.includes('.');
}

// ---------------------------------------------------------------------------------------------
// Update builders
// ---------------------------------------------------------------------------------------------

let builderMessageId = 100_000; // far from the ids the fake gives the bot's own messages
let builderQueryId = 0;

interface UserOpts {
  userId: number;
  languageCode?: string | undefined;
}

function testUser({ userId, languageCode }: UserOpts): Record<string, unknown> {
  return {
    id: userId,
    is_bot: false,
    first_name: 'Test',
    last_name: 'User',
    username: `test_user_${userId}`,
    ...(languageCode ? { language_code: languageCode } : {}),
  };
}

function testChat(chatId: number, chatType: 'private' | 'group' | 'supergroup', userId: number): Record<string, unknown> {
  if (chatType === 'private') {
    return { id: chatId, first_name: 'Test', last_name: 'User', username: `test_user_${userId}`, type: 'private' };
  }
  return { id: chatId, title: chatType === 'group' ? 'Test Group' : 'Test Supergroup', type: chatType };
}

function defaultChatId(chatType: 'private' | 'group' | 'supergroup', userId: number): number {
  if (chatType === 'private') return userId;
  return chatType === 'group' ? -4_000_000_001 : -1_001_000_000_001;
}

/** bot_command entities (at the start or after whitespace) and @mention entities, as Telegram detects them. */
export function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const commandRe = /(^|\s)(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_@/])/g;
  for (const m of text.matchAll(commandRe)) {
    const cmd = m[2] as string;
    entities.push({ type: 'bot_command', offset: (m.index ?? 0) + (m[1] as string).length, length: cmd.length });
  }
  const mentionRe = /(^|[^A-Za-z0-9_/@])(@[A-Za-z][A-Za-z0-9_]{4,31})(?![A-Za-z0-9_])/g;
  for (const m of text.matchAll(mentionRe)) {
    const offset = (m.index ?? 0) + (m[1] as string).length;
    const length = (m[2] as string).length;
    const insideCommand = entities.some(
      (e) => e.type === 'bot_command' && offset >= e.offset && offset < e.offset + e.length,
    );
    if (!insideCommand) entities.push({ type: 'mention', offset, length });
  }
  return entities.sort((a, b) => a.offset - b.offset);
}

/**
 * A Bot API Update with a text `message`. Entities: `bot_command` for /commands, `mention` for
 * @usernames (5–32 characters, as Telegram usernames), unless `entities` is given. update_id is
 * left out unless `updateId` is given — pushUpdate assigns one.
 */
export function textUpdate(o: {
  text: string;
  chatId?: number;
  userId?: number;
  chatType?: 'private' | 'group' | 'supergroup';
  languageCode?: string;
  updateId?: number;
  entities?: unknown[];
  messageId?: number;
}): Record<string, unknown> {
  const userId = o.userId ?? 1001;
  const chatType = o.chatType ?? 'private';
  const chatId = o.chatId ?? defaultChatId(chatType, userId);
  const entities = o.entities ?? detectEntities(o.text);
  return {
    ...(o.updateId !== undefined ? { update_id: o.updateId } : {}),
    message: {
      message_id: o.messageId ?? ++builderMessageId,
      from: testUser({ userId, languageCode: o.languageCode }),
      chat: testChat(chatId, chatType, userId),
      date: nowSeconds(),
      text: o.text,
      ...(entities.length > 0 ? { entities } : {}),
    },
  };
}

/**
 * A Bot API Update with a `callback_query` from a button on a message the bot sent earlier
 * (text `messageText`, default 'Choose an option', with one button carrying `data`).
 */
export function callbackUpdate(o: {
  data: string;
  chatId?: number;
  userId?: number;
  messageId?: number;
  updateId?: number;
  chatType?: 'private' | 'group' | 'supergroup';
  languageCode?: string;
  messageText?: string;
}): Record<string, unknown> {
  const userId = o.userId ?? 1001;
  const chatType = o.chatType ?? 'private';
  const chatId = o.chatId ?? defaultChatId(chatType, userId);
  const queryId = `${BigInt(userId) * 1_000_000n + BigInt(++builderQueryId)}`;
  return {
    ...(o.updateId !== undefined ? { update_id: o.updateId } : {}),
    callback_query: {
      id: queryId,
      from: testUser({ userId, languageCode: o.languageCode }),
      message: {
        message_id: o.messageId ?? ++builderMessageId,
        from: { id: DEFAULT_BOT_ID, is_bot: true, first_name: BOT_FIRST_NAME, username: DEFAULT_BOT_USERNAME },
        chat: testChat(chatId, chatType, userId),
        date: nowSeconds() - 60,
        text: o.messageText ?? 'Choose an option',
        reply_markup: { inline_keyboard: [[{ text: 'Option', callback_data: o.data }]] },
      },
      chat_instance: `${-(Math.abs(chatId) * 7919) % 9_000_000_000_000_000}`,
      data: o.data,
    },
  };
}
