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
  export-registrations <edition> [--out file.csv] [--lang zh|en]   an expo edition's registrations as CSV
  invite staff --agency SLUG [--days N]     one-time code making someone staff of an agency
  invite organiser --expo SLUG [--days N]   one-time code making someone organiser of an expo edition
  leads [--status S] [--limit N] [--json]   trade leads, newest first (no contact data)
  broadcasts [--limit N] [--json]           organiser broadcasts, newest first, with delivery counts`;

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
      // Most likely the service itself: say what does the same while it runs.
      process.stderr.write(`patent-bridge: ${err.message}\n${command ? (BESIDE_SERVICE[command] ?? '') : ''}`);
      return 1;
    }
    if (err instanceof UsageError) {
      process.stderr.write(`patent-bridge: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    // parseArgs: an unknown option, or an option without its value (`--agency` at the end).
    if (typeof (err as { code?: unknown }).code === 'string' && (err as { code: string }).code.startsWith('ERR_PARSE_ARGS_')) {
      process.stderr.write(`patent-bridge: ${(err as Error).message}\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`patent-bridge: ${(err as Error).message ?? err}\n`);
    return 1;
  }
}

/** What does a command's work while the service holds the embedded database (README, Command line). */
const BESIDE_SERVICE: Record<string, string> = {
  invite: '  while the service runs: curl -H "Authorization: Bearer $ADMIN_TOKEN" -H \'content-type: application/json\' <service>/admin/api/invites -d \'{"role":"staff","agency":"SLUG"}\'\n',
  leads: '  while the service runs: curl -H "Authorization: Bearer $ADMIN_TOKEN" <service>/admin/api/leads (one lead: /admin/api/leads/<ref>), or the console\'s Leads page\n',
  'export-registrations': '  while the service runs: curl -H "Authorization: Bearer $ADMIN_TOKEN" -o registrations.csv <service>/admin/api/expos/<edition>/registrations.csv, or the console\'s Registrations page\n',
  broadcasts: '  while the service runs: curl -H "Authorization: Bearer $ADMIN_TOKEN" <service>/admin/api/broadcasts, or the console\'s Broadcasts page\n',
  import: '  while the service runs: the console\'s Patents page imports an upload with the same importer\n',
  reindex: '  while the service runs: the console\'s Patents page indexes pending rows (and every start does)\n',
  search: '  while the service runs: the web chat, or the console\'s Patents list\n',
  chat: '  while the service runs: the web chat at the service\'s address\n',
};

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
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { out: { type: 'string' }, lang: { type: 'string' } } });
      if (!positionals[0]) throw new UsageError('export-registrations needs an edition slug (see content/expos.yaml)');
      const lang = values.lang ?? 'zh';
      if (lang !== 'zh' && lang !== 'en') throw new UsageError(`--lang must be zh or en (not "${lang}")`);
      const { runExport } = await import('./commands.js');
      return runExport(config, log, positionals[0], values.out, lang);
    }
    case 'invite': {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { agency: { type: 'string' }, expo: { type: 'string' }, days: { type: 'string' } } });
      const role = positionals[0];
      if (role !== 'staff' && role !== 'organiser') throw new UsageError(`invite needs a role, staff or organiser${role ? ` (not "${role}")` : ''}`);
      if (positionals.length > 1) throw new UsageError(`invite takes one role; unexpected "${positionals[1]}"`);
      const days = values.days === undefined ? 7 : /^\d{1,3}$/.test(values.days) ? Number(values.days) : NaN;
      if (!(days >= 1 && days <= 90)) throw new UsageError('--days must be a whole number from 1 to 90');
      const { runInvite } = await import('./commands.js');
      return runInvite(config, log, role, { agency: values.agency, expo: values.expo, days });
    }
    case 'leads': {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { status: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' } } });
      if (positionals.length) throw new UsageError(`leads takes no arguments; unexpected "${positionals[0]}"`);
      const { LEAD_STATUSES } = await import('../services/lead-store.js');
      if (values.status !== undefined && !(LEAD_STATUSES as readonly string[]).includes(values.status))
        throw new UsageError(`--status must be one of ${LEAD_STATUSES.join(', ')} (not "${values.status}")`);
      const limit = values.limit === undefined ? 50 : /^\d{1,5}$/.test(values.limit) ? Number(values.limit) : NaN;
      if (!(limit >= 1 && limit <= 10_000)) throw new UsageError('--limit must be a whole number from 1 to 10000');
      const { runLeads } = await import('./commands.js');
      return runLeads(config, log, { status: values.status as (typeof LEAD_STATUSES)[number] | undefined, limit, json: !!values.json });
    }
    case 'broadcasts': {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { limit: { type: 'string' }, json: { type: 'boolean' } } });
      if (positionals.length) throw new UsageError(`broadcasts takes no arguments; unexpected "${positionals[0]}"`);
      const limit = values.limit === undefined ? 50 : /^\d{1,5}$/.test(values.limit) ? Number(values.limit) : NaN;
      if (!(limit >= 1 && limit <= 10_000)) throw new UsageError('--limit must be a whole number from 1 to 10000');
      const { runBroadcasts } = await import('./commands.js');
      return runBroadcasts(config, log, { limit, json: !!values.json });
    }
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
