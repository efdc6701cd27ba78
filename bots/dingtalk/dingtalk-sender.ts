/**
 * The one way messages leave for DingTalk. A reply goes through the session webhook of the message
 * it answers while that lives (and is DingTalk's), else through the robot OpenAPI: groupMessages/send
 * for a group, oToMessages/batchSend for a person. Limits held for the whole process: at most
 * `groupPerMinute` messages per group per minute (DingTalk throttles a robot for 10 minutes beyond
 * 20), spaced evenly (20/min → one per 3 s), and `perSecond` API calls overall (20 QPS per app on the
 * standard edition), shared across replicas through the send clock. The access token is cached
 * until shortly before it expires and fetched again once when DingTalk calls it invalid.
 * Replies with buttons go to a group as robot interactive cards (dingtalk-card.ts), which can be
 * updated in place; the session webhook cannot carry them, so they always take the OpenAPI.
 * Answers: 'sent'; 'unreachable' (the person is outside the app's scope, the robot left the group);
 * 'rejected' (DingTalk refused this message); thrown DingTalkDeliveryError when a retry can help.
 */
import { SendSlots, type SlotOptions } from '../../src/services/send-slots.js';
import type { Logger } from '../../src/util/log.js';
import { newCardBizId, standardCardData } from './dingtalk-card.js';
import type { DingTalkOut } from './dingtalk-render.js';
import type { DingTalkTarget } from './dingtalk-map.js';

export type DingTalkSendResult = 'sent' | 'unreachable' | 'rejected';

export interface DingTalkSenderOptions {
  apiUrl: string;
  clientId: string;
  clientSecret: string;
  robotCode: string;
  log: Logger;
  groupPerMinute?: number;
  perSecond?: number;
  shared?: SlotOptions['shared'];
  requestTimeoutMs?: number;
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
}

export class DingTalkDeliveryError extends Error {
  readonly code = 'DINGTALK_UNAVAILABLE';
}

/** A session webhook is used only this long before DingTalk says it expires. */
const WEBHOOK_MARGIN_MS = 60_000;
const WEBHOOK_ORIGINS = new Set(['https://oapi.dingtalk.com', 'https://api.dingtalk.com']);

interface ApiAnswer {
  status: number;
  body: Record<string, unknown>;
}

export class DingTalkSender {
  private readonly app: SendSlots;
  private readonly groups: SendSlots;
  private readonly now: () => number;
  private token?: { value: string; until: number };
  private tokenFetch?: Promise<string>;
  private readonly origins: Set<string>;

  constructor(private readonly o: DingTalkSenderOptions) {
    this.now = o.now ?? Date.now;
    const timing = { ...(o.now ? { now: o.now } : {}), ...(o.sleep ? { sleep: o.sleep } : {}) };
    this.app = new SendSlots({ perKeyIntervalMs: 0, perSecond: o.perSecond ?? 20, ...timing, ...(o.shared ? { shared: o.shared } : {}) });
    // Even spacing plus a margin, so arrival jitter never puts 21 messages into one minute.
    this.groups = new SendSlots({ perKeyIntervalMs: Math.ceil(60_000 / (o.groupPerMinute ?? 20)) + 50, perSecond: Number.MAX_SAFE_INTEGER, ...timing });
    this.origins = new Set([...WEBHOOK_ORIGINS, new URL(o.apiUrl).origin]);
  }

  /** `cardBizId` names the interactive card a group reply with buttons becomes (a retry reuses it). */
  async send(target: DingTalkTarget, out: DingTalkOut, cardBizId?: string): Promise<DingTalkSendResult> {
    await this.app.take('app');
    if (target.kind === 'group') await this.groups.take(target.conversationId);
    if (target.kind === 'group' && out.kind !== 'text' && out.interactive) {
      const card = { cardTemplateId: 'StandardCard', cardBizId: cardBizId ?? newCardBizId(target.conversationId), openConversationId: target.conversationId, cardData: standardCardData(out.interactive), callbackType: 'STREAM' };
      return this.api('/v1.0/im/v1.0/robot/interactiveCards/send', card, target);
    }
    const hook = target.webhook;
    if (hook && hook.expiresAt - WEBHOOK_MARGIN_MS > this.now() && this.origins.has(originOf(hook.url))) {
      const r = await this.viaWebhook(hook.url, out, target);
      if (r !== 'expired') return r;
    }
    if (target.kind === 'group') return this.api('/v1.0/robot/groupMessages/send', { openConversationId: target.conversationId, ...sample(out) }, target);
    if (!target.staffId) {
      this.o.log.warn('dingtalk reply lost its session webhook and the sender has no staff id');
      return 'unreachable';
    }
    return this.api('/v1.0/robot/oToMessages/batchSend', { userIds: [target.staffId], ...sample(out) }, target);
  }

  /** Replaces an interactive card's content and buttons (a claimed lead notice). */
  async updateCard(conversationId: string, cardBizId: string, out: DingTalkOut): Promise<DingTalkSendResult> {
    if (out.kind === 'text' || !out.interactive) return 'rejected';
    await this.app.take('app');
    return this.api('/v1.0/im/robots/interactiveCards', { cardBizId, cardData: standardCardData(out.interactive), updateOptions: { updateCardDataByKey: false } }, { kind: 'group', conversationId }, false, 'PUT');
  }

  private async viaWebhook(url: string, out: DingTalkOut, target: DingTalkTarget): Promise<DingTalkSendResult | 'expired'> {
    const res = await this.post(url, webhookBody(out));
    const code = Number(res.body.errcode ?? (res.status === 200 ? 0 : -1));
    if (res.status === 200 && code === 0) return 'sent';
    if (code === 300001) return 'expired';
    if (code === 130101) return this.throttled(target, `session webhook errcode ${code}`);
    if (res.status >= 500 || res.status === 429) throw new DingTalkDeliveryError(`session webhook answered ${res.status}`);
    // Anything else the webhook refuses is tried once more through the OpenAPI, which reports precisely.
    this.o.log.warn('dingtalk session webhook refused a message', { status: res.status, errcode: code });
    return 'expired';
  }

  private async api(path: string, body: Record<string, unknown>, target: DingTalkTarget, retried = false, method = 'POST'): Promise<DingTalkSendResult> {
    const token = await this.accessToken();
    const res = await this.post(`${this.o.apiUrl}${path}`, { robotCode: this.o.robotCode, ...body }, { 'x-acs-dingtalk-access-token': token }, method);
    const code = String(res.body.code ?? '');
    if (res.status === 200) {
      const invalid = (res.body.invalidStaffIdList as string[] | undefined) ?? [];
      const flow = (res.body.flowControlledStaffIdList as string[] | undefined) ?? [];
      if (flow.length) return this.throttled(target, 'flowControlledStaffIdList');
      if (invalid.length) {
        this.o.log.info('dingtalk recipient outside the app scope');
        return 'unreachable';
      }
      return 'sent';
    }
    if (res.status === 401 || /InvalidAuthentication|accessToken|access_token/i.test(code)) {
      this.token = undefined;
      if (!retried) return this.api(path, body, target, true, method);
      throw new DingTalkDeliveryError(`DingTalk refused a fresh access token (${code || res.status}); check DINGTALK_CLIENT_ID/SECRET`);
    }
    if (res.status === 429 || /QpsLimit|Throttl|FlowControl/i.test(code)) return this.throttled(target, code || String(res.status));
    if (res.status >= 500) throw new DingTalkDeliveryError(`DingTalk answered ${res.status} ${code}`);
    if (res.status === 404 || /openConversationId|notInGroup|notExist|NotFound/i.test(code)) {
      this.o.log.warn('dingtalk chat unreachable', { code });
      return 'unreachable';
    }
    this.o.log.error('dingtalk rejected a message', { status: res.status, code, message: String(res.body.message ?? '').slice(0, 200) });
    return 'rejected';
  }

  /** DingTalk throttles a group for a while after its limit; stay away from it for a minute. */
  private throttled(target: DingTalkTarget, why: string): never {
    if (target.kind === 'group') this.groups.pause(target.conversationId, 60_000);
    throw new DingTalkDeliveryError(`DingTalk rate limit (${why})`);
  }

  private accessToken(): Promise<string> {
    if (this.token && this.token.until > this.now()) return Promise.resolve(this.token.value);
    this.tokenFetch ??= (async () => {
      try {
        const res = await this.post(`${this.o.apiUrl}/v1.0/oauth2/accessToken`, { appKey: this.o.clientId, appSecret: this.o.clientSecret });
        const value = res.body.accessToken;
        if (res.status !== 200 || typeof value !== 'string') throw new DingTalkDeliveryError(`DingTalk gave no access token (${res.status} ${String(res.body.code ?? '')}); check DINGTALK_CLIENT_ID/SECRET`);
        const seconds = Number(res.body.expireIn) || 7200;
        this.token = { value, until: this.now() + Math.max(60, seconds - 300) * 1000 };
        return value;
      } finally {
        this.tokenFetch = undefined;
      }
    })();
    return this.tokenFetch;
  }

  private async post(url: string, body: unknown, headers: Record<string, string> = {}, method = 'POST'): Promise<ApiAnswer> {
    let res: Response;
    try {
      res = await fetch(url, { method, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal: AbortSignal.timeout(this.o.requestTimeoutMs ?? 20_000) });
    } catch (cause) {
      throw new DingTalkDeliveryError(`DingTalk is unreachable (${originOf(url)})`, { cause });
    }
    const text = await res.text().catch(() => '');
    let parsed: Record<string, unknown> = {};
    try {
      parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    } catch {
      if (res.ok) throw new DingTalkDeliveryError(`DingTalk answered ${res.status} with a body that is not JSON`);
    }
    return { status: res.status, body: parsed };
  }
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '';
  }
}

/** The custom-robot shape the session webhook takes. */
export function webhookBody(out: DingTalkOut): Record<string, unknown> {
  if (out.kind === 'text') return { msgtype: 'text', text: { content: out.text } };
  if (out.kind === 'markdown') return { msgtype: 'markdown', markdown: { title: out.title, text: out.markdown } };
  return { msgtype: 'actionCard', actionCard: { title: out.title, text: out.markdown, btnOrientation: '0', btns: out.buttons.map((b) => ({ title: b.title, actionURL: b.url })) } };
}

/** The robot OpenAPI's msgKey + msgParam (a JSON string). */
export function sample(out: DingTalkOut): { msgKey: string; msgParam: string } {
  if (out.kind === 'text') return { msgKey: 'sampleText', msgParam: JSON.stringify({ content: out.text }) };
  if (out.kind === 'markdown') return { msgKey: 'sampleMarkdown', msgParam: JSON.stringify({ title: out.title, text: out.markdown }) };
  const n = out.buttons.length;
  if (n === 1) return { msgKey: 'sampleActionCard', msgParam: JSON.stringify({ title: out.title, text: out.markdown, singleTitle: out.buttons[0]!.title, singleURL: out.buttons[0]!.url }) };
  const param: Record<string, string> = { title: out.title, text: out.markdown };
  out.buttons.forEach((b, i) => {
    param[`actionTitle${i + 1}`] = b.title;
    param[`actionURL${i + 1}`] = b.url;
  });
  return { msgKey: `sampleActionCard${n}`, msgParam: JSON.stringify(param) };
}
