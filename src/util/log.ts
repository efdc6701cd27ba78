/**
 * Structured JSON logs on stderr. Fields pass through `redact` so phone numbers, e-mail addresses
 * and tokens never reach a log line, whoever calls the logger.
 */
import { pino, type Logger as PinoLogger } from 'pino';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

const SECRET_KEYS = /token|secret|password|key|authorization|phone|email|contact|text/i;
const PATTERNS: [RegExp, string][] = [
  [/[\w.+-]+@[\w-]+\.[\w.-]+/g, '[email]'],
  [/(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)/g, '[phone]'],
  [/\b\d{6,}:[\w-]{20,}\b/g, '[token]'],
  [/\bxox[abpr]-[\w-]+/g, '[token]'],
  [/\bsk-[\w-]{16,}/g, '[token]'],
  [/Bearer\s+[\w.~+/-]+=*/gi, 'Bearer [token]'],
];

export function redactString(s: string): string {
  let out = s;
  for (const [re, rep] of PATTERNS) out = out.replace(re, rep);
  return out;
}

export function redact(value: unknown, key = ''): unknown {
  if (value == null) return value;
  if (SECRET_KEYS.test(key) && typeof value !== 'number' && typeof value !== 'boolean') return '[redacted]';
  if (typeof value === 'string') return redactString(value);
  if (value instanceof Error) return { name: value.name, message: redactString(value.message), code: (value as { code?: unknown }).code };
  if (Array.isArray(value)) return value.map((v) => redact(v));
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = redact(v, k);
    return out;
  }
  return value;
}

/**
 * pino underneath (JSON lines, levels, children); every message and field goes through `redact`
 * first, so no call site can leak personal data or secrets. `sink` replaces stderr (tests).
 */
export function createLogger(level: LogLevel = 'info', base: Record<string, unknown> = {}, sink?: (line: string) => void): Logger {
  // Through process.stderr (not a raw fd): ordered with everything else the process writes there, and capturable.
  const stream = { write: (line: string) => (sink ? sink(line.trimEnd()) : process.stderr.write(line)) };
  const root = pino(
    {
      level,
      base: null,
      timestamp: () => `,"time":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
    },
    stream,
  );
  return wrap(root, redact(base) as Record<string, unknown>);
}

function wrap(p: PinoLogger, bound: Record<string, unknown>): Logger {
  const at = (lvl: Exclude<LogLevel, 'silent'>) => (msg: string, fields?: Record<string, unknown>) => {
    if (!p.isLevelEnabled(lvl)) return;
    p[lvl]({ ...bound, ...(fields ? (redact(fields) as object) : {}) }, redactString(msg));
  };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    child: (f) => wrap(p, { ...bound, ...(redact(f) as object) }),
  };
}
