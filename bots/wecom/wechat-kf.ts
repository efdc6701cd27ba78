/**
 * 微信客服: ordinary WeChat users writing to the alliance's customer-service account. The callback
 * only says "there is something" (kf_msg_or_event with a sync Token); we then pull with
 * kf/sync_msg from the cursor kept in Postgres, writing each page's messages to the inbox and the
 * new cursor in one transaction. One sync runs at a time per process; a notice during a sync makes
 * it go round once more; a stop ends it after the page in hand is committed; a failed pull is tried
 * again on its own (WeCom sends no new notice for messages that arrived during its outage). A worker answers each message through the pipeline with kf/send_msg,
 * inside WeChat's window: 48 h after the customer's last message and at most 5 messages, so a long
 * answer is merged and cut to fit (fitKf), and the window is counted in Postgres before each send.
 */
import type { Pipeline } from '../../src/core/pipeline.js';
import type { Reply } from '../../src/core/types.js';
import type { InboxRow, InboxStore } from '../../src/services/inbox-store.js';
import { InboxWorker } from '../../src/services/inbox-worker.js';
import { OutletError, type Outlet } from '../../src/services/outlet.js';
import type { Logger } from '../../src/util/log.js';
import type { Metrics } from '../../src/util/metrics.js';
import { KF_PLATFORM, type KfMessage, type KfStore, type KfWindow } from './kf-store.js';
import { WecomApiError, type WecomApi } from './wecom-api.js';
import { mapKf } from './wecom-map.js';
import { fitKf, renderKf, type KfOut } from './wecom-render.js';
import { workWecomRow } from './work-wecom-row.js';

export interface WechatKfOptions {
  api: WecomApi;
  store: KfStore;
  openKfId: string;
  pipeline: Pipeline;
  inbox: InboxStore;
  log: Logger;
  clock?: () => Date;
  metrics?: Metrics;
  /** Wait before pulling again after a failed kf/sync_msg (WeCom down or busy), by failures in a row. */
  retryDelayMs?: (failures: number) => number;
}

/** 5 s, 10 s, 20 s … at most 5 minutes: messages that arrived during an outage are read without waiting for the next notice. */
const RETRY_DELAY = (failures: number) => Math.min(300_000, 5_000 * 2 ** (failures - 1));


export class WechatKf {
  private readonly worker: InboxWorker;
  private readonly clock: () => Date;
  private syncing?: Promise<void>;
  private pendingToken: string | undefined;
  private again = false;
  private stopping = false;
  private failures = 0;
  private retry?: NodeJS.Timeout;

  constructor(private readonly o: WechatKfOptions) {
    this.clock = o.clock ?? (() => new Date());
    this.worker = new InboxWorker(o.inbox, KF_PLATFORM, (row) => this.handleRow(row), o.log);
  }

  /** Starts the worker and reads whatever arrived while we were down (no token: one call, slowly rate-limited by WeCom). */
  async start(): Promise<void> {
    this.stopping = false;
    this.worker.start();
    this.notify();
    await this.syncing;
  }

  /** Stops after the page being read is committed: the rest is read from the stored cursor at the next start. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearTimeout(this.retry);
    await this.syncing?.catch(() => {});
    await this.worker.stop();
  }

  /** A kf_msg_or_event notice (or start-up): sync now, or once more after the running sync. */
  notify(token?: string): Promise<void> {
    if (this.stopping) return Promise.resolve();
    if (token) this.pendingToken = token;
    if (this.syncing) {
      this.again = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.again = false;
        const token = this.pendingToken;
        this.pendingToken = undefined;
        try {
          await this.sync(token);
          this.failures = 0;
        } catch (err) {
          // The sync token is single-use and short-lived; a retry pulls without it (slower, but allowed).
          this.failures++;
          const wait = (this.o.retryDelayMs ?? RETRY_DELAY)(this.failures);
          this.o.log.warn('wechat kf sync failed; pulling again later', { err, failures: this.failures, waitMs: wait });
          clearTimeout(this.retry);
          if (!this.stopping) (this.retry = setTimeout(() => void this.notify(), wait)).unref();
        }
      } while (this.again && !this.stopping);
    })().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  private async sync(token: string | undefined): Promise<void> {
    for (let page = 0; page < 1000 && !this.stopping; page++) {
      const cursor = await this.o.store.cursor(this.o.openKfId);
      const res = await this.o.api.post('kf', '/cgi-bin/kf/sync_msg', { open_kfid: this.o.openKfId, limit: 1000, ...(cursor ? { cursor } : {}), ...(token ? { token } : {}) });
      const list = (Array.isArray(res.msg_list) ? res.msg_list : []) as KfMessage[];
      const next = typeof res.next_cursor === 'string' && res.next_cursor ? res.next_cursor : cursor;
      if (next) await this.o.store.commitPage(this.o.openKfId, list, next);
      if (list.length) this.worker.kick();
      if (Number(res.has_more) !== 1) return;
    }
  }

  private handleRow(row: InboxRow): Promise<void> {
    const chat = row.chatId ?? '';
    /** The window before answering: forget_me removes the row while it answers, and its confirmation must still go out. */
    let before: KfWindow | undefined;
    return workWecomRow<KfOut>(row, {
      platform: KF_PLATFORM,
      pipeline: this.o.pipeline,
      inbox: this.o.inbox,
      log: this.o.log,
      ...(this.o.metrics ? { metrics: this.o.metrics } : {}),
      map: (payload) => mapKf(payload as KfMessage, this.clock()),
      before: async () => void (before = await this.o.store.window(chat, this.clock())),
      render: async (replies, locale) => fitKf(renderKf(replies), ((await this.o.store.window(chat, this.clock())) ?? before)?.remaining ?? 0, locale),
      send: (out) => this.send(chat, out, before),
    });
  }

  /**
   * One kf/send_msg, counted against the customer's window first; 'unreachable' when it is closed.
   * `forgotten`: the window as it was before this answer removed it (forget_me); the answer was
   * already fitted to it, so it goes out uncounted.
   */
  private async send(externalUserId: string, out: KfOut, forgotten?: KfWindow): Promise<'sent' | 'unreachable' | 'rejected'> {
    const window = await this.o.store.window(externalUserId, this.clock());
    if (window ? !(await this.o.store.take(externalUserId, this.clock())) : !(forgotten && forgotten.closesAt > this.clock())) return 'unreachable';
    try {
      await this.o.api.post('kf', '/cgi-bin/kf/send_msg', { touser: externalUserId, open_kfid: (window ?? forgotten)!.openKfId, ...out });
      return 'sent';
    } catch (err) {
      if (err instanceof WecomApiError && !err.transient) {
        this.o.log.warn('wechat kf refused a message', { errcode: err.errcode });
        return err.errcode === 95001 ? 'unreachable' : 'rejected';
      }
      throw err;
    }
  }

  /** A message we send on our own (a reminder, "your lead was claimed"): only inside the window; false keeps it as a notice. */
  async push(externalUserId: string, text: string): Promise<boolean> {
    const window = await this.o.store.window(externalUserId, this.clock());
    const outs = fitKf(renderKf([{ text }]), window?.remaining ?? 0, 'zh');
    if (!outs.length) return false;
    let ok = true;
    for (const out of outs) ok = (await this.send(externalUserId, out)) === 'sent' && ok;
    return ok;
  }

  /** forget_me for a WeChat customer: their window row and the text of what they wrote (registered with UserStore.onForget). */
  forget(externalUserId: string): Promise<void> {
    return this.o.store.forget(externalUserId);
  }

  /** Broadcasts reach customers inside their window only; agency inboxes cannot be 微信客服 chats. */
  readonly outlet: Outlet = {
    send: async () => {
      throw new OutletError('a 微信客服 customer chat cannot be a lead inbox', true);
    },
    edit: async () => {
      throw new OutletError('微信客服 messages cannot be edited', true);
    },
    post: async (externalUserId: string, reply: Reply) => {
      const window = await this.o.store.window(externalUserId, this.clock());
      const outs = fitKf(renderKf([reply]), window?.remaining ?? 0, 'zh');
      if (!outs.length) return 'unreachable';
      let result: 'sent' | 'unreachable' | 'rejected' = 'sent';
      for (const out of outs) if ((result = await this.send(externalUserId, out)) !== 'sent') break;
      this.o.metrics?.deliveries.inc({ platform: KF_PLATFORM, result });
      return result;
    },
  };
}
