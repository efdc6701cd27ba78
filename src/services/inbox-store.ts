/**
 * The inbound-update inbox (see schema: inbound_updates). Rows are claimed with a lease, so several
 * workers or replicas never handle one update at the same time, and a crashed worker's rows are
 * picked up again when the lease runs out. Payloads and replies are cleared once done: they may
 * hold personal data and are only needed until delivery.
 *
 * An update that can never be handled (structurally unusable, or data the database refuses) is
 * recorded as `rejected` without its payload and counted, so the channel can acknowledge it and the
 * platform stops redelivering it; a database that does not answer still throws, so it retries.
 */
import { and, eq, sql, type SQL } from 'drizzle-orm';
import { storable, storableText, UnstorableError } from '../core/sanitize.js';
import { isDataError, type Database } from '../db/database.js';
import { inboundUpdates } from '../db/schema.js';
import type { Metrics } from '../util/metrics.js';
import { redactString } from '../util/redact.js';

export interface InboxRow {
  platform: string;
  updateId: string;
  chatId: string | null;
  payload: unknown;
  status: string;
  attempts: number;
  replies: unknown[] | null;
  sent: number;
}

export const MAX_ATTEMPTS = 5;
/**
 * How long a claim holds without renewal. The worker renews its rows every LEASE_SECONDS / 3 while
 * it holds them, so a live replica keeps its rows however long one takes, and a dead one's rows
 * are free again at most LEASE_SECONDS after its last renewal.
 */
export const LEASE_SECONDS = 10;

/** Why an update was rejected: a closed set (it is a metrics label). */
export type RejectReason = 'no_chat' | 'no_from' | 'unstorable';
export type AcceptOutcome = 'recorded' | 'duplicate' | 'rejected';

export class InboxStore {
  constructor(
    private readonly database: Database,
    private readonly metrics?: Pick<Metrics, 'inboundRejected'>,
  ) {}

  private get db() {
    return this.database.db;
  }

  /**
   * Records an update with its text made storable (src/core/sanitize.ts): 'duplicate' when it was
   * already recorded (a redelivery), 'rejected' when the database still refuses it as data.
   */
  async accept(platform: string, updateId: string, chatId: string | null, payload: unknown): Promise<AcceptOutcome> {
    return (await this.acceptHeld(platform, updateId, chatId, payload, false)).outcome;
  }

  /**
   * `accept`, and with `hold` the insert is also this worker's claim: the row is written already
   * leased (attempts 1, as a claim leaves it), so the caller hands it to its worker in memory
   * (InboxWorker.adopt) and no claim statement is needed. `row` is that row when it was recorded held.
   * Prebuilt SQL rather than the query builder: this runs once per update, before the acknowledgement.
   */
  async acceptHeld(platform: string, updateId: string, chatId: string | null, payload: unknown, hold: boolean, leaseSeconds = LEASE_SECONDS): Promise<{ outcome: AcceptOutcome; row?: InboxRow }> {
    const id = storableText(updateId);
    let clean: unknown;
    try {
      clean = storable(payload);
    } catch (err) {
      if (!(err instanceof UnstorableError)) throw err;
      await this.reject(platform, id, 'unstorable');
      return { outcome: 'rejected' };
    }
    const chat = chatId === null ? null : storableText(chatId);
    try {
      const rows = await this.database.rows(
        hold
          ? sql`insert into inbound_updates (platform, update_id, chat_id, payload, attempts, lease_until)
              values (${platform}, ${id}, ${chat}, ${JSON.stringify(clean)}::jsonb, 1, now() + make_interval(secs => ${leaseSeconds}))
              on conflict do nothing returning 1 as ok`
          : sql`insert into inbound_updates (platform, update_id, chat_id, payload) values (${platform}, ${id}, ${chat}, ${JSON.stringify(clean)}::jsonb)
              on conflict do nothing returning 1 as ok`,
      );
      if (rows.length !== 1) return { outcome: 'duplicate' };
      return hold ? { outcome: 'recorded', row: { platform, updateId: id, chatId: chat, payload: clean, status: 'pending', attempts: 1, replies: null, sent: 0 } } : { outcome: 'recorded' };
    } catch (err) {
      if (!isDataError(err)) throw err;
      await this.reject(platform, id, 'unstorable');
      return { outcome: 'rejected' };
    }
  }

  /** Records an update that will never be handled, without its payload; counted once per update. */
  async reject(platform: string, updateId: string, reason: RejectReason): Promise<void> {
    const rows = await this.db
      .insert(inboundUpdates)
      .values({ platform, updateId: storableText(updateId), chatId: null, payload: {}, status: 'rejected', error: reason })
      .onConflictDoNothing()
      .returning({ id: inboundUpdates.updateId });
    if (rows.length === 1) this.metrics?.inboundRejected.inc({ platform, reason });
  }

  /** Takes up to `limit` unfinished rows whose lease is free, oldest first. */
  async claim(platform: string, limit: number, leaseSeconds = LEASE_SECONDS): Promise<InboxRow[]> {
    const rows = await this.database.rows<Record<string, unknown>>(sql`
      update inbound_updates set attempts = attempts + 1, lease_until = now() + make_interval(secs => ${leaseSeconds}), updated_at = now()
      where (platform, update_id) in (
        select platform, update_id from inbound_updates
        where platform = ${platform} and status in ('pending', 'sending') and (lease_until is null or lease_until < now())
        order by received_at, update_id
        limit ${limit}
        for update skip locked)
      returning platform, update_id, chat_id, payload, status, attempts, replies, sent, received_at`);
    return rows
      .map((r) => ({
        platform: String(r.platform),
        updateId: String(r.update_id),
        chatId: r.chat_id == null ? null : String(r.chat_id),
        payload: r.payload,
        status: String(r.status),
        attempts: Number(r.attempts),
        replies: (r.replies as unknown[] | null) ?? null,
        sent: Number(r.sent),
        receivedAt: new Date(r.received_at as string),
      }))
      .sort((a, b) => a.receivedAt.getTime() - b.receivedAt.getTime() || Number(a.updateId) - Number(b.updateId));
  }

  /** Extends the lease of rows this worker still holds (one statement for all of them); finished rows are left alone. */
  async renew(platform: string, updateIds: string[], leaseSeconds = LEASE_SECONDS): Promise<void> {
    if (!updateIds.length) return;
    await this.database.rows(sql`
      update inbound_updates set lease_until = now() + make_interval(secs => ${leaseSeconds})
      where platform = ${platform} and update_id in (${sql.join(updateIds.map((id) => sql`${id}`), sql`, `)}) and status in ('pending', 'sending')
      returning update_id`);
  }

  private where(r: Pick<InboxRow, 'platform' | 'updateId'>) {
    return and(eq(inboundUpdates.platform, r.platform), eq(inboundUpdates.updateId, r.updateId));
  }

  /**
   * Stores the replies before any is sent, with the dialogue state the handling left (`state`, from
   * a pipeline run with `inbox`) in the same statement: a retry finds both or neither, so a handled
   * message is never handled again from the state it already changed. 'taken' when replies were
   * stored meanwhile by another attempt (a lease lost under load): this attempt sends nothing, the
   * row comes back with those replies. `also`: more of the same statement on this database (the
   * first reply's send slot, SendSlots.prebook): its CTEs run with the write, `read` gets its
   * columns, whatever the outcome.
   */
  async saveReplies(
    r: InboxRow,
    replies: unknown[],
    state?: { userId: number; state: unknown },
    also?: { ctes: SQL; columns: SQL; read(row: Record<string, unknown>): unknown },
  ): Promise<'stored' | 'taken'> {
    // `save` first: the statement is known by its start (bench:e2e --trace).
    const ctes: SQL[] = [
      sql`save as (
      update inbound_updates set status = 'sending', replies = ${JSON.stringify(replies)}::jsonb, sent = 0, updated_at = now()
      where platform = ${r.platform} and update_id = ${r.updateId} and replies is null
      returning 1 as ok)`,
    ];
    if (state)
      ctes.push(sql`s as (
            insert into conversations (user_id, state) values (${state.userId}, ${JSON.stringify(state.state)}::jsonb)
            on conflict (user_id) do update set state = excluded.state, updated_at = now())`);
    if (also) ctes.push(also.ctes);
    const [row] = await this.database.rows<Record<string, unknown>>(
      sql`with ${sql.join(ctes, sql`, `)} select exists (select 1 from save) as stored${also ? sql`, ${also.columns}` : sql``}`,
    );
    if (also) also.read(row ?? {});
    return row?.stored === true ? 'stored' : 'taken';
  }

  /**
   * Recorded right after a message left; retried on the spot, since failing here means sending it
   * again later. `also`: as in saveReplies (the next reply's send slot), read once the mark is in.
   */
  async markSent(r: InboxRow, sent: number, also?: { ctes: SQL; columns: SQL; read(row: Record<string, unknown>): unknown }): Promise<void> {
    if (!also) {
      // Prebuilt SQL rather than the query builder, as acceptHeld: this runs for most updates with two replies.
      await persist(() => this.database.rows(sql`update inbound_updates set sent = ${sent}, updated_at = now() where platform = ${r.platform} and update_id = ${r.updateId}`));
      return;
    }
    let row: Record<string, unknown> | undefined;
    await persist(async () => {
      [row] = await this.database.rows<Record<string, unknown>>(sql`
        with mark as (
          update inbound_updates set sent = ${sent}, updated_at = now() where platform = ${r.platform} and update_id = ${r.updateId}
          returning 1 as ok), ${also.ctes}
        select exists (select 1 from mark) as marked, ${also.columns}`);
    });
    also.read(row ?? {});
  }

  /**
   * Finished: after the last reply left (its "sent" mark is this one), or with nothing to send.
   * Resolves once the mark is written. Marks asked for while one is being written go together in
   * the next statement, one per platform among them (a group commit): nothing waits longer than one
   * write for it, and under load one statement finishes many rows.
   */
  markDone(r: InboxRow): Promise<void> {
    return new Promise((resolve, reject) => {
      this.doneQueue.push({ platform: r.platform, updateId: r.updateId, resolve, reject });
      this.flushDone();
    });
  }

  private readonly doneQueue: { platform: string; updateId: string; resolve: () => void; reject: (err: unknown) => void }[] = [];
  private doneWriting = false;

  private flushDone(): void {
    if (this.doneWriting || !this.doneQueue.length) return;
    this.doneWriting = true;
    const batch = this.doneQueue.splice(0, 500);
    const byPlatform = new Map<string, string[]>();
    for (const b of batch) {
      const ids = byPlatform.get(b.platform);
      if (ids) ids.push(b.updateId);
      else byPlatform.set(b.platform, [b.updateId]);
    }
    void persist(async () => {
      for (const [platform, ids] of byPlatform) await this.database.rows(doneStatement(platform, ids));
    }).then(
      () => batch.forEach((b) => b.resolve()),
      (err) => batch.forEach((b) => b.reject(err)),
    ).finally(() => {
      this.doneWriting = false;
      this.flushDone();
    });
  }

  /**
   * Gives the row back after a failure, with a back-off; after MAX_ATTEMPTS it is parked as failed.
   * The error text is kept after the payload is cleared, so it is redacted like a log line first.
   */
  async markFailed(r: InboxRow, error: string): Promise<'retry' | 'failed'> {
    const failed = r.attempts >= MAX_ATTEMPTS;
    await this.db
      .update(inboundUpdates)
      .set({
        status: failed ? 'failed' : r.status,
        error: storableText(redactString(error)).slice(0, 500),
        leaseUntil: failed ? null : sql`now() + make_interval(secs => ${Math.min(60, 2 ** r.attempts)})`,
        ...(failed ? { payload: {}, replies: null } : {}),
        updatedAt: sql`now()`,
      })
      .where(this.where(r));
    return failed ? 'failed' : 'retry';
  }

  async prune(olderThanDays = 7): Promise<number> {
    const rows = await this.db
      .delete(inboundUpdates)
      .where(sql`${inboundUpdates.status} in ('done', 'failed', 'rejected') and ${inboundUpdates.updatedAt} < now() - make_interval(days => ${olderThanDays})`)
      .returning({ id: inboundUpdates.updateId });
    return rows.length;
  }
}

/**
 * The done mark of `ids` of one platform: one statement text whatever their number (a prepared
 * statement, not one per batch size). The ids go in as `= any(array(...))` on the primary key's
 * columns: the planner takes any set-returning function for 100 rows, and matching (platform,
 * update_id) pairs against jsonb_array_elements that way it chose a hash join over a sequential
 * scan of the whole inbox, on PGlite and on the Postgres server alike (bench-pglite-statements.ts,
 * 4,200 rows: 3.2 of 7.3 ms of CPU per update on PGlite, growing with the inbox; 0.6 ms now).
 */
export function doneStatement(platform: string, ids: string[]): SQL {
  return sql`
    update inbound_updates set status = 'done', payload = '{}'::jsonb, replies = null, lease_until = null, error = null, updated_at = now()
    where platform = ${platform} and update_id = any(array(select jsonb_array_elements_text(${JSON.stringify(ids)}::jsonb)))`;
}

/** A short database blip (a dropped connection) should not turn into a repeated message: try a few times. */
async function persist(write: () => Promise<unknown>, attempts = 4): Promise<void> {
  for (let i = 1; ; i++) {
    try {
      await write();
      return;
    } catch (err) {
      if (i >= attempts) throw err;
      await new Promise((r) => setTimeout(r, 100 * 2 ** i));
    }
  }
}
