/**
 * `patent-bridge <command>` (SPEC §5). Returns an exit code; failures print one line naming what
 * failed, without a stack trace, because operators read them.
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig, type Config } from '../config/config.js';
import { DatabaseError } from '../db/database.js';
import { SearchError } from '../../search/errors.js';
import { DataDirBusyError } from '../util/dir-lock.js';
import { createLogger, type Logger } from '../util/log.js';

const USAGE = `usage: patent-bridge <command>
  serve                                 HTTP server, web chat and adapters (npm start)
  migrate                               apply database migrations
  import <file> [--format jsonl|csv]    load patents into Postgres and the index
  reindex [--pending]                   rebuild the search index from Postgres
  search ["<text>"] [--json] [--limit N]  search patents; without text, one query per stdin line
  classify                              one utterance per stdin line → one JSON line each
  chat                                  talk to the bot in the terminal
  export-registrations <edition> [--out file.csv]   an expo edition's registrations as CSV
  invite <role> [--agency S] [--expo S] one-time invite code (not available yet)`;

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  let config: Config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(`patent-bridge: configuration error: ${err.message}\n`);
      return 1;
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL);
  try {
    return await run(command, rest, config, log);
  } catch (err) {
    if (err instanceof DatabaseError || err instanceof SearchError) {
      const cause = err.cause instanceof Error ? `: ${err.cause.message}` : '';
      process.stderr.write(`patent-bridge: ${err.message} [${err instanceof DatabaseError ? err.code : err.code}]${cause}\n`);
      return 1;
    }
    if (err instanceof DataDirBusyError) {
      process.stderr.write(`patent-bridge: ${err.message}\n`);
      return 1;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`patent-bridge: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`patent-bridge: ${(err as Error).message ?? err}\n`);
    return 1;
  }
}

export class UsageError extends Error {}

async function run(command: string | undefined, args: string[], config: Config, log: Logger): Promise<number> {
  switch (command) {
    case 'serve': {
      const { serve } = await import('./serve.js');
      await serve(config, log);
      return 0;
    }
    case 'migrate': {
      const { openDatabase } = await import('../db/database.js');
      const path = await import('node:path');
      const db = await openDatabase(config.DATABASE_URL ? { url: config.DATABASE_URL } : { pgliteDir: path.join(config.dataDir, 'pg') });
      try {
        await db.migrate();
        process.stdout.write(`migrations applied (${db.kind})\n`);
      } finally {
        await db.close();
      }
      return 0;
    }
    case 'import': {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { format: { type: 'string' } } });
      const file = positionals[0];
      if (!file) throw new UsageError('import needs a file');
      if (values.format && values.format !== 'jsonl' && values.format !== 'csv') throw new UsageError('--format must be jsonl or csv');
      const { runImport } = await import('./commands.js');
      return runImport(config, log, file, values.format as 'jsonl' | 'csv' | undefined);
    }
    case 'reindex': {
      const { values } = parseArgs({ args, options: { pending: { type: 'boolean' } } });
      const { runReindex } = await import('./commands.js');
      return runReindex(config, log, values.pending ? 'pending' : 'full');
    }
    case 'search': {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' }, limit: { type: 'string' } } });
      const limit = values.limit === undefined ? 10 : Number(values.limit);
      if (!Number.isInteger(limit) || limit < 1 || limit > 50) throw new UsageError('--limit must be a whole number from 1 to 50');
      const { runSearch } = await import('./commands.js');
      return runSearch(config, log, positionals.length ? positionals.join(' ') : undefined, { json: !!values.json, limit });
    }
    case 'classify': {
      const { runClassify } = await import('./commands.js');
      return runClassify();
    }
    case 'chat': {
      const { runChat } = await import('./chat.js');
      return runChat(config, log);
    }
    case 'export-registrations': {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' } } });
      if (!positionals[0]) throw new UsageError('export-registrations needs an edition slug (see content/expos.yaml)');
      const { runExport } = await import('./commands.js');
      return runExport(config, log, positionals[0], values.out);
    }
    case 'invite':
      process.stderr.write('patent-bridge: invite codes for staff and organisers are not available yet (they arrive with trade leads and broadcasts)\n');
      return 1;
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      process.stdout.write(USAGE + '\n');
      return command === undefined ? 2 : 0;
    default:
      throw new UsageError(`unknown command "${command}"`);
  }
}
