/**
 * The one way messages leave for Telegram. Keeps Telegram's limits for the whole process: about
 * 30 messages per second overall and one per second per chat; obeys 429 `retry_after`; a 403
 * (bot blocked, kicked from the group) marks the recipient unreachable instead of failing.
 */
import type { Telegram } from 'telegraf';
import type { Logger } from '../../src/util/log.js';
import type { TelegramOut } from './telegram-html.js';

export type SendResult = 'sent' | 'unreachable' | 'rejected';

export interface SenderOptions {
  perChatIntervalMs?: number;
  globalPerSecond?: number;
  maxRetries?: number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

interface TelegramErrorLike {
  response?: { error_code?: number; description?: string; parameters?: { retry_after?: number } };
}

export class TelegramDeliveryError extends Error {
  readonly code = 'TELEGRAM_UNAVAILABLE';
}

export class TelegramSender {
  private readonly nextPerChat = new Map<string, number>();
  /** Booked send times within the last second and ahead, ascending. */
  private readonly slots: number[] = [];
  private readonly perChat: number;
  private readonly perSecond: number;
  private readonly maxRetries: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(
    private readonly telegram: Pick<Telegram, 'sendMessage'>,
    private readonly onUnreachable: (chatId: string) => Promise<void>,
    private readonly log: Logger,
    opts: SenderOptions = {},
  ) {
    this.perChat = opts.perChatIntervalMs ?? 1000;
    this.perSecond = opts.globalPerSecond ?? 30;
    this.maxRetries = opts.maxRetries ?? 5;
    this.sleep = opts.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.now = opts.now ?? Date.now;
  }

  /**
   * Books the earliest time that keeps both limits, then waits for it. Booking is synchronous (one
   * JavaScript turn), so concurrent sends never take the same slot, and a chat that must wait does
   * not hold up other chats.
   */
  private async reserve(chatId: string): Promise<void> {
    const now = this.now();
    while (this.slots.length && this.slots[0]! <= now - 1000) this.slots.shift();
    let at = Math.max(now, this.nextPerChat.get(chatId) ?? 0);
    for (;;) {
      const inWindow = this.slots.filter((s) => s > at - 1000 && s <= at);
      if (inWindow.length < this.perSecond) break;
      at = inWindow[inWindow.length - this.perSecond]! + 1000;
    }
    const pos = this.slots.findIndex((s) => s > at);
    this.slots.splice(pos === -1 ? this.slots.length : pos, 0, at);
    this.nextPerChat.set(chatId, at + this.perChat);
    if (this.nextPerChat.size > 50_000) for (const [k, v] of this.nextPerChat) if (v < now) this.nextPerChat.delete(k);
    if (at > now) await this.sleep(at - now);
  }

  async send(chatId: string, out: TelegramOut): Promise<SendResult> {
    for (let attempt = 0; ; attempt++) {
      await this.reserve(chatId);
      try {
        await this.telegram.sendMessage(chatId, out.text, {
          parse_mode: 'HTML',
          link_preview_options: { is_disabled: true },
          ...(out.reply_markup ? { reply_markup: out.reply_markup } : {}),
        });
        return 'sent';
      } catch (err) {
        const res = (err as TelegramErrorLike).response;
        const code = res?.error_code;
        if (code === 429 && attempt < this.maxRetries) {
          const seconds = Math.max(1, res?.parameters?.retry_after ?? 1);
          this.nextPerChat.set(chatId, this.now() + seconds * 1000);
          this.log.warn('telegram rate limit', { retryAfter: seconds, attempt });
          continue;
        }
        if (code === 403) {
          await this.onUnreachable(chatId);
          this.log.info('telegram recipient unreachable', { description: res?.description });
          return 'unreachable';
        }
        if (code !== undefined && code >= 400 && code < 500 && code !== 429) {
          this.log.error('telegram rejected a message', { code, description: res?.description });
          return 'rejected';
        }
        if (attempt >= this.maxRetries) throw new TelegramDeliveryError(`sendMessage failed after ${attempt + 1} attempts`, { cause: err });
        await this.sleep(Math.min(30_000, 500 * 2 ** attempt));
      }
    }
  }
}
