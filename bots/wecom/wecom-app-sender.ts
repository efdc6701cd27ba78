/**
 * The one way messages leave through the self-built app (message/send). WeCom drops, silently, any
 * message beyond 30 a minute to one member (path/90236: "每应用对同一个成员不可超过30次/分钟，超过部分
 * 会被丢弃不下发"), so the limit is held here: a sliding one-minute window per member, booked
 * synchronously (concurrent sends never take the same slot), plus the overall per-second pacing of
 * SendSlots (shared through the database when replicas can exist). Texts are already cut to 2,048
 * bytes by the renderer; a text over that is refused here rather than sent and rejected.
 */
import { SendSlots, type SlotOptions } from '../../src/services/send-slots.js';
import type { Logger } from '../../src/util/log.js';
import { WecomApiError, type WecomApi } from './wecom-api.js';
import { MAX_TEXT_BYTES, type AppOut } from './wecom-render.js';

export type AppSendResult = { result: 'sent'; msgid?: string; responseCode?: string } | { result: 'unreachable' | 'rejected' };

/** Invalid user list (40031), userid not found (60111), every recipient invalid (81013). */
const UNREACHABLE = new Set([40031, 60111, 81013]);

export interface AppSenderOptions {
  perMemberPerMinute?: number;
  perSecond?: number;
  shared?: SlotOptions['shared'];
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class MemberWindow {
  /** Per member, the sends of the last minute: booked times, moved to the real send time once known. */
  private readonly booked = new Map<string, { at: number }[]>();

  constructor(
    private readonly perMinute: number,
    private readonly now: () => number,
  ) {}

  /**
   * Books the earliest time ≥ now at which `member` has fewer than perMinute sends in the minute
   * before; returns the wait in ms and `sent`, to call when the message actually leaves (the overall
   * pacing may hold it a little longer, and WeCom counts arrivals, not bookings).
   */
  book(member: string): { wait: number; sent: () => void } {
    const now = this.now();
    const q = (this.booked.get(member) ?? []).filter((s) => s.at > now - 60_000);
    // The window is (t - 60 s, t]: the n-th send from the end must have left it, with a small margin for arrival jitter.
    const slot = { at: q.length >= this.perMinute ? Math.max(now, q[q.length - this.perMinute]!.at + 60_000 + 50) : now };
    q.push(slot);
    this.booked.set(member, q);
    if (this.booked.size > 10_000) for (const [k, v] of this.booked) if (v[v.length - 1]!.at <= now - 60_000) this.booked.delete(k);
    return { wait: slot.at - now, sent: () => (slot.at = Math.max(slot.at, this.now())) };
  }
}

export class WecomAppSender {
  private readonly slots: SendSlots;
  private readonly members: MemberWindow;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(
    private readonly api: WecomApi,
    private readonly agentId: number,
    private readonly log: Logger,
    o: AppSenderOptions = {},
  ) {
    const now = o.now ?? Date.now;
    this.sleep = o.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.slots = new SendSlots({ perKeyIntervalMs: 0, perSecond: o.perSecond ?? 20, now, sleep: this.sleep, ...(o.shared ? { shared: o.shared } : {}) });
    this.members = new MemberWindow(o.perMemberPerMinute ?? 30, now);
  }

  async send(member: string, out: AppOut): Promise<AppSendResult> {
    if (out.msgtype === 'text' && Buffer.byteLength(out.text.content) > MAX_TEXT_BYTES) throw new RangeError(`WeCom text is ${Buffer.byteLength(out.text.content)} bytes; the renderer must split at ${MAX_TEXT_BYTES}`);
    const booking = this.members.book(member);
    if (booking.wait > 0) await this.sleep(booking.wait);
    await this.slots.take(member);
    booking.sent();
    try {
      const res = await this.api.post('app', '/cgi-bin/message/send', { touser: member, agentid: this.agentId, enable_duplicate_check: 0, ...out });
      // A member outside the app's visible range comes back in `invaliduser`, with errcode 0.
      if (String(res.invaliduser ?? '').split('|').includes(member)) return { result: 'unreachable' };
      return { result: 'sent', ...(res.msgid ? { msgid: String(res.msgid) } : {}), ...(res.response_code ? { responseCode: String(res.response_code) } : {}) };
    } catch (err) {
      if (err instanceof WecomApiError && !err.transient) {
        if (UNREACHABLE.has(err.errcode)) return { result: 'unreachable' };
        this.log.error('wecom rejected a message', { errcode: err.errcode });
        return { result: 'rejected' };
      }
      throw err;
    }
  }

  async updateCard(member: string, responseCode: string, body: Record<string, unknown>): Promise<void> {
    await this.api.post('app', '/cgi-bin/message/update_template_card', { userids: [member], agentid: this.agentId, response_code: responseCode, ...body });
  }
}
