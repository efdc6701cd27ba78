/**
 * 微信客服 state in Postgres: the kf/sync_msg cursor per KF account and the reply window per
 * customer. A page of messages and the cursor after it are written in one transaction (messages
 * go to inbound_updates, deduplicated on msgid), so a crash before the commit reads the page again
 * and a crash after it never reads it twice. No network call happens inside the transaction.
 */
import { and, eq, sql } from 'drizzle-orm';
import { WECHAT_WINDOW } from '../../src/core/platforms.js';
import type { Database } from '../../src/db/database.js';
import { inboundUpdates, wecomKfCursors, wecomKfCustomers } from '../../src/db/schema.js';

export const KF_PLATFORM = 'wechat';
/** WeCom: replies within 48 hours of the customer's last message, at most 5 of them (path/94677; one table with the broadcast counts). */
export const KF_WINDOW_MS = WECHAT_WINDOW.hours * 3600_000;
export const KF_MAX_REPLIES = WECHAT_WINDOW.replies;

export interface KfMessage {
  msgid: string;
  open_kfid: string;
  external_userid?: string;
  send_time: number;
  origin: number;
  msgtype: string;
  [k: string]: unknown;
}

export interface KfWindow {
  openKfId: string;
  /** Messages we may still send now; 0 when the window is closed or used up. */
  remaining: number;
  closesAt: Date;
}

export class KfStore {
  constructor(private readonly database: Database) {}

  private get db() {
    return this.database.db;
  }

  async cursor(openKfId: string): Promise<string | undefined> {
    const [row] = await this.db.select({ cursor: wecomKfCursors.cursor }).from(wecomKfCursors).where(eq(wecomKfCursors.openKfId, openKfId));
    return row?.cursor;
  }

  /** Records a page and moves the cursor, atomically; returns how many messages were new. */
  async commitPage(openKfId: string, messages: KfMessage[], nextCursor: string): Promise<number> {
    return this.db.transaction(async (tx) => {
      let fresh = 0;
      for (const m of messages) {
        // Only what customers wrote is answered; system events and staff messages are not recorded.
        if (m.origin !== 3 || !m.external_userid) continue;
        const rows = await tx
          .insert(inboundUpdates)
          .values({ platform: KF_PLATFORM, updateId: m.msgid, chatId: m.external_userid, payload: m })
          .onConflictDoNothing()
          .returning({ id: inboundUpdates.updateId });
        // A page read again (a crash before an earlier commit's answer) must not reopen a window.
        if (rows.length === 0) continue;
        fresh++;
        const at = new Date(m.send_time * 1000);
        // Each new customer message opens a new window: 48 h from it, and the count starts again
        // (send_time has one-second resolution, so an equal time counts as newer).
        await tx
          .insert(wecomKfCustomers)
          .values({ externalUserId: m.external_userid, openKfId: m.open_kfid, lastMessageAt: at, sent: 0 })
          .onConflictDoUpdate({
            target: wecomKfCustomers.externalUserId,
            set: {
              openKfId: m.open_kfid,
              sent: sql`case when ${wecomKfCustomers.lastMessageAt} <= ${at.toISOString()}::timestamptz then 0 else ${wecomKfCustomers.sent} end`,
              lastMessageAt: sql`greatest(${wecomKfCustomers.lastMessageAt}, ${at.toISOString()}::timestamptz)`,
              updatedAt: sql`now()`,
            },
          });
      }
      await tx
        .insert(wecomKfCursors)
        .values({ openKfId, cursor: nextCursor })
        .onConflictDoUpdate({ target: wecomKfCursors.openKfId, set: { cursor: nextCursor, updatedAt: sql`now()` } });
      return fresh;
    });
  }

  async window(externalUserId: string, now: Date): Promise<KfWindow | undefined> {
    const [row] = await this.db.select().from(wecomKfCustomers).where(eq(wecomKfCustomers.externalUserId, externalUserId));
    if (!row) return undefined;
    const closesAt = new Date(row.lastMessageAt.getTime() + KF_WINDOW_MS);
    return { openKfId: row.openKfId, closesAt, remaining: closesAt > now ? Math.max(0, KF_MAX_REPLIES - row.sent) : 0 };
  }

  /** Counts one message sent to the customer; false when the window had no room left (another sender took it). */
  async take(externalUserId: string, now: Date): Promise<boolean> {
    const opened = new Date(now.getTime() - KF_WINDOW_MS).toISOString();
    const rows = await this.db
      .update(wecomKfCustomers)
      .set({ sent: sql`${wecomKfCustomers.sent} + 1`, updatedAt: sql`now()` })
      .where(and(eq(wecomKfCustomers.externalUserId, externalUserId), sql`${wecomKfCustomers.sent} < ${KF_MAX_REPLIES}`, sql`${wecomKfCustomers.lastMessageAt} > ${opened}::timestamptz`))
      .returning({ sent: wecomKfCustomers.sent });
    return rows.length === 1;
  }

  /**
   * forget_me: the customer's window row goes, and the messages they wrote lose their text (and the
   * chat id) in the inbox; the msgid stays, so a page read again is still not answered twice.
   * Rows still being answered keep theirs until pruned (the confirmation itself is one of them).
   */
  async forget(externalUserId: string): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.delete(wecomKfCustomers).where(eq(wecomKfCustomers.externalUserId, externalUserId));
      await tx
        .update(inboundUpdates)
        .set({ payload: {}, replies: null, chatId: null })
        .where(and(eq(inboundUpdates.platform, KF_PLATFORM), eq(inboundUpdates.chatId, externalUserId), sql`${inboundUpdates.status} in ('done', 'failed', 'rejected')`));
    });
  }
}
