/**
 * The databases DB tests run against: PGlite always, and the Postgres server when
 * TEST_DATABASE_URL is set (a fresh database per call, dropped afterwards).
 */
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { openDatabase, type Database } from '../../src/db/database.js';

export interface TestDb {
  database: Database;
  url?: string;
  drop(): Promise<void>;
}

export const DB_KINDS: ('pglite' | 'postgres')[] = process.env.TEST_DATABASE_URL ? ['pglite', 'postgres'] : ['pglite'];

export async function openTestDb(kind: 'pglite' | 'postgres'): Promise<TestDb> {
  if (kind === 'pglite') {
    const database = await openDatabase({ pgliteDir: 'memory://' });
    await database.migrate();
    return { database, drop: () => database.close() };
  }
  const admin = process.env.TEST_DATABASE_URL!;
  const name = `pb_test_${randomBytes(6).toString('hex')}`;
  const sqlAdmin = postgres(admin, { max: 1, onnotice: () => {} });
  await sqlAdmin.unsafe(`create database ${name}`);
  const u = new URL(admin);
  u.pathname = `/${name}`;
  const database = await openDatabase({ url: u.toString(), maxConnections: 4 });
  await database.migrate();
  return {
    database,
    url: u.toString(),
    async drop() {
      await database.close();
      await sqlAdmin.unsafe(`drop database if exists ${name} with (force)`);
      await sqlAdmin.end();
    },
  };
}
