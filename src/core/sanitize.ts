/**
 * Makes text something Postgres stores: `text` and `jsonb` refuse NUL (U+0000, `\u0000` in JSON),
 * and `jsonb` refuses a lone UTF-16 surrogate (`\ud800` without its pair). A message carrying one
 * is still a message: NULs are removed, lone surrogates become U+FFFD, and everything else is kept
 * as it was, so what the user wrote is stored and answered rather than refused for a day of
 * redeliveries.
 */

/** Raised when a value cannot be made storable (nested deeper than any real update). */
export class UnstorableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnstorableError';
  }
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// eslint-disable-next-line no-control-regex
const NUL = /\u0000/g;
/** Telegram and Slack payloads nest a dozen levels at most. */
const MAX_DEPTH = 64;

export function storableText(s: string): string {
  return s.replace(NUL, '').replace(LONE_SURROGATE, '\uFFFD');
}

/** A copy of a JSON value whose strings (keys included) Postgres accepts; the input is not changed. */
export function storable<T>(value: T): T {
  return clean(value, 0) as T;
}

function clean(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) throw new UnstorableError(`payload nested deeper than ${MAX_DEPTH} levels`);
  if (Array.isArray(value)) return value.map((v) => clean(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[storableText(k)] = clean(v, depth + 1);
  return out;
}
