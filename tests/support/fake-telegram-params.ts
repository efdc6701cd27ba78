/** How the fake Bot API reads a method's parameters: query string, JSON, urlencoded or multipart, coerced as Telegram does. */
import { badRequest } from './fake-telegram-api-error.js';
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

export function parseParams(url: URL, contentType: string | undefined, body: Buffer): Record<string, unknown> {
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


export const toInt = (v: unknown): number | undefined => {
  if (typeof v === 'number' && Number.isInteger(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v)) return Number(v);
  return undefined;
};

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
