/**
 * Display names for Feishu people. Feishu events carry only the sender's open_id, never a name, so
 * a claimed lead notice could only say "a colleague". This asks the contact API
 * (`GET /open-apis/contact/v3/users/:user_id?user_id_type=open_id` → `data.user.name`), which
 * needs the app permission `contact:user.base:readonly` (获取用户基本信息) and the person inside the
 * app's contact range. Names are cached per process (bounded), so one person costs one call per
 * process however much they write — calls count against the tenant's monthly API quota.
 *
 * Failures never stop a message: the name is simply left out (the lead notice then says "a
 * colleague"). When Feishu says the permission is missing (99991672, "Access denied. One of the
 * following scopes is required"; 99991679 for a user-token scope) no further lookups are made for
 * an hour, and that is logged once; a person outside the contact range (41050 "no user authority")
 * is remembered as nameless.
 */
import type * as lark from '@larksuiteoapi/node-sdk';
import type { Logger } from '../../src/util/log.js';
import { feishuError } from './feishu-sender.js';

const NO_SCOPE = new Set([99991672, 99991679]);
const MAX_CACHED = 5000;
const SCOPE_RETRY_MS = 3_600_000;

export class FeishuNames {
  private readonly cache = new Map<string, string | null>();
  private readonly pending = new Map<string, Promise<string | undefined>>();
  private disabledUntil = 0;

  constructor(
    private readonly client: Pick<lark.Client, 'contact'>,
    private readonly log: Logger,
    private readonly now: () => number = Date.now,
  ) {}

  /** The person's name as their colleagues see it, or undefined when Feishu will not tell. */
  async of(openId: string): Promise<string | undefined> {
    if (this.cache.has(openId)) return this.cache.get(openId) ?? undefined;
    if (this.now() < this.disabledUntil) return undefined;
    let p = this.pending.get(openId);
    if (!p) {
      p = this.fetch(openId).finally(() => this.pending.delete(openId));
      this.pending.set(openId, p);
    }
    return p;
  }

  private async fetch(openId: string): Promise<string | undefined> {
    try {
      const res = (await this.client.contact.user.get({ path: { user_id: openId }, params: { user_id_type: 'open_id' } })) as { code?: number; data?: { user?: { name?: string } } };
      if (res.code) throw Object.assign(new Error(`Feishu answered ${res.code}`), { feishu: { code: res.code } });
      const name = res.data?.user?.name?.trim().slice(0, 60) || null;
      this.remember(openId, name);
      return name ?? undefined;
    } catch (err) {
      const { code, status } = feishuError(err);
      if (code !== undefined && NO_SCOPE.has(code)) {
        if (this.disabledUntil === 0) this.log.warn('feishu contact permission missing (contact:user.base:readonly): claimed notices will not name the colleague', { code });
        this.disabledUntil = this.now() + SCOPE_RETRY_MS;
      } else if (code !== undefined && status !== undefined && status < 500) {
        this.remember(openId, null); // outside the contact range, or no such user: asking again will not help
      } else {
        this.log.warn('feishu contact lookup failed', { code, status });
      }
      return undefined;
    }
  }

  private remember(openId: string, name: string | null): void {
    if (this.cache.size >= MAX_CACHED) this.cache.delete(this.cache.keys().next().value!);
    this.cache.set(openId, name);
  }
}
