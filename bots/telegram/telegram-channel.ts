/**
 * The Telegram channel: receives updates (long polling, or the webhook when PUBLIC_URL is set),
 * records each in the inbox before acknowledging it, and a worker turns inbox rows into replies
 * through the pipeline and the sender. Nothing slow happens before an acknowledgement.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { Telegraf } from 'telegraf';
import type { Update } from 'telegraf/types';
import { answerUpdate } from '../../src/core/answer-update.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import { t } from '../../src/core/strings.js';
import type { InboxRow, InboxStore } from '../../src/services/inbox-store.js';
import { InboxWorker } from '../../src/services/inbox-worker.js';
import type { UserStore } from '../../src/services/user-store.js';
import type { Logger } from '../../src/util/log.js';
import type { Metrics } from '../../src/util/metrics.js';
import { renderTelegram, type TelegramOut } from './telegram-html.js';
import { TelegramSender, type SenderOptions } from './telegram-sender.js';
import type { Prebooked } from '../../src/services/send-slots.js';
import { mapUpdate, unusableUpdate } from './telegram-update.js';
import type { Reply } from '../../src/core/types.js';
import { OutletError, type Outlet } from '../../src/services/outlet.js';

export const WEBHOOK_PATH = '/telegram/webhook';
const ALLOWED_UPDATES = ['message', 'callback_query'] as const;

export interface TelegramChannelOptions {
  token: string;
  apiRoot: string;
  publicUrl?: string;
  webhookSecret?: string;
  pipeline: Pipeline;
  inbox: InboxStore;
  users: UserStore;
  log: Logger;
  pollTimeoutSeconds?: number;
  sender?: SenderOptions;
  /** How many chats are served at once; one chat's updates are always handled in order. */
  concurrency?: number;
  metrics?: Metrics;
}

/** Stable across restarts and replicas without configuration: derived from the bot token. */
export function deriveWebhookSecret(token: string): string {
  return createHmac('sha256', token).update('patent-bridge telegram webhook').digest('base64url');
}

export class TelegramChannel {
  readonly bot: Telegraf;
  private readonly sender: TelegramSender;
  private readonly secret: string;
  private username = '';
  private stopped = false;
  private polling?: Promise<void>;
  private pollAbort = new AbortController();
  private readonly worker: InboxWorker;

  constructor(private readonly o: TelegramChannelOptions) {
    this.bot = new Telegraf(o.token, { telegram: { apiRoot: o.apiRoot, webhookReply: false } });
    this.secret = o.webhookSecret ?? deriveWebhookSecret(o.token);
    this.sender = new TelegramSender(this.bot.telegram, (chatId) => o.users.markUnreachable('telegram', chatId), o.log, o.sender);
    this.worker = new InboxWorker(o.inbox, 'telegram', (row) => this.handleRow(row), o.log, o.concurrency);
  }

  get mode(): 'webhook' | 'polling' {
    return this.o.publicUrl ? 'webhook' : 'polling';
  }

  async start(): Promise<void> {
    const me = await this.bot.telegram.getMe();
    this.username = me.username;
    if (this.o.publicUrl) {
      const url = new URL(WEBHOOK_PATH, this.o.publicUrl).toString();
      await this.bot.telegram.setWebhook(url, { secret_token: this.secret, allowed_updates: [...ALLOWED_UPDATES] });
    } else {
      await this.bot.telegram.deleteWebhook();
      this.polling = this.poll();
    }
    // Rows left by a previous run (crash, restart) are handled now; the timer also retries back-offs.
    this.worker.start();
    this.o.log.info('telegram channel started', { mode: this.mode, bot: this.username });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.pollAbort.abort();
    await this.polling?.catch(() => {});
    await this.worker.stop();
  }

  /**
   * `POST /telegram/webhook`: verify, record, acknowledge. An unusable update is recorded as rejected
   * and acknowledged (a redelivery would be the same); a database that fails is a 5xx so Telegram retries.
   */
  async handleWebhook(req: Request): Promise<Response> {
    const given = Buffer.from(req.headers.get('x-telegram-bot-api-secret-token') ?? '');
    const want = Buffer.from(this.secret);
    if (given.length !== want.length || !timingSafeEqual(given, want)) return json(403, { error: { code: 'FORBIDDEN', message: 'missing or wrong secret token' } });
    let update: unknown;
    try {
      update = JSON.parse(await req.text());
    } catch {
      return json(400, { error: { code: 'BAD_JSON', message: 'body is not valid JSON' } });
    }
    if (!isUpdate(update)) return json(400, { error: { code: 'BAD_UPDATE', message: 'body is not a Telegram Update (no integer update_id)' } });
    try {
      await this.record(update);
    } catch (err) {
      this.o.log.error('telegram update not recorded', { updateId: update.update_id, err });
      return json(503, { error: { code: 'NOT_RECORDED', message: 'update could not be stored; retry' } });
    }
    return json(200, { ok: true });
  }

  /**
   * Into the inbox, or into it as rejected; throws only when the database fails (then the update
   * comes again). The worker holds the new row by its insert when it has room; a row recorded
   * unheld kicks it (InboxWorker.unheld), so it is claimed.
   */
  private async record(u: Update): Promise<void> {
    const problem = unusableUpdate(u);
    if (problem) {
      await this.o.inbox.reject('telegram', String(u.update_id), problem);
      this.o.log.warn('telegram update rejected', { updateId: u.update_id, reason: problem });
      return;
    }
    const chat = 'message' in u ? u.message?.chat.id : 'callback_query' in u ? (u.callback_query?.message?.chat.id ?? u.callback_query?.from.id) : undefined;
    const hold = this.worker.reserve();
    let res: Awaited<ReturnType<InboxStore['acceptHeld']>>;
    try {
      res = await this.o.inbox.acceptHeld('telegram', String(u.update_id), chat == null ? null : String(chat), u, hold);
    } catch (err) {
      if (hold) this.worker.release();
      else this.worker.unheld();
      throw err;
    }
    if (res.row) this.worker.adopt(res.row);
    else if (hold) this.worker.release();
    else this.worker.unheld();
    if (res.outcome === 'rejected') this.o.log.warn('telegram update rejected', { updateId: u.update_id, reason: 'unstorable' });
  }

  /** Long polling: an offset is confirmed to Telegram only after its updates are in the inbox. */
  private async poll(): Promise<void> {
    let offset = 0;
    while (!this.stopped) {
      try {
        const updates = (await this.bot.telegram.callApi(
          'getUpdates',
          { offset, timeout: this.o.pollTimeoutSeconds ?? 25, allowed_updates: [...ALLOWED_UPDATES] },
          // telegraf types its signal as the abort-controller polyfill; node-fetch accepts the native one.
          { signal: this.pollAbort.signal as never },
        )) as Update[];
        for (const u of updates) {
          await this.record(u);
          offset = u.update_id + 1;
        }
      } catch (err) {
        if (this.stopped) return;
        this.o.log.warn('telegram polling failed; retrying', { err });
        await new Promise((r) => setTimeout(r, 2000));
      }
    }
  }

  kick(): void {
    this.worker.kick();
  }

  /** A message the platform sends on its own (a reminder); false when Telegram refuses this user. */
  async push(chatId: string, text: string): Promise<boolean> {
    let ok = true;
    for (const out of renderTelegram([{ text }])) ok = (await this.sender.send(chatId, out)) === 'sent' && ok;
    return ok;
  }

  /** Lead notices in agency groups: posted with one quick retry (the lead outbox retries with back-off), edited in place. */
  readonly outlet: Outlet = {
    send: async (chatId: string, reply: Reply) => {
      const [out] = renderTelegram([reply]);
      const r = await this.sender.deliver(chatId, out!, 1);
      this.o.metrics?.deliveries.inc({ platform: 'telegram', result: r.result });
      if (r.result !== 'sent' || r.messageId === undefined) throw new OutletError(`Telegram ${r.result} the message`, true);
      return String(r.messageId);
    },
    edit: async (chatId: string, messageId: string, reply: Reply) => {
      const [out] = renderTelegram([reply]);
      await this.sender.pace(chatId);
      await this.bot.telegram.editMessageText(chatId, Number(messageId), undefined, out!.text, {
        parse_mode: 'HTML',
        link_preview_options: { is_disabled: true },
        reply_markup: out!.reply_markup ?? { inline_keyboard: [] },
      });
    },
    post: async (chatId: string, reply: Reply) => {
      const [out] = renderTelegram([reply]);
      const { result } = await this.sender.deliver(chatId, out!);
      this.o.metrics?.deliveries.inc({ platform: 'telegram', result });
      return result;
    },
  };

  private async handleRow(row: InboxRow): Promise<void> {
    const { inbox, log } = this.o;
    try {
      const mapped = mapUpdate(row.payload as Update, this.username);
      let outs = row.replies as TelegramOut[] | null;
      let chatId = row.chatId ?? '';
      let booked: Prebooked | undefined;
      if (mapped.kind === 'ignore') {
        if (mapped.callbackQueryId) await this.answer(mapped.callbackQueryId);
        await inbox.markDone(row);
        return;
      }
      if (mapped.kind === 'expired-button') {
        const locale = mapped.localeHint?.startsWith('zh') ? 'zh' : 'en';
        await this.answer(mapped.callbackQueryId, t(locale, 'buttonExpired'));
        await inbox.markDone(row);
        return;
      }
      chatId = mapped.msg.chatId;
      if (!outs) {
        // The row is the dedupe (Telegram's update_id is unique): replies and the state go into it together.
        const res = await answerUpdate(this.o.pipeline, mapped.msg, row.attempts, { inbox: true });
        outs = renderTelegram(res.replies);
        // The first reply's send slot is booked in the same statement (a database clock): no booking of its own.
        // A retry that finds the replies stored books as usual.
        const pre = outs.length ? this.sender.prebook(chatId) : undefined;
        const also = pre && { ...pre, read: (r: Record<string, unknown>) => (booked = pre.read(r)) };
        if ((await inbox.saveReplies(row, outs, res.state, also)) === 'taken') return;
        row = { ...row, sent: 0 };
      }
      if (mapped.callbackQueryId) await this.answer(mapped.callbackQueryId);
      for (let i = row.sent; i < outs.length; i++) {
        const result = await this.sender.send(chatId, outs[i]!, booked);
        booked = undefined;
        this.o.metrics?.deliveries.inc({ platform: 'telegram', result });
        if (result === 'unreachable' || i === outs.length - 1) break;
        // The next reply's slot is booked with this one's "sent" mark.
        const pre = this.sender.prebook(chatId);
        await inbox.markSent(row, i + 1, pre && { ...pre, read: (r: Record<string, unknown>) => (booked = pre.read(r)) });
      }
      // The done mark is the last reply's "sent" mark too: one write instead of two.
      await inbox.markDone(row);
    } catch (err) {
      const outcome = await inbox.markFailed(row, err instanceof Error ? `${err.name}: ${err.message}` : String(err)).catch(() => 'retry');
      log.error('telegram update failed', { updateId: row.updateId, attempts: row.attempts, outcome, err });
    }
  }

  private async answer(id: string, text?: string): Promise<void> {
    try {
      await this.bot.telegram.answerCbQuery(id, text);
    } catch (err) {
      // An old query can no longer be answered (Telegram allows ~15 minutes); that is not a failure.
      this.o.log.warn('answerCallbackQuery failed', { err });
    }
  }
}

function isUpdate(u: unknown): u is Update {
  return typeof u === 'object' && u !== null && Number.isInteger((u as { update_id?: unknown }).update_id);
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
