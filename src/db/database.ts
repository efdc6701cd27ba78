/**
 * Opens the system of record: PGlite in DATA_DIR/pg (embedded default) or a Postgres server through
 * postgres.js. Both get the same drizzle schema and the same generated migrations.
 *
 * PGlite has a single connection: callers must never hold a transaction open across a network or
 * LLM call, or every other request waits behind it.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { SQL } from 'drizzle-orm';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePostgres } from 'drizzle-orm/postgres-js';
import { migrate as migratePostgres } from 'drizzle-orm/postgres-js/migrator';
import postgres from 'postgres';
import { MIGRATIONS_DIR } from '../util/paths.js';
import { cacheStatements } from './pglite-statement-cache.js';
import * as schema from './schema.js';

export type Schema = typeof schema;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  kind: 'pglite' | 'postgres';
  /** Raw SQL returning rows on both drivers (PGlite answers `{rows}`, postgres.js an array). */
  rows<T = Record<string, unknown>>(query: SQL): Promise<T[]>;
  migrate(): Promise<void>;
  ping(): Promise<void>;
  /** How pg-boss reaches this database: PGlite's one connection through an executeSql adapter, or its own pool. */
  jobQueueOptions(): { db: { executeSql(text: string, values: unknown[]): Promise<{ rows: unknown[] }> } } | { connectionString: string; max: number };
  close(): Promise<void>;
}

export class DatabaseError extends Error {
  constructor(
    message: string,
    readonly code: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'DatabaseError';
  }
}

/**
 * True when the database refused the data itself (SQLSTATE class 22, data exception, e.g. a character
 * it cannot store; class 54, a value over a size limit), as opposed to failing to answer: sending
 * the same data again will fail the same way. Looks through drizzle's wrapper to the driver's error.
 */
export function isDataError(err: unknown): boolean {
  for (let e = err, i = 0; e instanceof Error && i < 5; e = (e as { cause?: unknown }).cause, i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^(?:22|54)[0-9A-Z]{3}$/.test(code)) return true;
  }
  return false;
}

export interface DatabaseOptions {
  /** postgres:// URL; when absent PGlite is used. */
  url?: string;
  /** Directory for PGlite data; `memory://` keeps it in memory (tests). */
  pgliteDir?: string;
  maxConnections?: number;
}

export async function openDatabase(opts: DatabaseOptions): Promise<Database> {
  if (opts.url) return openPostgres(opts.url, opts.maxConnections ?? 10);
  return openPglite(opts.pgliteDir ?? 'memory://');
}

async function openPglite(dir: string): Promise<Database> {
  if (!dir.startsWith('memory://')) mkdirSync(path.dirname(dir), { recursive: true });
  let client: PGlite;
  try {
    client = await PGlite.create(dir);
  } catch (cause) {
    throw new DatabaseError(`PGlite could not open ${dir}`, 'DB_OPEN_FAILED', { cause });
  }
  // Statements are parsed and planned once (see pglite-statement-cache.ts); saved ones are dropped
  // after migrations, which may change the tables they read.
  const forget = cacheStatements(client);
  const db = drizzlePglite(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'pglite',
    // Through db.execute, so bench-e2e-probe.mjs (which wraps drizzle's queryWithCache) counts it.
    // Calling client.query directly saves ~0.06 ms of CPU per statement, but the probe then sees nothing.
    rows: async <T>(q: SQL) => ((await db.execute(q)) as unknown as { rows: T[] }).rows,
    migrate: async () => {
      await migratePglite(db as never, { migrationsFolder: MIGRATIONS_DIR });
      await forget();
    },
    ping: async () => {
      await client.query('select 1');
    },
    jobQueueOptions: () => ({
      db: {
        // pg-boss sends its migrations as multi-statement SQL without parameters: that needs exec.
        executeSql: async (text: string, values: unknown[]) => {
          if (values && values.length) return { rows: (await client.query(text, values as never[])).rows };
          const results = await client.exec(text);
          return { rows: results.at(-1)?.rows ?? [] };
        },
      },
    }),
    close: () => client.close(),
  };
}

async function openPostgres(url: string, max: number): Promise<Database> {
  const client = postgres(url, { max, onnotice: () => {}, connect_timeout: 10 });
  try {
    await client`select 1`;
  } catch (cause) {
    await client.end({ timeout: 1 }).catch(() => {});
    throw new DatabaseError('Postgres is not reachable at DATABASE_URL', 'DB_UNREACHABLE', { cause });
  }
  const db = drizzlePostgres(client, { schema }) as unknown as Db;
  return {
    db,
    kind: 'postgres',
    rows: async <T>(q: SQL) => (await db.execute(q)) as unknown as T[],
    migrate: () => migratePostgres(db as never, { migrationsFolder: MIGRATIONS_DIR }),
    ping: async () => {
      await client`select 1`;
    },
    jobQueueOptions: () => ({ connectionString: url, max: 4 }),
    close: () => client.end({ timeout: 5 }),
  };
}

