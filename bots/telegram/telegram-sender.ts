/**
 * The one way messages leave for Telegram. Keeps Telegram's limits for the whole process: about
 * 30 messages per second overall and one per second per chat; obeys 429 `retry_after`; a 403
 * (bot blocked, kicked from the group) marks the recipient unreachable instead of failing.
 */
import type { Telegram } from 'telegraf';
import { SendSlots, type Prebooked, type SlotOptions } from '../../src/services/send-slots.js';
import type { Logger } from '../../src/util/log.js';
import type { TelegramOut } from './telegram-html.js';

export type SendResult = 'sent' | 'unreachable' | 'rejected';

export interface SenderOptions {
  perChatIntervalMs?: number;
  globalPerSecond?: number;
  maxRetries?: number;
  /** Book slots on this clock (the database's: limits hold across processes) under this key; default: in this process. */
  shared?: SlotOptions['shared'];
  /** Per request; telegraf's own limit is 500 s, far longer than a lead notice's lease. */
  requestTimeoutMs?: number;
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
  private readonly slots: SendSlots;
  private readonly maxRetries: number;
  private readonly timeoutMs: number;

  constructor(
    private readonly telegram: Pick<Telegram, 'callApi'>,
    private readonly onUnreachable: (chatId: string) => Promise<void>,
    private readonly log: Logger,
    opts: SenderOptions = {},
  ) {
    this.slots = new SendSlots({
      perKeyIntervalMs: opts.perChatIntervalMs ?? 1000,
      perSecond: opts.globalPerSecond ?? 30,
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
      ...(opts.shared ? { shared: opts.shared } : {}),
    });
    this.maxRetries = opts.maxRetries ?? 5;
    this.timeoutMs = opts.requestTimeoutMs ?? 20_000;
  }

  /** Waits for this chat's turn (edits count against Telegram's limits like sends). */
  async pace(chatId: string): Promise<void> {
    await this.slots.take(chatId);
  }

  /** The next send to `chatId` booked inside a statement of the caller's (see SendSlots.prebook). */
  prebook(chatId: string): ReturnType<SendSlots['prebook']> {
    return this.slots.prebook(chatId);
  }

  /** `booked`: the slot prebook gave for this message (its first attempt). */
  async send(chatId: string, out: TelegramOut, booked?: Prebooked): Promise<SendResult> {
    return (await this.deliver(chatId, out, this.maxRetries, booked)).result;
  }

  /** Like send, with the id of the message when it was sent; `maxRetries` lowers the retry budget for callers that retry themselves. */
  async deliver(chatId: string, out: TelegramOut, maxRetries = this.maxRetries, booked?: Prebooked): Promise<{ result: SendResult; messageId?: number }> {
    for (let attempt = 0; ; attempt++) {
      await this.slots.take(chatId, attempt === 0 ? booked : undefined);
      try {
        const message = await this.telegram.callApi(
          'sendMessage',
          { chat_id: chatId, text: out.text, parse_mode: 'HTML', link_preview_options: { is_disabled: true }, ...(out.reply_markup ? { reply_markup: out.reply_markup } : {}) },
          // An unanswered request times out into the retry path instead of holding the sender.
          { signal: AbortSignal.timeout(this.timeoutMs) as never },
        );
        return { result: 'sent', ...(message?.message_id !== undefined ? { messageId: message.message_id } : {}) };
      } catch (err) {
        const res = (err as TelegramErrorLike).response;
        const code = res?.error_code;
        if (code === 429 && attempt < maxRetries) {
          const seconds = Math.max(1, res?.parameters?.retry_after ?? 1);
          await this.slots.pause(chatId, seconds * 1000);
          await this.slots.pauseAll(seconds * 1000);
          this.log.warn('telegram rate limit', { retryAfter: seconds, attempt });
          continue;
        }
        if (code === 403) {
          await this.onUnreachable(chatId);
          this.log.info('telegram recipient unreachable', { description: res?.description });
          return { result: 'unreachable' };
        }
        if (code !== undefined && code >= 400 && code < 500 && code !== 429) {
          this.log.error('telegram rejected a message', { code, description: res?.description });
          return { result: 'rejected' };
        }
        if (attempt >= maxRetries) throw new TelegramDeliveryError(`sendMessage failed after ${attempt + 1} attempts`, { cause: err });
        await this.slots.sleep(Math.min(30_000, 500 * 2 ** attempt));
      }
    }
  }
}
