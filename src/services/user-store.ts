/**
 * People, their dialogue state and the update dedupe log. Each method is one short statement or
 * transaction: nothing here is held open across a network call.
 */
import { and, eq, getTableColumns, isNotNull, isNull, or, sql, type SQL } from 'drizzle-orm';
import type { Database, Db } from '../db/database.js';
import { conversations, notices, patentInterests, processedUpdates, users } from '../db/schema.js';
import type { Locale, Platform } from '../core/types.js';
import type { LeadType, Province } from '../core/intents.js';
import type { Audience } from './broadcast-store.js';

export interface User {
  id: number;
  platform: string;
  platformUserId: string;
  locale: Locale;
  localeFixed: boolean;
  subscribed: boolean;
}

export interface ConversationState {
  /** `rewrite`: the model's Chinese terms, when the text itself found nothing (paging reuses them). */
  lastSearch?: { text: string; page: number; at: string; rewrite?: string[] };
  pendingForget?: boolean;
  /** When the web chat asked for an e-mail address after a subscribe (see handlers/email.ts). */
  emailOffer?: string;
  /** An expo registration dialogue in progress (see handlers/register.ts). */
  registration?: {
    step: 'expo' | 'name' | 'org' | 'role' | 'contact' | 'consent' | 'confirm';
    at: string;
    expoSlug?: string;
    name?: string;
    organisation?: string;
    role?: string;
    phone?: string;
    email?: string;
  };
  /** A trade-lead dialogue in progress (see handlers/lead.ts). */
  lead?: LeadDraft;
  /** The last policy question nothing answered, offered as a consultation request. */
  lastPolicyQuestion?: string;
  /** An organiser composing a broadcast (see handlers/broadcast.ts). */
  broadcast?: BroadcastDraft;
  /** The last search that found nothing, offered as a technology demand. */
  lastFailedSearch?: string;
  /** The results last shown (numbered from `from`), for "第三个" / "the 2nd result" (handlers/result-reference.ts). */
  lastResults?: { from: number; hits: { id: string; title: string }[] };
}

export interface BroadcastDraft {
  step: 'audience' | 'role' | 'zh' | 'en' | 'link' | 'confirm';
  at: string;
  expo: string;
  /** Registrants' status chosen before the role step. */
  status?: 'confirmed' | 'waitlisted' | 'active';
  audience?: Audience;
  zh?: string;
  en?: string;
  link?: string;
  linkAsked?: boolean;
}

export interface LeadDraft {
  step: 'type' | 'what' | 'province' | 'contact' | 'notes' | 'consent' | 'confirm';
  at: string;
  type?: LeadType;
  patentId?: string;
  need?: string;
  province?: Province | 'any';
  phone?: string;
  email?: string;
  notes?: string;
  notesAsked?: boolean;
  consent?: boolean;
}

export class UserStore {
  /** `rows`: the database's raw-SQL path (Database.rows), cheaper than db.execute on PGlite; enter uses it when given. */
  constructor(
    private readonly db: Db,
    private readonly rows?: Database['rows'],
  ) {}

  private async raw(q: SQL): Promise<Record<string, unknown>[]> {
    if (this.rows) return this.rows(q);
    const res = (await this.db.execute(q)) as unknown as Record<string, unknown>[] | { rows: Record<string, unknown>[] };
    // PGlite answers { rows }, postgres.js an array.
    return Array.isArray(res) ? res : res.rows;
  }

  /**
   * `new` the first time (platform, updateId) is seen; `replay` with the stored replies when it was
   * handled before; `busy` while another attempt may still be handling it; `stale` (taken over,
   * handle it again) when a claim without replies is older than `staleMs` — its handler died.
   */
  async claimUpdate(platform: Platform, updateId: string, staleMs = 60_000): Promise<{ kind: 'new' | 'busy' | 'stale' } | { kind: 'replay'; replies: unknown[] }> {
    const rows = await this.db.insert(processedUpdates).values({ platform, updateId }).onConflictDoNothing().returning({ id: processedUpdates.updateId });
    if (rows.length === 1) return { kind: 'new' };
    const key = and(eq(processedUpdates.platform, platform), eq(processedUpdates.updateId, updateId));
    const [row] = await this.db.select().from(processedUpdates).where(key);
    if (!row) return { kind: 'busy' };
    if (Array.isArray(row.replies)) return { kind: 'replay', replies: row.replies };
    const taken = await this.db
      .update(processedUpdates)
      .set({ processedAt: sql`now()` })
      .where(and(key, isNull(processedUpdates.replies), sql`${processedUpdates.processedAt} <= now() - make_interval(secs => ${staleMs / 1000})`))
      .returning({ id: processedUpdates.updateId });
    return { kind: taken.length === 1 ? 'stale' : 'busy' };
  }

  /** The replies of a handled update, kept for a retry of it. */
  async saveUpdateReplies(platform: Platform, updateId: string, replies: unknown[]): Promise<void> {
    await this.db.update(processedUpdates).set({ replies }).where(and(eq(processedUpdates.platform, platform), eq(processedUpdates.updateId, updateId)));
  }

  /** Undo a claim when handling failed, so a redelivery of the same update is processed again. */
  async releaseUpdate(platform: Platform, updateId: string): Promise<void> {
    await this.db.delete(processedUpdates).where(and(eq(processedUpdates.platform, platform), eq(processedUpdates.updateId, updateId)));
  }

  /** Dedupe keys only matter while a platform may still redeliver; older ones are dropped. */
  async pruneUpdates(olderThanDays = 7): Promise<number> {
    const rows = await this.db
      .delete(processedUpdates)
      .where(sql`${processedUpdates.processedAt} < now() - make_interval(days => ${olderThanDays})`)
      .returning({ id: processedUpdates.updateId });
    return rows.length;
  }

  async upsert(platform: Platform, platformUserId: string, locale: Locale): Promise<User> {
    const [row] = await this.db
      .insert(users)
      .values({ platform, platformUserId, locale })
      // Writing to us again means the person can be reached again (they unblocked the bot).
      .onConflictDoUpdate({ target: [users.platform, users.platformUserId], set: { updatedAt: sql`now()`, unreachableAt: null } })
      .returning();
    return row as User;
  }

  /**
   * What every message needs before it is handled, in one statement: the person (created, or marked
   * reachable again — writing to us means they unblocked the bot), their dialogue state, and whether
   * notices wait for them (so only those few messages pay for taking them). `take`: a rate-limit
   * take on this database (RateLimiter.sharedTake) run in the same statement; `allowed` says
   * whether it got a token (true without `take`).
   */
  async enter(
    platform: Platform,
    platformUserId: string,
    locale: Locale,
    take?: SQL,
  ): Promise<{ user: User; state: ConversationState; notices: boolean; allowed: boolean }> {
    const extras = sql`
        (select c.state from ${conversations} c where c.user_id = u.id) as "entered_state",
        exists (select 1 from ${notices} n where n.user_id = u.id and n.delivered_at is null) as "entered_notices"`;
    if (!take) {
      // Someone known and reachable (nearly every message): a plain read. Without the writing CTEs
      // below Postgres has no insert and update to set up: on PGlite 0.77 → 0.54 ms of CPU on the one
      // thread (bench-pglite-statements.ts). Anyone else goes on to the statement below. With a
      // take the one statement stays: its take must run once, whatever the read finds.
      const [known] = await this.raw(sql`
        select u.*, ${extras} from ${users} u
        where u.platform = ${platform} and u.platform_user_id = ${platformUserId} and u.unreachable_at is null`);
      if (known) return this.entered(known, false);
    }
    // Reads only, for someone known and reachable, apart from the take.
    const [row] = await this.raw(sql`
      with ${take ? sql`took as (${take}), ` : sql``}found as (
        select * from ${users} where platform = ${platform} and platform_user_id = ${platformUserId}
      ), ins as (
        insert into ${users} (platform, platform_user_id, locale)
        select ${platform}, ${platformUserId}, ${locale} where not exists (select 1 from found)
        on conflict (platform, platform_user_id) do update set updated_at = now(), unreachable_at = null
        returning *
      ), back as (
        update ${users} set updated_at = now(), unreachable_at = null
        where id in (select id from found where unreachable_at is not null)
        returning *
      ), u as (
        select * from ins union all select * from back union all select * from found where unreachable_at is null
      )
      select u.*, ${extras}${take ? sql`,
        exists (select 1 from took) as "entered_allowed"` : sql``}
      from u`);
    return this.entered(row!, take !== undefined);
  }

  /** enter's answer from its row: columns come back by their SQL names. */
  private entered(row: Record<string, unknown>, took: boolean): { user: User; state: ConversationState; notices: boolean; allowed: boolean } {
    const user = Object.fromEntries(Object.entries(getTableColumns(users)).map(([key, col]) => [key, row[col.name] == null ? row[col.name] : col.mapFromDriverValue(row[col.name])])) as unknown as User;
    const state = typeof row.entered_state === 'string' ? JSON.parse(row.entered_state) : row.entered_state;
    return { user, state: (state as ConversationState | null) ?? {}, notices: row.entered_notices === true, allowed: took ? row.entered_allowed === true : true };
  }

  /** The platform refuses delivery to this person (blocked the bot); broadcasts skip them. */
  async markUnreachable(platform: Platform, platformUserId: string): Promise<void> {
    await this.db
      .update(users)
      .set({ unreachableAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(users.platform, platform), eq(users.platformUserId, platformUserId)));
  }

  async setLocale(userId: number, locale: Locale, fixed: boolean): Promise<void> {
    await this.db.update(users).set({ locale, localeFixed: fixed, updatedAt: sql`now()` }).where(eq(users.id, userId));
  }

  /** Returns whether the flag changed. */
  /**
   * Subscribing opts in to general announcements; unsubscribing opts out of every broadcast, expo
   * announcements to registrants included. Returns whether anything changed.
   */
  async setSubscribed(userId: number, subscribed: boolean): Promise<boolean> {
    const rows = await this.db
      .update(users)
      .set(subscribed ? { subscribed, unsubscribedAt: null, updatedAt: sql`now()` } : { subscribed, unsubscribedAt: sql`now()`, updatedAt: sql`now()` })
      .where(and(eq(users.id, userId), subscribed ? or(eq(users.subscribed, false), isNotNull(users.unsubscribedAt)) : isNull(users.unsubscribedAt)))
      .returning({ id: users.id });
    return rows.length === 1;
  }

  async getState(userId: number): Promise<ConversationState> {
    const [row] = await this.db.select({ state: conversations.state }).from(conversations).where(eq(conversations.userId, userId));
    return (row?.state as ConversationState | undefined) ?? {};
  }

  async setState(userId: number, state: ConversationState): Promise<void> {
    await this.db
      .insert(conversations)
      .values({ userId, state })
      .onConflictDoUpdate({ target: conversations.userId, set: { state, updatedAt: sql`now()` } });
  }

  async recordInterest(userId: number, patentId: string): Promise<void> {
    await this.db.insert(patentInterests).values({ userId, patentId }).onConflictDoNothing();
  }

  /** A channel's own records of a person (the 微信客服 reply window): removed with them by forget_me. */
  private readonly forgetHooks = new Map<string, (platformUserId: string) => Promise<void>>();

  /** Registered once per platform by the composition root, next to the channel. */
  onForget(platform: string, hook: (platformUserId: string) => Promise<void>): void {
    this.forgetHooks.set(platform, hook);
  }

  /** forget_me: the user row and everything hanging off it (state, interests) go in one statement, then the channel's records of them. */
  async forget(userId: number): Promise<void> {
    const [gone] = await this.db.delete(users).where(eq(users.id, userId)).returning({ platform: users.platform, platformUserId: users.platformUserId });
    const hook = gone && this.forgetHooks.get(gone.platform);
    if (hook) await hook(gone.platformUserId);
  }
}
