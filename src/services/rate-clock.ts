/**
 * Send pacing shared through the database, so a platform's overall limit holds for every process
 * on it (replicas included): each send books the next slot of its key with one statement, using the
 * database's clock, and waits until then. Slots are `intervalMs` apart, i.e. a smooth rate with no
 * bursts; a 429 pushes the key's clock back for everyone.
 */
import { sql } from 'drizzle-orm';
import type { Database } from '../db/database.js';

export interface RateClock {
  /** Books the next slot for `key`; resolves with how many ms to wait before sending. */
  book(key: string, intervalMs: number): Promise<number>;
  /** Nobody sends on `key` for `ms` (a platform's retry_after). */
  pause(key: string, ms: number): Promise<void>;
}

export class DbRateClock implements RateClock {
  constructor(private readonly database: Pick<Database, 'rows'>) {}

  async book(key: string, intervalMs: number): Promise<number> {
    const secs = intervalMs / 1000;
    const [row] = await this.database.rows<{ wait: number }>(sql`
      insert into send_clock as c (key, next_at) values (${key}, clock_timestamp() + make_interval(secs => ${secs}))
      on conflict (key) do update set next_at = greatest(c.next_at, clock_timestamp()) + make_interval(secs => ${secs})
      returning (extract(epoch from (c.next_at - clock_timestamp())) * 1000 - ${intervalMs})::float8 as wait`);
    return Math.max(0, Number(row?.wait ?? 0));
  }

  async pause(key: string, ms: number): Promise<void> {
    const secs = ms / 1000;
    await this.database.rows(sql`
      insert into send_clock as c (key, next_at) values (${key}, clock_timestamp() + make_interval(secs => ${secs}))
      on conflict (key) do update set next_at = greatest(c.next_at, clock_timestamp() + make_interval(secs => ${secs}))
      returning key`);
  }
}
