/**
 * The one way messages leave for Feishu. Holds Feishu's limits for the process (and across replicas
 * through the shared send clock): 5 messages per second per chat or person, 50 per second per app.
 * On the platform's answers:
 *  - 99991663 / 99991661 (the tenant token went stale or is missing): drop the cached token, fetch
 *    a fresh one and retry once; a second token error fails loudly (the inbox retries later);
 *  - 230020 (this chat's frequency limit): the chat waits a second, then retry;
 *  - 99991400 or HTTP 429 (the app's frequency limit): everyone waits `x-ogw-ratelimit-reset`
 *    seconds (default 1), then retry — like Telegram's 429 retry_after;
 *  - 230002 (the bot is not in the chat), 230013 (the person is outside the app's availability
 *    scope, or has left the company), 230006 (bot capability off), 230029 (the person has
 *    resigned), 230053 (the person stopped the bot from messaging them): unreachable, not thrown.
 *    Codes and meanings as in the error table of open.feishu.cn "发送消息" (im/v1/messages create),
 *    all HTTP 400; 230020 and 230025 from the same table;
 *  - any other 4xx with a Feishu code: rejected (the message itself is wrong), logged with the code;
 *  - 5xx, timeouts, network: retried with back-off, then thrown.
 */
import type * as lark from '@larksuiteoapi/node-sdk';
import { SendSlots, type SlotOptions } from '../../src/services/send-slots.js';
import type { Logger } from '../../src/util/log.js';
import type { FeishuOut } from './feishu-card.js';
import type { FeishuTokenCache } from './feishu-token-cache.js';

export type FeishuSendResult = 'sent' | 'unreachable' | 'rejected';

export interface FeishuSenderOptions {
  perChatPerSecond?: number;
  perSecond?: number;
  maxRetries?: number;
  shared?: SlotOptions['shared'];
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

const TOKEN = new Set([99991663, 99991661]);
const UNREACHABLE = new Set([230002, 230013, 230006, 230029, 230053]);
const CHAT_LIMIT = 230020;
const APP_LIMIT = 99991400;

export class FeishuDeliveryError extends Error {
  readonly code = 'FEISHU_UNAVAILABLE';
}

/** What Feishu answered, from an axios error or a body with a non-zero code. */
export function feishuError(err: unknown): { status?: number; code?: number; msg?: string; resetSeconds?: number } {
  const e = err as { response?: { status?: number; data?: { code?: unknown; msg?: unknown }; headers?: Record<string, unknown> }; feishu?: { code: number; msg?: string } };
  if (e.feishu) return { code: e.feishu.code, ...(e.feishu.msg ? { msg: e.feishu.msg } : {}) };
  const data = e.response?.data;
  const reset = Number(e.response?.headers?.['x-ogw-ratelimit-reset']);
  return {
    ...(e.response?.status ? { status: e.response.status } : {}),
    ...(typeof data?.code === 'number' ? { code: data.code } : {}),
    ...(typeof data?.msg === 'string' ? { msg: data.msg.slice(0, 200) } : {}),
    ...(Number.isFinite(reset) && reset > 0 ? { resetSeconds: Math.min(60, reset) } : {}),
  };
}

/** An HTTP 200 can still carry a Feishu error code. */
function ok<T extends { code?: number; msg?: string }>(res: T): T {
  if (res.code) throw Object.assign(new Error(`Feishu answered ${res.code}`), { feishu: { code: res.code, ...(res.msg ? { msg: res.msg } : {}) } });
  return res;
}

/** chat ids are oc_…, open ids ou_…, union ids on_… (the same rule the SDK's own channel uses). */
export function receiveIdType(to: string): 'chat_id' | 'open_id' | 'union_id' | 'user_id' {
  return to.startsWith('oc_') ? 'chat_id' : to.startsWith('ou_') ? 'open_id' : to.startsWith('on_') ? 'union_id' : 'user_id';
}

export class FeishuSender {
  readonly slots: SendSlots;
  private readonly maxRetries: number;

  constructor(
    private readonly client: Pick<lark.Client, 'im'>,
    private readonly tokens: Pick<FeishuTokenCache, 'clear'>,
    private readonly log: Logger,
    opts: FeishuSenderOptions = {},
  ) {
    // The margin keeps "5 per second" true on arrival when requests leave a few ms apart.
    this.slots = new SendSlots({
      perKeyIntervalMs: Math.ceil(1000 / (opts.perChatPerSecond ?? 5)) + 10,
      perSecond: opts.perSecond ?? 50,
      ...(opts.shared ? { shared: opts.shared } : {}),
      ...(opts.now ? { now: opts.now } : {}),
      ...(opts.sleep ? { sleep: opts.sleep } : {}),
    });
    this.maxRetries = opts.maxRetries ?? 5;
  }

  /** Posts a card to a chat (oc_…) or a person (ou_…); the message id when sent. */
  async send(to: string, out: FeishuOut, maxRetries = this.maxRetries): Promise<{ result: FeishuSendResult; messageId?: string }> {
    return this.call(to, maxRetries, async () => {
      const res = await this.client.im.message.create({ params: { receive_id_type: receiveIdType(to) }, data: { receive_id: to, msg_type: out.msg_type, content: out.content } });
      return ok(res).data?.message_id;
    });
  }

  /** Replaces a card in place (PATCH); paced with the chat's sends. */
  async update(chatId: string, messageId: string, out: FeishuOut): Promise<FeishuSendResult> {
    return (await this.call(chatId, 2, async () => void ok(await this.client.im.message.patch({ path: { message_id: messageId }, data: { content: out.content } })))).result;
  }

  private async call(key: string, maxRetries: number, run: () => Promise<string | undefined>): Promise<{ result: FeishuSendResult; messageId?: string }> {
    let tokenRetried = false;
    for (let attempt = 0; ; attempt++) {
      await this.slots.take(key);
      try {
        const messageId = await run();
        return { result: 'sent', ...(messageId ? { messageId } : {}) };
      } catch (err) {
        const { status, code, msg, resetSeconds } = feishuError(err);
        if (code !== undefined && TOKEN.has(code)) {
          if (!tokenRetried) {
            tokenRetried = true;
            this.tokens.clear();
            this.log.warn('feishu token refused; fetching a new one', { code });
            attempt--;
            continue;
          }
          throw new FeishuDeliveryError(`Feishu refused a fresh tenant token too (${code}); check FEISHU_APP_ID/FEISHU_APP_SECRET`, { cause: err });
        }
        if (code === CHAT_LIMIT && attempt < maxRetries) {
          this.slots.pause(key, 1000);
          this.log.warn('feishu chat frequency limit', { attempt });
          continue;
        }
        if ((code === APP_LIMIT || status === 429) && attempt < maxRetries) {
          const ms = (resetSeconds ?? 1) * 1000;
          this.slots.pause(key, ms);
          await this.slots.pauseAll(ms);
          this.log.warn('feishu app frequency limit', { resetSeconds: resetSeconds ?? 1, attempt });
          continue;
        }
        if (code !== undefined && UNREACHABLE.has(code)) {
          this.log.info('feishu recipient unreachable', { code });
          return { result: 'unreachable' };
        }
        if (code !== undefined && status !== undefined && status >= 400 && status < 500 && code !== CHAT_LIMIT && code !== APP_LIMIT) {
          this.log.error('feishu rejected a message', { code, msg });
          return { result: 'rejected' };
        }
        if (attempt >= maxRetries) throw new FeishuDeliveryError(`Feishu send failed after ${attempt + 1} attempts (${status ?? 'no answer'} ${code ?? ''})`, { cause: err });
        await this.slots.sleep(Math.min(30_000, 500 * 2 ** attempt));
      }
    }
  }
}
