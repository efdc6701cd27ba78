/**
 * What the logger does to every message and field before it is written: personal data and secrets
 * never reach a log line, whoever calls it.
 *
 * - By field: secrets (token, password, signature, query parameters …) and personal data (phone,
 *   e-mail, contact, message text, names such as first_name / username / display_name, ID and card
 *   numbers) are replaced by `[redacted]`. Fields named like ids (`id`, `update_id`, `chatId` …) keep
 *   their digits: an 11-digit update id is not a phone number.
 * - By pattern, in every other string (free text, error messages, JSON embedded in a string):
 *   e-mail addresses, bot and API tokens, Slack response URLs, Chinese ID numbers (18 digits with an X
 *   check, and the old 15-digit ones), Luhn-valid bank-card numbers (13–19 digits) and mobile numbers.
 *   Numbers that are numbers (not text) are never scanned.
 * - Errors become `{name, message, code, …}`; database errors (drizzle, postgres.js, PGlite) lose
 *   their parameters, `detail`, `where` and the values quoted in their message, since those repeat
 *   the row that failed — the user's message among them. Causes are serialised the same way.
 */

type KeyKind = 'secret' | 'personal' | 'id' | 'plain';

const SECRET_KEY = /token|secret|password|passwd|key|authorization|cookie|signature|^params$|^parameters$|response_?url/i;
const PERSONAL_KEY =
  /phone|mobile|e_?mail|contact|text|^name$|^(?:first|last|user|real|display|full|nick|given|family|sur)_?name$|^(?:id_?card|id_?number|card_?(?:no|number)|bank_?card)$/i;
const ID_KEY = /(?:^|_)ids?$|[a-z0-9](?:Id|ID|Ids)$|^(?:update|ref|ts|offset)$/;

function keyKind(key: string): KeyKind {
  if (!key) return 'plain';
  if (PERSONAL_KEY.test(key)) return 'personal';
  if (SECRET_KEY.test(key)) return 'secret';
  if (ID_KEY.test(key)) return 'id';
  return 'plain';
}

/** Patterns that hold no digit runs a number field could trip. */
const TEXT_PATTERNS: [RegExp, string][] = [
  [/[\w.+-]+@[\w-]+\.[\w.-]+/g, '[email]'],
  [/\b\d{6,}:[\w-]{20,}\b/g, '[token]'],
  [/\bxox[abpre]-[\w-]+/g, '[token]'],
  [/\bsk-[\w-]{16,}/g, '[token]'],
  [/Bearer\s+[\w.~+/-]+=*/gi, 'Bearer [token]'],
  [/https?:\/\/hooks\.slack\.com\/[^\s"'<>]+/g, '[slack-hook]'],
];

const ID_18 = /(?<!\d)[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![\dXx])/g;
const ID_15 = /(?<!\d)[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?!\d)/g;
const CARD = /(?<!\d)[1-9](?:[ -]?\d){12,18}(?!\d)/g;
const PHONE = /(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)/g;

export function luhnValid(digits: string): boolean {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) d = d * 2 > 9 ? d * 2 - 9 : d * 2;
    sum += d;
  }
  return sum % 10 === 0;
}

function scan(s: string, digits: boolean): string {
  let out = s;
  for (const [re, rep] of TEXT_PATTERNS) out = out.replace(re, rep);
  if (!digits) return out;
  return out
    .replace(ID_18, '[id-number]')
    .replace(ID_15, '[id-number]')
    .replace(CARD, (m) => (luhnValid(m.replace(/[ -]/g, '')) ? '[card]' : m))
    .replace(PHONE, '[phone]');
}

/** drizzle's "Failed query: …\nparams: …" lists every bound value. */
const QUERY_PARAMS = /(^|\n)params: [\s\S]*$/;
/** A `"key": value` pair of JSON embedded in a string (a payload quoted in an error, a body in a message). */
const JSON_PAIR = /"([A-Za-z_][\w-]{0,63})"\s*:\s*("(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/g;

/** Redacts free text: JSON pairs inside it by their key, everything else by pattern. */
export function redactString(s: string): string {
  const text = s.replace(QUERY_PARAMS, '$1params: [redacted]');
  let out = '';
  let last = 0;
  for (const m of text.matchAll(JSON_PAIR)) {
    const [whole, key, value] = m as unknown as [string, string, string];
    out += scan(text.slice(last, m.index), true);
    const kind = keyKind(key);
    if (kind === 'secret' || kind === 'personal') out += `"${key}":"[redacted]"`;
    else if (value.startsWith('"')) out += `"${key}":${scan(value, kind !== 'id')}`;
    else out += whole; // a JSON number is a number, not a phone
    last = m.index + whole.length;
  }
  return out + scan(text.slice(last), true);
}

const MAX_DEPTH = 8;

export function redact(value: unknown, key = '', depth = 0): unknown {
  if (value == null || typeof value === 'boolean') return value;
  const kind = keyKind(key);
  if (kind === 'personal') return '[redacted]';
  if (kind === 'secret' && typeof value !== 'number') return '[redacted]';
  if (typeof value === 'string') return kind === 'id' ? scan(value, false) : redactString(value);
  if (typeof value === 'number' || typeof value === 'bigint') return typeof value === 'bigint' ? value.toString() : value;
  if (value instanceof Error) return serializeError(value);
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
  if (depth >= MAX_DEPTH) return '[deep]';
  if (Array.isArray(value)) return value.map((v) => redact(v, kind === 'id' ? key : '', depth + 1));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redact(v, k, depth + 1);
    return out;
  }
  return redactString(String(value));
}

type ErrorLike = Error & Record<string, unknown>;

/** Fields of a database error that name what failed, never the values. */
const DB_SAFE_FIELDS = ['code', 'severity', 'table', 'column', 'constraint', 'routine', 'position'] as const;
const NET_SAFE_FIELDS = ['code', 'errno', 'syscall', 'address', 'port', 'status', 'statusCode'] as const;

export function isDatabaseError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const e = err as ErrorLike;
  const ctor = e.constructor?.name ?? '';
  return (
    /^(?:DrizzleQueryError|PostgresError)$/.test(ctor) ||
    /^Failed query: /.test(e.message) ||
    'params' in e ||
    'parameters' in e ||
    ('severity' in e && typeof e.code === 'string')
  );
}

/** A database message keeps its words and identifiers; the values it quotes (`…: "the value"`) go. */
function dbMessage(message: string): string {
  const m = /^Failed query: ([\s\S]*?)(?:\nparams: [\s\S]*)?$/.exec(message);
  const text = m ? `Failed query: ${statementShape(m[1]!)}` : message.replace(/: "(?:[^"\\]|\\.)*"/g, ': "…"');
  return redactString(text.replace(/'(?:[^']|'')*'/g, "'…'"));
}

/** The statement as written (placeholders, no literals), short enough to tell which one failed. */
function statementShape(query: string): string {
  const q = query.replace(/'(?:[^']|'')*'/g, "'…'").replace(/\s+/g, ' ').trim();
  return q.length > 200 ? `${q.slice(0, 200)}…` : q;
}

export function serializeError(err: Error, depth = 0): Record<string, unknown> {
  const e = err as ErrorLike;
  const db = isDatabaseError(err);
  const name = err.name && err.name !== 'Error' ? err.name : (e.constructor?.name ?? 'Error');
  const out: Record<string, unknown> = { name, message: db ? dbMessage(String(err.message)) : redactString(String(err.message)).slice(0, 1000) };
  for (const k of db ? DB_SAFE_FIELDS : NET_SAFE_FIELDS) {
    const v = e[k];
    if (typeof v === 'string' || typeof v === 'number') out[k] = typeof v === 'string' ? scan(v, k !== 'port' && k !== 'position') : v;
  }
  if (db && typeof e.query === 'string') out.query = statementShape(e.query);
  if (depth < 3) {
    if (e.cause !== undefined) out.cause = e.cause instanceof Error ? serializeError(e.cause, depth + 1) : redact(e.cause, '', MAX_DEPTH - 1);
    if (Array.isArray(e.errors)) out.errors = e.errors.slice(0, 3).map((x) => (x instanceof Error ? serializeError(x, depth + 1) : redact(x, '', MAX_DEPTH - 1)));
  }
  return out;
}
