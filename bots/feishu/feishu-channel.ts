/**
 * The Feishu (Lark) channel. Events arrive over the SDK's long connection (WSClient; no public URL)
 * or, when PUBLIC_URL is set, at `POST /feishu/events`. Either way an event is recorded in the
 * inbox before Feishu is answered (it re-pushes what is not answered within 3 s, for about 7 h; the
 * inbox keeps ids for 7 days), and a card click is answered at once with a toast while the work
 * goes through the inbox like a message. A worker turns inbox rows into cards through the
 * pipeline and the sender; replies are stored before they are sent, so a retry never sends twice.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import type { Pipeline } from '../../src/core/pipeline.js';
import { t } from '../../src/core/strings.js';
import type { Reply } from '../../src/core/types.js';
import type { InboxRow, InboxStore } from '../../src/services/inbox-store.js';
import { InboxWorker } from '../../src/services/inbox-worker.js';
import { OutletError, type Outlet } from '../../src/services/outlet.js';
import type { Logger } from '../../src/util/log.js';
import type { Metrics } from '../../src/util/metrics.js';
import { renderFeishu, type FeishuOut } from './feishu-card.js';
import { feishuChatId, feishuUpdateId, mapFeishu, type FeishuEnvelope } from './feishu-map.js';
import { FeishuSender, type FeishuSenderOptions } from './feishu-sender.js';
import { FeishuNames } from './feishu-names.js';
import { FeishuTokenCache } from './feishu-token-cache.js';
import { decryptFeishu, sameSecret, verifyFeishuSignature } from './feishu-verify.js';
import { answerUpdate } from '../../src/core/answer-update.js';

export const EVENTS_PATH = '/feishu/events';

export interface FeishuChannelOptions {
  appId: string;
  appSecret: string;
  /** Base URL of the Open Platform: https://open.feishu.cn, https://open.larksuite.com, or a fake. */
  domain: string;
  /** 'ws': the long connection; 'http': events at POST /feishu/events (needs both secrets below). */
  mode: 'ws' | 'http';
  encryptKey?: string;
  verificationToken?: string;
  pipeline: Pipeline;
  inbox: InboxStore;
  log: Logger;
  metrics?: Metrics;
  sender?: FeishuSenderOptions;
  concurrency?: number;
  clock?: () => Date;
}

type Row = InboxRow & { payload: { env: FeishuEnvelope } };
type Planned = { to: string; out: FeishuOut };

const TOAST = { toast: { type: 'info', content: '已收到 / Received', i18n: { zh_cn: '已收到', en_us: 'Received' } } };

/** The SDK logs through ours: connection news as warnings, nothing else (its errors can quote request bodies). */
function sdkLogger(log: Logger) {
  const ws = (args: unknown[]): void => {
    if (args[0] === '[ws]') log.warn(`feishu long connection: ${args.slice(1).map(String).join(' ').slice(0, 300)}`);
  };
  return { error: (...a: unknown[]) => ws(a), warn: (...a: unknown[]) => ws(a), info: () => {}, debug: () => {}, trace: () => {} };
}

export class FeishuChannel {
  readonly client: lark.Client;
  readonly tokens = new FeishuTokenCache();
  private readonly sender: FeishuSender;
  private readonly names: FeishuNames;
  private readonly worker: InboxWorker;
  private ws?: lark.WSClient;
  private botOpenId = '';
  /** Long-connection frames that were not an event we could read: dropped (there is no one to answer 4xx to), counted. */
  dropped = 0;

  constructor(private readonly o: FeishuChannelOptions) {
    if (o.mode === 'http' && (!o.encryptKey || !o.verificationToken)) throw new Error('Feishu HTTP events need an encrypt key and a verification token');
    this.client = new lark.Client({ appId: o.appId, appSecret: o.appSecret, domain: o.domain, cache: this.tokens, logger: sdkLogger(o.log), loggerLevel: lark.LoggerLevel.warn });
    this.sender = new FeishuSender(this.client, this.tokens, o.log, o.sender);
    this.names = new FeishuNames(this.client, o.log);
    this.worker = new InboxWorker(o.inbox, 'feishu', (row) => this.handleRow(row as Row), o.log, o.concurrency);
  }

  get mode(): 'ws' | 'http' {
    return this.o.mode;
  }

  async start(): Promise<void> {
    const info = (await this.client.request({ method: 'GET', url: 'open-apis/bot/v3/info' })) as { code?: number; msg?: string; bot?: { open_id?: string } };
    if (info.code || !info.bot?.open_id) throw new Error(`Feishu bot/v3/info answered ${info.code ?? '?'} ${info.msg ?? ''} (is the bot capability on?)`);
    this.botOpenId = info.bot.open_id;
    if (this.o.mode === 'ws') {
      const channel = this;
      // The SDK hands each event frame to invoke() and sends our return value back as the ACK.
      class InboxDispatcher extends lark.EventDispatcher {
        override async invoke(data: unknown): Promise<unknown> {
          return channel.fromLongConnection(data);
        }
      }
      const logger = sdkLogger(this.o.log);
      this.ws = new lark.WSClient({
        appId: this.o.appId,
        appSecret: this.o.appSecret,
        domain: this.o.domain,
        logger,
        loggerLevel: lark.LoggerLevel.warn,
        // A socket that stays open and silent is dropped and reconnected (the SDK's watchdog).
        wsConfig: { pingTimeout: 20 },
        onError: (err) => this.o.log.error('feishu long connection gave up', { err }),
      });
      await this.ws.start({ eventDispatcher: new InboxDispatcher({ logger, loggerLevel: lark.LoggerLevel.warn }) });
    }
    this.worker.start();
    this.o.log.info('feishu channel started', { mode: this.o.mode });
  }

  async stop(): Promise<void> {
    this.ws?.close({ force: true });
    await this.worker.stop();
  }

  /** A message the platform sends on its own (a reminder), to a person's open_id. */
  async push(openId: string, text: string): Promise<boolean> {
    let ok = true;
    for (const out of renderFeishu([{ text }])) ok = (await this.sender.send(openId, out)).result === 'sent' && ok;
    return ok;
  }

  /** Lead notices in agency groups, updated in place (PATCH) when claimed; broadcasts to people. */
  readonly outlet: Outlet = {
    send: async (chatId: string, reply: Reply) => {
      const [out] = renderFeishu([reply]);
      const r = await this.sender.send(chatId, out!, 1);
      this.o.metrics?.deliveries.inc({ platform: 'feishu', result: r.result });
      if (r.result !== 'sent' || !r.messageId) throw new OutletError(`Feishu ${r.result} the message`, true);
      return r.messageId;
    },
    edit: async (chatId: string, messageId: string, reply: Reply) => {
      const [out] = renderFeishu([reply]);
      const result = await this.sender.update(chatId, messageId, out!);
      // 230031 (older than 14 days) and friends: the card stays as it was; retrying will not help.
      if (result !== 'sent') throw new OutletError(`Feishu ${result} the card update`, true);
    },
    post: async (chatId: string, reply: Reply) => {
      const [out] = renderFeishu([reply]);
      const { result } = await this.sender.send(chatId, out!);
      this.o.metrics?.deliveries.inc({ platform: 'feishu', result });
      return result;
    },
  };

  /** `POST /feishu/events`: challenge, signature, decryption, token, record, answer. */
  async handleRequest(req: Request): Promise<Response> {
    const raw = await req.text();
    const { encryptKey = '', verificationToken = '' } = this.o;
    let outer: unknown;
    try {
      outer = JSON.parse(raw);
    } catch {
      return json(400, { error: { code: 'BAD_JSON', message: 'body is not valid JSON' } });
    }
    const encrypt = (outer as { encrypt?: unknown } | null)?.encrypt;
    if (typeof encrypt !== 'string') return json(400, { error: { code: 'NOT_ENCRYPTED', message: 'events must be encrypted: set the Encrypt Key in the Feishu console' } });
    const signed = req.headers.has('x-lark-signature');
    // The URL challenge comes unsigned (but encrypted): it is answered only when it decrypts with our key and carries our token.
    if (signed && !verifyFeishuSignature(raw, req.headers, encryptKey, this.now())) return json(401, { error: { code: 'BAD_SIGNATURE', message: 'missing, invalid or stale X-Lark-Signature' } });
    const plain = decryptFeishu(encrypt, encryptKey);
    let env: FeishuEnvelope & { type?: unknown; token?: unknown; challenge?: unknown };
    try {
      env = JSON.parse(plain ?? '') as typeof env;
      if (typeof env !== 'object' || env === null) throw new Error('not an object');
    } catch {
      return json(400, { error: { code: 'BAD_ENCRYPT', message: 'encrypt does not decrypt to JSON with the configured key' } });
    }
    if (env.type === 'url_verification') {
      if (!sameSecret(String(env.token ?? ''), verificationToken)) return json(401, { error: { code: 'BAD_TOKEN', message: 'verification token does not match' } });
      return json(200, { challenge: String(env.challenge ?? '') });
    }
    if (!signed) return json(401, { error: { code: 'BAD_SIGNATURE', message: 'missing X-Lark-Signature' } });
    if (!sameSecret(String(env.header?.token ?? ''), verificationToken)) return json(401, { error: { code: 'BAD_TOKEN', message: 'verification token does not match' } });
    try {
      return json(200, (await this.record(env)) ?? {});
    } catch (err) {
      this.o.log.error('feishu event not recorded', { err });
      return json(503, { error: { code: 'NOT_RECORDED', message: 'event could not be stored; retry' } });
    }
  }

  /** One long-connection event; a throw becomes a 500 ACK, so Feishu pushes the event again. */
  private async fromLongConnection(data: unknown): Promise<unknown> {
    const env = data as FeishuEnvelope;
    if (typeof env !== 'object' || env === null || env.schema !== '2.0' || typeof env.header?.event_type !== 'string') {
      this.dropped++;
      this.o.log.warn('feishu long connection: unreadable event dropped', { dropped: this.dropped });
      return undefined;
    }
    return this.record(env);
  }

  /** Records the event; the answer for Feishu (a toast for card clicks) or undefined. */
  private async record(env: FeishuEnvelope): Promise<unknown> {
    const id = feishuUpdateId(env);
    if (!id) return undefined; // an event we do not act on
    await this.o.inbox.accept('feishu', id, feishuChatId(env) ?? null, { env });
    this.worker.kick();
    return env.header?.event_type === 'card.action.trigger' ? TOAST : undefined;
  }

  private now(): Date {
    return this.o.clock?.() ?? new Date();
  }

  private async handleRow(row: Row): Promise<void> {
    const { inbox, log } = this.o;
    try {
      let planned = row.replies as Planned[] | null;
      if (!planned) {
        const mapped = mapFeishu(row.payload.env ?? {}, this.botOpenId);
        if (mapped.kind === 'ignore') {
          await inbox.markDone(row);
          return;
        }
        let replies: Reply[];
        let to: string;
        let state: Awaited<ReturnType<typeof answerUpdate>>['state'];
        if (mapped.kind === 'expired-button') {
          to = mapped.chatId;
          replies = [{ text: `${t('zh', 'buttonExpired')} / ${t('en', 'buttonExpired')}` }];
        } else {
          to = mapped.msg.chatId;
          // Events carry no names; staff joining and claiming are named from the contact API.
          const displayName = await this.names.of(mapped.msg.userId);
          const msg = displayName ? { ...mapped.msg, displayName } : mapped.msg;
          // The row is the dedupe: it is keyed by feishuUpdateId, the id the pipeline sees, and
          // Feishu re-pushes for ≈7.1 h (15 s, 5 min, 1 h, 6 h) while a finished row is kept 7 days.
          ({ replies, state } = await answerUpdate(this.o.pipeline, msg, row.attempts, { inbox: true }));
        }
        planned = renderFeishu(replies).map((out) => ({ to, out }));
        // Another attempt (a lease lost under load) stored its replies first: it sends them.
        if ((await inbox.saveReplies(row, planned, state)) === 'taken') return;
        row = { ...row, sent: 0 };
      }
      for (let i = row.sent; i < planned.length; i++) {
        const { result } = await this.sender.send(planned[i]!.to, planned[i]!.out);
        this.o.metrics?.deliveries.inc({ platform: 'feishu', result });
        await inbox.markSent(row, i + 1);
        if (result === 'unreachable') break;
      }
      await inbox.markDone(row);
    } catch (err) {
      const outcome = await inbox.markFailed(row, err instanceof Error ? `${err.name}: ${err.message}` : String(err)).catch(() => 'retry');
      log.error('feishu event failed', { updateId: row.updateId, attempts: row.attempts, outcome, err });
    }
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}
