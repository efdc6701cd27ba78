/**
 * Token buckets per key (a person, an address): `capacity` at most, refilled at `refillPerSecond`.
 * With a database the buckets live in it (table rate_buckets), so every replica behind a balancer
 * holds the same limit as one process: one statement per take, on the database's clock. Without
 * one they live in this process, on the injected clock (tests, tools). Both are bounded: a bucket
 * that is full again is dropped (in memory at once when many, in the database by `prune`).
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.js';

export interface RateLimiterOptions {
  capacity: number;
  refillPerSecond: number;
  /** Shared buckets in this database; in process memory when absent. */
  database?: Pick<Database, 'rows'>;
  /** Prefix of this limiter's keys, so limiters with different limits never share a bucket. */
  scope?: string;
  /** The memory buckets' clock (ms); the database uses its own. */
  now?: () => number;
}

export class RateLimiter {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();
  private readonly now: () => number;

  constructor(private readonly opts: RateLimiterOptions) {
    this.now = opts.now ?? Date.now;
  }

  /** Takes one token from `key`'s bucket; false when it is empty (the caller refuses). */
  async take(key: string): Promise<boolean> {
    const shared = this.sharedTake(key);
    return shared ? (await this.opts.database!.rows(shared)).length === 1 : this.takeLocal(`${this.opts.scope ?? 'rate'}:${key}`);
  }

  /**
   * With shared buckets: the take as one data-modifying statement, for a caller that runs it inside
   * a statement of its own on the same database (UserStore.enter, as a CTE) so the take costs no
   * round trip of its own. It yields one row exactly when the take succeeded. Undefined with
   * memory buckets (call `take`).
   *
   * Insert a bucket with one token taken, or refill the existing one and take a token only if one
   * is there (the WHERE).
   */
  sharedTake(key: string): SQL | undefined {
    if (!this.opts.database) return undefined;
    const k = `${this.opts.scope ?? 'rate'}:${key}`;
    const cap = this.opts.capacity;
    const rate = this.opts.refillPerSecond;
    const refilled = sql`least(${cap}::float8, b.tokens + greatest(0, extract(epoch from (now() - b.at)))::float8 * ${rate}::float8)`;
    return sql`
      insert into rate_buckets as b (key, tokens, at, full_at)
      values (${k}, ${cap - 1}::float8, now(), now() + make_interval(secs => ${1 / rate}::float8))
      on conflict (key) do update
        set tokens = ${refilled} - 1, at = now(), full_at = now() + make_interval(secs => (${cap}::float8 - ${refilled} + 1) / ${rate}::float8)
        where ${refilled} >= 1
      returning 1 as ok`;
  }

  private takeLocal(key: string): boolean {
    const now = this.now();
    const b = this.buckets.get(key) ?? { tokens: this.opts.capacity, at: now };
    b.tokens = Math.min(this.opts.capacity, b.tokens + (Math.max(0, now - b.at) / 1000) * this.opts.refillPerSecond);
    b.at = now;
    const ok = b.tokens >= 1;
    if (ok) b.tokens -= 1;
    this.buckets.set(key, b);
    if (this.buckets.size > 10_000) this.sweep(now);
    return ok;
  }

  private sweep(now: number) {
    for (const [k, b] of this.buckets) {
      if (b.tokens + ((now - b.at) / 1000) * this.opts.refillPerSecond >= this.opts.capacity) this.buckets.delete(k);
    }
  }

  /** Drops the database's buckets that are full again (they say nothing a missing row does not). */
  async prune(): Promise<number> {
    if (!this.opts.database) return 0;
    const rows = await this.opts.database.rows(sql`delete from rate_buckets where full_at < now() returning key`);
    return rows.length;
  }
}
