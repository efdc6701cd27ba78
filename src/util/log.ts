/**
 * Structured JSON logs on stderr. Messages and fields pass through `redact` (src/util/redact.ts), so
 * personal data, secrets and the values inside database errors never reach a log line, whoever
 * calls the logger.
 */
import { pino, type Logger as PinoLogger } from 'pino';
import { redact, redactString } from './redact.js';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
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
      // Fields are serialised by `redact` already; pino's own `err` serialiser would re-join causes.
      serializers: { err: (v: unknown) => v },
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
