/**
 * The WeCom channel: one callback URL (`/wecom/callback`) for the self-built app and 微信客服.
 *  - GET: WeCom's URL check; the decrypted echostr is answered as text/plain.
 *  - POST: signature, timestamp and receive id checked and the XML decrypted before anything is
 *    recorded (forged or malformed → 4xx, nothing stored). App messages and card clicks go to the
 *    inbox (deduplicated on MsgId, else sender:time:event) and are acknowledged after that write,
 *    well inside WeCom's 5 s; a card click is answered at once with an encrypted passive reply that
 *    greys its buttons ("处理中…"), and the work is done by the inbox worker. A kf_msg_or_event
 *    notice starts a kf/sync_msg pull (WechatKf) after the answer.
 * Replies, lead notices (template cards with claim / pass / status buttons, edited in place with
 * update_template_card) and pushes leave through WecomAppSender (30 a minute per member).
 */
import type { Pipeline } from '../../src/core/pipeline.js';
import type { Reply } from '../../src/core/types.js';
import type { InboxRow, InboxStore } from '../../src/services/inbox-store.js';
import { InboxWorker } from '../../src/services/inbox-worker.js';
import { OutletError, type Outlet } from '../../src/services/outlet.js';
import type { Logger } from '../../src/util/log.js';
import type { Metrics } from '../../src/util/metrics.js';
import type { WecomApi } from './wecom-api.js';
import { WecomAppSender, type AppSenderOptions } from './wecom-app-sender.js';
import { WecomCrypto, WecomCryptoError, type WecomCryptoOptions } from './wecom-crypto.js';
import { appUpdateId, mapApp } from './wecom-map.js';
import { renderApp, renderAppNotice, type AppOut } from './wecom-render.js';
import { buildWecomXml, field, parseWecomXml, WecomXmlError, type WecomXml } from './wecom-xml.js';
import type { WechatKf } from './wechat-kf.js';
import { workWecomRow } from './work-wecom-row.js';

export const CALLBACK_PATH = '/wecom/callback';
/** A template card's response_code is good for 72 hours (path/90236); we stop one minute short. */
export const RESPONSE_CODE_TTL_MS = 72 * 3600_000 - 60_000;

export interface WecomChannelOptions {
  crypto: WecomCryptoOptions;
  api: WecomApi;
  agentId: number;
  pipeline: Pipeline;
  inbox: InboxStore;
  log: Logger;
  /** 微信客服, when WECOM_KF_SECRET is set. */
  kf?: WechatKf;
  sender?: AppSenderOptions;
  clock?: () => Date;
  metrics?: Metrics;
}

export class WecomChannel {
  readonly crypto: WecomCrypto;
  readonly sender: WecomAppSender;
  private readonly worker: InboxWorker;
  private readonly clock: () => Date;
  /**
   * The unused response_code per card (task_id): from message/send, replaced by a click's. WeCom
   * accepts each one once and for 72 hours (message/send and template_card_event, path/90236), so a
   * code is dropped when used and not tried once it is older.
   */
  private readonly responseCodes = new Map<string, { code: string; at: number }>();

  constructor(private readonly o: WecomChannelOptions) {
    this.clock = o.clock ?? (() => new Date());
    this.crypto = new WecomCrypto({ clock: this.clock, ...o.crypto });
    this.sender = new WecomAppSender(o.api, o.agentId, o.log, o.sender);
    this.worker = new InboxWorker(o.inbox, 'wecom', (row) => this.handleRow(row), o.log);
  }

  start(): void {
    this.worker.start();
  }

  async stop(): Promise<void> {
    await this.worker.stop();
  }

  async handleRequest(req: Request): Promise<Response> {
    const q = new URL(req.url).searchParams;
    const [sig, ts, nonce] = [q.get('msg_signature') ?? '', q.get('timestamp') ?? '', q.get('nonce') ?? ''];
    let inner: WecomXml;
    try {
      if (req.method === 'GET') {
        const echo = this.crypto.open(sig, ts, nonce, q.get('echostr') ?? '');
        return new Response(echo, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
      }
      const outer = parseWecomXml(await req.text());
      const encrypt = field(outer, 'Encrypt');
      if (!encrypt) return refuse(400, 'NO_ENCRYPT', 'body has no <Encrypt> element');
      inner = parseWecomXml(this.crypto.open(sig, ts, nonce, encrypt));
    } catch (err) {
      if (err instanceof WecomCryptoError) return refuse(err.code === 'BAD_SIGNATURE' || err.code === 'STALE_TIMESTAMP' ? 401 : err.code === 'WRONG_RECEIVE_ID' ? 403 : 400, err.code, err.message);
      if (err instanceof WecomXmlError) return refuse(err.code === 'XML_TOO_LARGE' ? 413 : 400, err.code, err.message);
      throw err;
    }
    if (field(inner, 'MsgType') === 'event' && field(inner, 'Event') === 'kf_msg_or_event') {
      // Nothing to record: the notice only says "pull". The pull runs after this answer.
      if (this.o.kf) setImmediate(() => void this.o.kf!.notify(field(inner, 'Token')));
      return ok();
    }
    const id = appUpdateId(inner);
    if (!id) return ok(); // nothing we act on
    try {
      await this.o.inbox.accept('wecom', id, field(inner, 'FromUserName') ?? null, inner);
    } catch (err) {
      this.o.log.error('wecom callback not recorded', { err });
      return refuse(503, 'NOT_RECORDED', 'callback could not be stored; WeCom retries');
    }
    this.worker.kick();
    if (field(inner, 'Event') === 'template_card_event') return this.greyButtons(inner);
    return ok();
  }

  /** The click's immediate answer: its card's buttons become "处理中…" (an encrypted passive reply). */
  private greyButtons(inner: WecomXml): Response {
    const now = Math.floor(this.clock().getTime() / 1000);
    const xml = buildWecomXml({
      ToUserName: field(inner, 'FromUserName') ?? '',
      FromUserName: this.o.crypto.receiveId,
      CreateTime: now,
      MsgType: 'update_button',
      Button: { ReplaceName: '处理中… / Working…' },
    });
    const encrypt = this.crypto.encrypt(xml);
    const nonce = Math.random().toString(36).slice(2, 12);
    const body = buildWecomXml({ Encrypt: encrypt, MsgSignature: this.crypto.sign(String(now), nonce, encrypt), TimeStamp: now, Nonce: nonce });
    return new Response(body, { status: 200, headers: { 'content-type': 'application/xml; charset=utf-8' } });
  }

  private handleRow(row: InboxRow): Promise<void> {
    const member = row.chatId ?? '';
    return workWecomRow<AppOut>(row, {
      platform: 'wecom',
      pipeline: this.o.pipeline,
      inbox: this.o.inbox,
      log: this.o.log,
      ...(this.o.metrics ? { metrics: this.o.metrics } : {}),
      map: (payload) => mapApp(payload as WecomXml, this.clock()),
      // A click's response_code replaces the card's: it is the one WeCom accepts for the update.
      before: (m) => void (m.card?.responseCode && this.remember(m.card.taskId, m.card.responseCode)),
      render: (replies, locale) => renderApp(replies, locale),
      send: async (out) => {
        const r = await this.sender.send(member, out);
        if (r.result === 'sent' && r.responseCode && out.msgtype === 'template_card') this.remember(out.template_card.task_id, r.responseCode);
        return r.result;
      },
    });
  }

  private remember(taskId: string, code: string): void {
    this.responseCodes.delete(taskId);
    this.responseCodes.set(taskId, { code, at: this.clock().getTime() });
    if (this.responseCodes.size > 20_000) this.responseCodes.delete(this.responseCodes.keys().next().value!);
  }

  /** A message the platform sends on its own (a reminder, "your lead was claimed"). */
  async push(member: string, text: string): Promise<boolean> {
    let ok = true;
    for (const out of renderApp([{ text }])) ok = (await this.sender.send(member, out)).result === 'sent' && ok;
    return ok;
  }

  /**
   * Lead inboxes: the chat id is the member who bound it with /inbox (the app talks to members, not
   * groups). A notice is one template card; its task_id is the message id, and an edit uses the
   * card's unused response_code (a fresh card when there is none: another process sent it, or 72 h passed).
   */
  readonly outlet: Outlet = {
    send: async (member: string, reply: Reply) => {
      const out = renderAppNotice(reply);
      const r = await this.sender.send(member, out);
      this.o.metrics?.deliveries.inc({ platform: 'wecom', result: r.result });
      if (r.result !== 'sent') throw new OutletError(`WeCom ${r.result} the message`, true);
      const taskId = (out as Extract<AppOut, { msgtype: 'template_card' }>).template_card.task_id;
      if (r.responseCode) this.remember(taskId, r.responseCode);
      return taskId;
    },
    edit: async (member: string, taskId: string, reply: Reply) => {
      const held = this.responseCodes.get(taskId);
      // A little under 72 h: the request must reach WeCom while the code is still good.
      const code = held && this.clock().getTime() - held.at < RESPONSE_CODE_TTL_MS ? held.code : undefined;
      const hasButtons = !!(reply.buttons?.some((row) => row.length) || reply.items?.some((i) => i.buttons?.length));
      this.responseCodes.delete(taskId);
      if (code) {
        const card = renderAppNotice(reply, taskId) as Extract<AppOut, { msgtype: 'template_card' }>;
        // No buttons left (passed on, expired, closed): the card's buttons turn into its new first line.
        await this.sender.updateCard(member, code, hasButtons ? { template_card: card.template_card } : { button: { replace_name: [...reply.text.split('\n')[0]!].slice(0, 16).join('') } });
        return;
      }
      const r = await this.sender.send(member, hasButtons ? renderAppNotice(reply) : { msgtype: 'text', text: { content: reply.text.slice(0, 600) } });
      if (r.result !== 'sent') throw new OutletError(`WeCom ${r.result} the update`, true);
    },
    post: async (member: string, reply: Reply) => {
      let result: 'sent' | 'unreachable' | 'rejected' = 'sent';
      for (const out of renderApp([reply])) if ((result = (await this.sender.send(member, out)).result) !== 'sent') break;
      this.o.metrics?.deliveries.inc({ platform: 'wecom', result });
      return result;
    },
  };
}

const ok = () => new Response('success', { status: 200, headers: { 'content-type': 'text/plain' } });

function refuse(status: number, code: string, message: string): Response {
  return new Response(JSON.stringify({ error: { code, message } }), { status, headers: { 'content-type': 'application/json' } });
}
