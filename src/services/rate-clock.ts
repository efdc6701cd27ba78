/**
 * Send pacing: a platform's overall limit (slots `intervalMs` apart on the platform's clock row: a
 * smooth rate with no bursts) and one send per `keyIntervalMs` per chat, booked together. The
 * database clock holds both for every process on the database (replicas included) with one
 * statement per send (or none of its own when booked inside the inbox write: `statement`), on the
 * database's clock; the memory clock does the same for one process
 * (tests and tools without a database). A 429 pushes a clock back for everyone.
 */
import { sql, type SQL } from 'drizzle-orm';
import type { Database } from '../db/database.js';

/**
 * `wait`: the slot is booked, send in that many ms from the answer (≤ 0: the slot is now or already
 * passed). `busy`: the chat is not free yet, ask again in that many ms.
 */
export type Booking = { wait: number } | { busy: number };

/**
 * A booking as parts of a statement the caller runs on the clock's database (InboxStore.saveReplies
 * books the first reply's slot in the statement that stores the replies): `ctes` go into its WITH
 * list, `columns` into its select list; `read` turns the row into the Booking.
 */
export interface BookingStatement {
  ctes: SQL;
  columns: SQL;
  read(row: Record<string, unknown>): Booking;
}

export interface RateClock {
  /**
   * Books the next overall slot of `scope` for chat `key`, only when the chat is free: the chat is
   * then not free again until `keyIntervalMs` after that slot (after the actual send, not the ask).
   */
  book(scope: string, intervalMs: number, key: string, keyIntervalMs: number): Promise<Booking>;
  /** Nobody sends on `key` (a scope or a chat) for `ms` (a platform's retry_after). */
  pause(key: string, ms: number): Promise<void>;
  /** The same booking as `book`, to run inside another statement on the clock's database (database clocks only). */
  statement?(scope: string, intervalMs: number, key: string, keyIntervalMs: number): BookingStatement;
}

export class DbRateClock implements RateClock {
  /**
   * Database clock minus this process's clock, plus the quickest answer seen: slots are turned into
   * local send times with one constant, so they stay as far apart as they were booked however long
   * each answer took (a relative wait would add each answer's own delay: postgres.js parsing,
   * PGlite's statements queued on its one connection, a busy event loop). PGlite runs on this
   * machine's clock: 0.
   */
  private offset: number | undefined;

  constructor(private readonly database: Pick<Database, 'rows' | 'kind'>) {
    if (database.kind === 'pglite') this.offset = 0;
  }

  /**
   * One statement: `g` books the overall slot if the chat looks free in the statement's snapshot;
   * `ch` then writes the chat's row under its row lock, where a concurrent booking of the same
   * chat (another replica) is seen: the chat keeps the later time and this booking answers `busy`
   * (its overall slot goes unused, which only lowers the rate).
   */
  async book(scope: string, intervalMs: number, key: string, keyIntervalMs: number): Promise<Booking> {
    const st = this.statement(scope, intervalMs, key, keyIntervalMs);
    const [row] = await this.database.rows<Record<string, unknown>>(sql`with ${st.ctes} select ${st.columns}`);
    return st.read(row ?? {});
  }

  statement(scope: string, intervalMs: number, key: string, keyIntervalMs: number): BookingStatement {
    const g = intervalMs / 1000;
    const k = keyIntervalMs / 1000;
    return {
      ctes: sql`g as (
        insert into send_clock as c (key, next_at)
        select ${scope}, clock_timestamp() + make_interval(secs => ${g})
        where not exists (select 1 from send_clock s where s.key = ${key} and s.next_at > clock_timestamp())
        on conflict (key) do update set next_at = greatest(c.next_at, clock_timestamp()) + make_interval(secs => ${g})
        returning c.next_at - make_interval(secs => ${g}) as at
      ), ch as (
        insert into send_clock as c (key, next_at)
        select ${key}, g.at + make_interval(secs => ${k}) from g
        on conflict (key) do update set next_at = case when c.next_at > excluded.next_at - make_interval(secs => ${k}) then c.next_at else excluded.next_at end
        returning next_at
      )`,
      columns: sql`
        (extract(epoch from clock_timestamp()) * 1000)::float8 as clock_now,
        (select extract(epoch from g.at) * 1000 from g)::float8 as clock_at,
        coalesce((select extract(epoch from (ch.next_at - clock_timestamp())) * 1000 from ch),
                 (select extract(epoch from (s.next_at - clock_timestamp())) * 1000 from send_clock s where s.key = ${key}))::float8 as clock_chat,
        (select ch.next_at = g.at + make_interval(secs => ${k}) from ch, g) as clock_mine`,
      read: (row) => {
        const received = Date.now();
        const lag = received - Number(row.clock_now);
        this.offset = this.offset === undefined ? lag : Math.min(this.offset, lag);
        if (row.clock_mine === true) return { wait: Number(row.clock_at) + this.offset - received };
        return { busy: Math.max(1, Number(row.clock_chat ?? 1)) };
      },
    };
  }

  async pause(key: string, ms: number): Promise<void> {
    const secs = ms / 1000;
    await this.database.rows(sql`
      insert into send_clock as c (key, next_at) values (${key}, clock_timestamp() + make_interval(secs => ${secs}))
      on conflict (key) do update set next_at = greatest(c.next_at, clock_timestamp() + make_interval(secs => ${secs}))
      returning key`);
  }

  /** Clock rows in the past say nothing any more (a missing row is a free chat): dropped. */
  async prune(): Promise<number> {
    const rows = await this.database.rows(sql`delete from send_clock where next_at < now() - interval '1 minute' returning key`);
    return rows.length;
  }
}

/** The same booking for one process, on an injected clock. Bounded: chats whose turn has passed are dropped. */
export class MemoryRateClock implements RateClock {
  private readonly next = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async book(scope: string, intervalMs: number, key: string, keyIntervalMs: number): Promise<Booking> {
    const now = this.now();
    const chat = this.next.get(key) ?? -Infinity;
    if (chat > now) return { busy: chat - now };
    const at = Math.max(now, this.next.get(scope) ?? -Infinity);
    this.next.set(scope, at + intervalMs);
    this.next.set(key, at + keyIntervalMs);
    if (this.next.size > 50_000) for (const [k, v] of this.next) if (v < now) this.next.delete(k);
    return { wait: at - now };
  }

  async pause(key: string, ms: number): Promise<void> {
    this.next.set(key, Math.max(this.next.get(key) ?? -Infinity, this.now() + ms));
  }
}
