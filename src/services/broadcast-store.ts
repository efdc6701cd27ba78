/**
 * Broadcasts and their delivery rows. Confirming a broadcast resolves its audience into one row per
 * recipient (unique per broadcast and chat) in one transaction; senders in any process take due
 * rows with a lease (SKIP LOCKED) and record each outcome right after the platform answers, so a
 * crash repeats at most the sends that were in flight.
 */
import { sql } from 'drizzle-orm';
import { z } from 'zod';
import { ROLES } from '../core/actions.js';
import type { Database } from '../db/database.js';
import { isPushPlatform, PUSH_PLATFORMS, WECHAT_WINDOW, type PushPlatform, type WechatClosed } from '../core/platforms.js';

export const audienceSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('registrants'), expo: z.string().regex(/^[a-z0-9-]{3,40}$/), status: z.enum(['confirmed', 'waitlisted', 'active']).default('confirmed'), role: z.enum(ROLES).optional() }),
  z.object({ kind: z.literal('subscribers') }),
]);
export type Audience = z.infer<typeof audienceSchema>;
export const FINAL = ['sent', 'unreachable', 'failed', 'skipped', 'cancelled'] as const;

export interface Broadcast {
  id: number;
  audience: Audience;
  textZh: string | null;
  textEn: string | null;
  linkUrl: string | null;
  createdBy: number | null;
  progressPlatform: string | null;
  progressChat: string | null;
  progressMessageId: string | null;
  progressLocale: string;
  status: 'sending' | 'done' | 'cancelled';
  total: number;
  createdAt: Date;
  finishedAt: Date | null;
}

export interface DueDelivery {
  id: number;
  broadcastId: number;
  chatId: string;
  attempts: number;
  locale: string;
  unsubscribed: boolean;
  textZh: string | null;
  textEn: string | null;
  linkUrl: string | null;
}

/** A recipient's row as the console shows it. */
export interface DeliveryRow {
  id: number;
  platform: string;
  chatId: string;
  status: keyof Counts;
  attempts: number;
  error: string | null;
  sentAt: Date | null;
}

export type Counts = Record<'pending' | 'sending' | (typeof FINAL)[number], number>;
/** Recipients per platform that can be pushed to, plus those who get nothing and why. */
export type AudienceCounts = Record<PushPlatform, number> & WechatClosed & {
  /** In the audience but unsubscribed: they get nothing. */
  unsubscribed: number;
  /** In the audience but only on the web chat, which cannot be pushed to. */
  noPush: number;
};

const BROADCAST_COLUMNS = sql`id, audience, text_zh as "textZh", text_en as "textEn", link_url as "linkUrl", created_by as "createdBy", progress_platform as "progressPlatform",
  progress_chat as "progressChat", progress_message_id as "progressMessageId", progress_locale as "progressLocale", status, total, created_at as "createdAt", finished_at as "finishedAt"`;

/**
 * The audience's people: id, platform, chat id, unsubscribed. Values only from the validated audience.
 * A web user with a usable e-mail address (src/services/email-store.ts) counts as platform 'email'
 * with their user id as the chat: the address itself stays in one table.
 */
const PERSON = sql`u.id, case when u.platform = 'web' and e.user_id is not null then 'email' else u.platform end as platform,
  case when u.platform = 'web' and e.user_id is not null then u.id::text else u.platform_user_id end as chat, u.unsubscribed_at is not null as unsub`;
const MAIL = sql`left join email_addresses e on e.user_id = u.id and e.bounced_at is null`;
function audienceQuery(a: Audience) {
  if (a.kind === 'subscribers') return sql`select ${PERSON} from users u ${MAIL} where u.subscribed`;
  const status = a.status === 'active' ? sql`r.status in ('confirmed', 'waitlisted')` : sql`r.status = ${a.status}`;
  return sql`select distinct ${PERSON}
    from registrations r join users u on u.id = r.user_id ${MAIL}
    where r.expo_slug = ${a.expo} and ${status} ${a.role ? sql`and r.role = ${a.role}` : sql``}`;
}

export class BroadcastStore {
  constructor(
    private readonly database: Database,
    /** For the 微信客服 window in the counts. */
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /**
   * Who in the audience can be pushed to, per platform, and who cannot and why. WeChat customers
   * count as reachable only inside their 微信客服 window (see WECHAT_WINDOW); the others are
   * counted by reason. Their delivery rows are still made: the window may open again before the
   * send, and the sender checks it then.
   */
  async audienceCounts(a: Audience): Promise<AudienceCounts> {
    const cutoff = new Date(this.clock().getTime() - WECHAT_WINDOW.hours * 3600_000).toISOString();
    const rows = await this.database.rows<{ platform: string; unsub: boolean; closed: 'expired' | 'used' | null; n: number }>(sql`
      select a.platform, a.unsub,
        case when a.platform = 'wechat' and not a.unsub then
          case when k.last_message_at is null or k.last_message_at <= ${cutoff}::timestamptz then 'expired' when k.sent >= ${WECHAT_WINDOW.replies} then 'used' end
        end as closed,
        count(*)::int as n
      from (${audienceQuery(a)}) a left join wecom_kf_customers k on a.platform = 'wechat' and k.external_userid = a.chat
      group by 1, 2, 3`);
    const c = { ...Object.fromEntries(PUSH_PLATFORMS.map((p) => [p, 0])), unsubscribed: 0, noPush: 0, wechatExpired: 0, wechatUsedUp: 0 } as AudienceCounts;
    for (const r of rows) {
      if (!isPushPlatform(r.platform)) c.noPush += r.n;
      else if (r.unsub) c.unsubscribed += r.n;
      else if (r.closed === 'expired') c.wechatExpired += r.n;
      else if (r.closed === 'used') c.wechatUsedUp += r.n;
      else c[r.platform] += r.n;
    }
    return c;
  }

  /** Creates the broadcast with one delivery row per reachable recipient, in one transaction. */
  async create(input: {
    audience: Audience;
    textZh?: string;
    textEn?: string;
    linkUrl?: string;
    createdBy?: number;
    progress?: { platform: string; chat: string; locale: 'zh' | 'en' };
  }): Promise<Broadcast> {
    return this.database.db.transaction(async (tx) => {
      const run = async <T>(q: ReturnType<typeof sql>) => {
        const r = (await tx.execute(q)) as unknown as { rows?: T[] } | T[];
        return Array.isArray(r) ? r : (r.rows ?? []);
      };
      const [b] = await run<{ id: number }>(sql`
        insert into broadcasts (audience, text_zh, text_en, link_url, created_by, progress_platform, progress_chat, progress_locale)
        values (${JSON.stringify(input.audience)}::jsonb, ${input.textZh ?? null}, ${input.textEn ?? null}, ${input.linkUrl ?? null}, ${input.createdBy ?? null},
                ${input.progress?.platform ?? null}, ${input.progress?.chat ?? null}, ${input.progress?.locale ?? 'zh'})
        returning id`);
      const inserted = await run<{ id: number }>(sql`
        insert into broadcast_deliveries (broadcast_id, user_id, platform, chat_id, status)
        select ${b!.id}, a.id, a.platform, a.chat, case when a.unsub then 'skipped' else 'pending' end
        from (${audienceQuery(input.audience)}) a where a.platform in (${sql.join(PUSH_PLATFORMS.map((p) => sql`${p}`), sql`, `)})
        on conflict do nothing
        returning id`);
      await run(sql`update broadcasts set total = ${inserted.length} where id = ${b!.id}`);
      const [row] = await run<Broadcast>(sql`select ${BROADCAST_COLUMNS} from broadcasts where id = ${b!.id}`);
      return row!;
    });
  }

  async get(id: number): Promise<Broadcast | undefined> {
    const [b] = await this.database.rows<Broadcast>(sql`select ${BROADCAST_COLUMNS} from broadcasts where id = ${id}`);
    return b;
  }

  /** Newest first; with `visibleTo`, only an organiser's: to their expo's registrants, or created by them. */
  async list(limit = 50, visibleTo?: { expo: string; staffId: number | null }): Promise<Broadcast[]> {
    const where = visibleTo
      ? sql`where (audience->>'kind' = 'registrants' and audience->>'expo' = ${visibleTo.expo})${visibleTo.staffId !== null ? sql` or created_by = ${visibleTo.staffId}` : sql``}`
      : sql``;
    return this.database.rows<Broadcast>(sql`select ${BROADCAST_COLUMNS} from broadcasts ${where} order by id desc limit ${limit}`);
  }

  /** One broadcast's delivery rows in id order, a page at a time. */
  async deliveries(id: number, opts: { limit?: number; offset?: number } = {}): Promise<DeliveryRow[]> {
    return this.database.rows<DeliveryRow>(sql`
      select id, platform, chat_id as "chatId", status, attempts, error, sent_at as "sentAt"
      from broadcast_deliveries where broadcast_id = ${id} order by id limit ${opts.limit ?? 200} offset ${opts.offset ?? 0}`);
  }

  /** Broadcasts still sending (progress, completion). */
  async active(): Promise<Broadcast[]> {
    return this.database.rows<Broadcast>(sql`select ${BROADCAST_COLUMNS} from broadcasts where status = 'sending' order by id`);
  }

  /** Due rows of running broadcasts for one platform, leased to the caller; expired leases (a crashed sender) count as due. */
  async claimDue(platform: string, limit: number, leaseMs = 60_000): Promise<DueDelivery[]> {
    return this.database.rows<DueDelivery>(sql`
      with c as (
        update broadcast_deliveries d set status = 'sending', attempts = d.attempts + 1, lease_until = now() + make_interval(secs => ${leaseMs / 1000})
        where d.id in (
          select d2.id from broadcast_deliveries d2 join broadcasts b on b.id = d2.broadcast_id
          where d2.platform = ${platform} and b.status = 'sending'
            and ((d2.status = 'pending' and d2.next_attempt_at <= now()) or (d2.status = 'sending' and d2.lease_until < now()))
          order by d2.id limit ${limit}
          for update of d2 skip locked)
        returning d.id, d.broadcast_id, d.user_id, d.chat_id, d.attempts)
      select c.id, c.broadcast_id as "broadcastId", c.chat_id as "chatId", c.attempts, coalesce(u.locale, 'zh') as locale,
             coalesce(u.unsubscribed_at is not null, false) as unsubscribed, b.text_zh as "textZh", b.text_en as "textEn", b.link_url as "linkUrl"
      from c join broadcasts b on b.id = c.broadcast_id left join users u on u.id = c.user_id
      order by c.id`);
  }

  /** Records an outcome; only a row this sender still holds changes (a cancelled one stays cancelled). */
  async finish(id: number, status: 'sent' | 'unreachable' | 'failed' | 'skipped', error?: string): Promise<void> {
    await this.database.rows(sql`
      update broadcast_deliveries set status = ${status}, error = ${error?.slice(0, 300) ?? null}, lease_until = null, sent_at = ${status === 'sent' ? sql`now()` : null}
      where id = ${id} and status = 'sending' returning id`);
  }

  async retryLater(id: number, error: string, delayMs: number): Promise<void> {
    await this.database.rows(sql`
      update broadcast_deliveries set status = 'pending', error = ${error.slice(0, 300)}, lease_until = null, next_attempt_at = now() + make_interval(secs => ${delayMs / 1000})
      where id = ${id} and status = 'sending' returning id`);
  }

  async counts(id: number): Promise<Counts> {
    const rows = await this.database.rows<{ status: keyof Counts; n: number }>(sql`select status, count(*)::int as n from broadcast_deliveries where broadcast_id = ${id} group by status`);
    const c = { pending: 0, sending: 0, sent: 0, unreachable: 0, failed: 0, skipped: 0, cancelled: 0 } as Counts;
    for (const r of rows) c[r.status] = r.n;
    return c;
  }

  /** Stops a running broadcast: rows not yet sent are cancelled; sends in flight finish. */
  async cancel(id: number): Promise<boolean> {
    return this.database.db.transaction(async (tx) => {
      const r = (await tx.execute(sql`update broadcasts set status = 'cancelled', finished_at = now() where id = ${id} and status = 'sending' returning id`)) as unknown as { rows?: unknown[] } | unknown[];
      if ((Array.isArray(r) ? r : (r.rows ?? [])).length === 0) return false;
      await tx.execute(sql`update broadcast_deliveries set status = 'cancelled', lease_until = null where broadcast_id = ${id} and status = 'pending'`);
      return true;
    });
  }

  /** Marks a broadcast done once no row is pending or in flight; true for the one caller that did. */
  async finishIfDone(id: number): Promise<boolean> {
    const rows = await this.database.rows(sql`
      update broadcasts set status = 'done', finished_at = now() where id = ${id} and status = 'sending'
        and not exists (select 1 from broadcast_deliveries where broadcast_id = ${id} and status in ('pending', 'sending'))
      returning id`);
    return rows.length === 1;
  }

  /**
   * The organiser's confirmation has not left yet: an inbox row of the organiser's chat that
   * arrived before the broadcast was created (the confirming update among them) is still pending
   * or being handled — its replies are sent before the row is done. Progress and summary wait for
   * it, so the organiser reads "started" before any progress, on any replica.
   */
  async confirmationPending(b: Pick<Broadcast, 'progressPlatform' | 'progressChat' | 'createdAt'>): Promise<boolean> {
    if (!b.progressPlatform || !b.progressChat) return false;
    const rows = await this.database.rows(sql`
      select 1 as pending from inbound_updates
      where platform = ${b.progressPlatform} and chat_id = ${b.progressChat} and status in ('pending', 'sending')
        and received_at <= ${new Date(b.createdAt).toISOString()}::timestamptz
      limit 1`);
    return rows.length > 0;
  }

  /** One process at a time refreshes a broadcast's progress: true for the caller whose turn it is. */
  async takeProgressTurn(id: number, everyMs: number): Promise<boolean> {
    const rows = await this.database.rows(sql`
      update broadcasts set progress_at = now() where id = ${id}
        and (progress_at is null or progress_at <= now() - make_interval(secs => ${everyMs / 1000}))
      returning id`);
    return rows.length === 1;
  }

  async setProgressMessage(id: number, messageId: string): Promise<void> {
    await this.database.rows(sql`update broadcasts set progress_message_id = ${messageId} where id = ${id} returning id`);
  }
}
