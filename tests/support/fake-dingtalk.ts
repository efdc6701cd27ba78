/**
 * A fake DingTalk on loopback: the Stream gateway and its WebSocket, OAuth, the robot OpenAPI and
 * session webhooks, for the real `dingtalk-stream` DWClient and plain fetch.
 *
 *  - `POST /v1.0/gateway/connections/open` {clientId, clientSecret, subscriptions} → {endpoint, ticket};
 *    the WebSocket at `endpoint?ticket=` speaks the SDK's JSON frames (dingtalk-stream 2.1.5
 *    dist/client.mjs): downstream `{specVersion, type: SYSTEM|EVENT|CALLBACK, headers: {topic,
 *    messageId, …}, data: '<json string>'}`; upstream acks `{code: 200, headers: {messageId}, message,
 *    data}`. A CALLBACK not acked within `redeliverAfterMs` is pushed again with the same messageId
 *    and msgId, up to `maxRedeliveries` times (DingTalk re-pushes after ≈60 s).
 *  - `POST /v1.0/oauth2/accessToken` {appKey, appSecret} → {accessToken, expireIn: 7200};
 *    `invalidateTokens()` makes every issued token answer 401 InvalidAuthentication.
 *  - `POST /v1.0/robot/oToMessages/batchSend` and `/v1.0/robot/groupMessages/send` with header
 *    `x-acs-dingtalk-access-token`, `msgKey` sampleText / sampleMarkdown / sampleActionCard(2–5) and
 *    `msgParam` as a JSON string (checked per key). Users in `unknownUsers` come back in
 *    `invalidStaffIdList`; groups in `removedGroups` answer 400 (code invented here: the real one for
 *    "robot not in this group" is not documented where we looked).
 *  - Session webhooks: every `robotMessage()` hands out `${url}/robot/sendBySession?session=…` with
 *    `sessionWebhookExpiredTime`; after it, the webhook answers errcode 300001 "session 不存在"
 *    (seen in QwenPaw#2221). Bodies are the custom-robot shape (msgtype text / markdown / actionCard).
 *  - Group flood control: 20 messages per minute per group over both paths (SlidingWindowLimiter,
 *    windowMs 60 000). Beyond it the webhook answers errcode 130101 "send too fast, exceed 20 times
 *    per minute" and the OpenAPI 403 Forbidden.AccessDenied.QpsLimitForApi (inferred from the
 *    app-level QpsLimitForAppkeyAndApi family).
 *  - Robot interactive cards: `POST /v1.0/im/v1.0/robot/interactiveCards/send` (cardSend) with
 *    cardTemplateId 'StandardCard', cardBizId, robotCode, openConversationId, callbackType 'STREAM' and
 *    cardData a JSON string with `contents` (checked); a repeated cardBizId posts nothing new
 *    (DingTalk calls it the card's idempotent id). `PUT /v1.0/im/robots/interactiveCards` (cardUpdate)
 *    replaces a known card's data; an unknown cardBizId answers 400 (code invented here). Sent cards
 *    are in `sent` (kind 'interactiveCard', buttons as {title, url: 'request:<id>' | the link}) and in
 *    `cards`. `pushCardCallback({cardBizId, userId, actionId})` sends the tap as a CALLBACK frame on
 *    `/v1.0/card/instances/callback` (data shaped like open-dingtalk's CardCallbackMessage), acked
 *    and re-pushed like robot messages.
 *  - `failNext(method, {status, body})` answers the next matching calls with that instead.
 */
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { CallLog, FaultRules, listenLoopback, readBody, sendJson, SlidingWindowLimiter, TokenIssuer, type BaseCall } from './fake-base.js';

export const TOPIC_ROBOT = '/v1.0/im/bot/messages/get';
export const TOPIC_CARD = '/v1.0/card/instances/callback';

/** A robot interactive card as the fake holds it. */
export interface FakeCard {
  cardBizId: string;
  openConversationId: string;
  data: { header?: { title?: { text?: string } }; contents: { type: string; text?: string; actions?: { id: string; actionType: string; label: { text: string }; url?: { all?: string } }[] }[] };
  updates: FakeCard['data'][];
}

export interface DingTalkCall extends BaseCall {
  /** gateway.open, oauth2.accessToken, batchSend, groupSend, sessionWebhook, ws.connect, ack, pong. */
  method: string;
  body: Record<string, unknown>;
  token?: string;
  /** The group or user the message went to (sends), the messageId (acks). */
  key?: string;
  status?: number;
  response?: unknown;
  failed?: boolean;
}

/** A delivered message, whichever path it took. */
export interface DingTalkSent {
  via: 'webhook' | 'openapi';
  to: { kind: 'group' | 'user'; id: string };
  /** sampleText …, the webhook msgtype, or interactiveCard. */
  kind: string;
  title?: string;
  text: string;
  buttons: { title: string; url: string }[];
  /** Markdown links in the text ([label](url)), which DingTalk shows as tappable. */
  links: { title: string; url: string }[];
  /** Interactive cards: the id to update it by and to tap it with. */
  cardBizId?: string;
}

export interface FakeDingTalkOptions {
  clientId?: string;
  clientSecret?: string;
  robotCode?: string;
  redeliverAfterMs?: number;
  maxRedeliveries?: number;
  groupPerMinute?: number;
  /** How long handed-out session webhooks live (DingTalk: 5,400 s in one log). */
  webhookTtlMs?: number;
  now?: () => number;
}

type Failure = { status: number; body: unknown };
const SAMPLE_FIELDS: Record<string, string[]> = {
  sampleText: ['content'],
  sampleMarkdown: ['title', 'text'],
  sampleActionCard: ['title', 'text', 'singleTitle', 'singleURL'],
  sampleActionCard2: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2'],
  sampleActionCard3: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3'],
  sampleActionCard4: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3', 'actionTitle4', 'actionURL4'],
  sampleActionCard5: ['title', 'text', 'actionTitle1', 'actionURL1', 'actionTitle2', 'actionURL2', 'actionTitle3', 'actionURL3', 'actionTitle4', 'actionURL4', 'actionTitle5', 'actionURL5'],
};

export type FakeDingTalk = Awaited<ReturnType<typeof startFakeDingTalk>>;

export async function startFakeDingTalk(opts: FakeDingTalkOptions = {}) {
  const clientId = opts.clientId ?? 'dingfakeclientid';
  const clientSecret = opts.clientSecret ?? 'fake-client-secret';
  const robotCode = opts.robotCode ?? clientId;
  const now = opts.now ?? Date.now;
  const log = new CallLog<DingTalkCall>('fake DingTalk');
  const faults = new FaultRules<Failure>();
  const limiter = new SlidingWindowLimiter(undefined, opts.groupPerMinute ?? 20, 60_000);
  const tickets = new Set<string>();
  const tokens = new TokenIssuer('at-', now);
  const sessions = new Map<string, { to: DingTalkSent['to']; expiresAt: number }>();
  const pending = new Map<string, { frame: string; left: number; timer?: NodeJS.Timeout }>();
  const sent: DingTalkSent[] = [];
  const unknownUsers = new Set<string>();
  const removedGroups = new Set<string>();
  const cards = new Map<string, FakeCard>();
  const wss = new WebSocketServer({ noServer: true });
  let socket: WebSocket | undefined;
  let msgSeq = 0;

  const record = (c: Omit<DingTalkCall, 'at'>) => log.record({ ...c, at: Date.now() });
  const answer = (res: ServerResponse, call: DingTalkCall, status: number, body: unknown) => {
    call.status = status;
    call.response = body;
    call.failed = status !== 200 || (typeof body === 'object' && body !== null && 'errcode' in body && (body as { errcode: number }).errcode !== 0);
    sendJson(res, status, body);
    log.notify();
  };

  function pushFrame(messageId: string, frame: string): void {
    const p = pending.get(messageId);
    socket?.send(frame);
    if (!p || opts.redeliverAfterMs === undefined) return;
    p.timer = setTimeout(() => {
      if (!pending.has(messageId) || p.left <= 0) return;
      p.left--;
      pushFrame(messageId, frame);
    }, opts.redeliverAfterMs);
  }

  function onUpstream(raw: string): void {
    let msg: { code?: number; headers?: { messageId?: string; topic?: string }; data?: string };
    try {
      msg = JSON.parse(raw) as typeof msg;
    } catch {
      record({ method: 'garbage', body: { raw } });
      return;
    }
    const id = msg.headers?.messageId ?? '';
    const isPong = msg.headers?.topic === 'ping';
    record({ method: isPong ? 'pong' : 'ack', key: id, body: msg as Record<string, unknown> });
    const p = pending.get(id);
    if (p && !isPong) {
      clearTimeout(p.timer);
      pending.delete(id);
    }
    log.notify();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, { code: 'InvalidParameter', message: 'body is not JSON' });
    }
    const token = req.headers['x-acs-dingtalk-access-token'] as string | undefined;
    const path = url.pathname;
    const method =
      path === '/v1.0/gateway/connections/open' ? 'gateway.open'
      : path === '/v1.0/oauth2/accessToken' ? 'oauth2.accessToken'
      : path === '/v1.0/robot/oToMessages/batchSend' ? 'batchSend'
      : path === '/v1.0/robot/groupMessages/send' ? 'groupSend'
      : path === '/robot/sendBySession' ? 'sessionWebhook'
      : path === '/v1.0/im/v1.0/robot/interactiveCards/send' && req.method === 'POST' ? 'cardSend'
      : path === '/v1.0/im/robots/interactiveCards' && req.method === 'PUT' ? 'cardUpdate'
      : path;
    const key = method === 'groupSend' || method === 'cardSend' ? String(body.openConversationId ?? '') : method === 'batchSend' ? String((body.userIds as string[] | undefined)?.[0] ?? '') : undefined;
    const call = record({ method, body, ...(token ? { token } : {}), ...(key ? { key } : {}) });
    const fault = faults.take(method, key);
    if (fault) return answer(res, call, fault.status, fault.body);

    if (method === 'gateway.open') {
      if (body.clientId !== clientId || body.clientSecret !== clientSecret) return answer(res, call, 401, { code: 'InvalidAuthentication', message: 'clientId or clientSecret is wrong' });
      const ticket = randomUUID();
      tickets.add(ticket);
      return answer(res, call, 200, { endpoint: `ws://127.0.0.1:${server.port}/connect`, ticket });
    }
    if (method === 'oauth2.accessToken') {
      if (body.appKey !== clientId || body.appSecret !== clientSecret) return answer(res, call, 400, { code: 'invalidClientIdOrSecret', message: '无效的clientId或者clientSecret' });
      const accessToken = tokens.issue(7200);
      return answer(res, call, 200, { accessToken, expireIn: 7200 });
    }
    if (method === 'sessionWebhook') {
      const s = sessions.get(url.searchParams.get('session') ?? '');
      if (!s || s.expiresAt <= now()) return answer(res, call, 200, { errcode: 300001, errmsg: 'session 不存在' });
      call.key = s.to.id;
      const out = parseWebhookBody(body);
      if (!out) return answer(res, call, 200, { errcode: 40035, errmsg: '缺少参数 msgtype 或其内容' });
      if (s.to.kind === 'group' && limiter.tryAccept(s.to.id, now()) === undefined) return answer(res, call, 200, { errcode: 130101, errmsg: 'send too fast, exceed 20 times per minute' });
      sent.push({ via: 'webhook', to: s.to, ...out });
      return answer(res, call, 200, { errcode: 0, errmsg: 'ok' });
    }
    if (method === 'cardSend' || method === 'cardUpdate') {
      if (!tokens.valid(token)) return answer(res, call, 401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
      let data: FakeCard['data'] | undefined;
      try {
        data = JSON.parse(String(body.cardData)) as FakeCard['data'];
      } catch {
        data = undefined;
      }
      if (!data || !Array.isArray(data.contents)) return answer(res, call, 400, { code: 'param.error', message: 'cardData must be a JSON string with contents' });
      const bizId = String(body.cardBizId ?? '');
      if (method === 'cardUpdate') {
        const card = cards.get(bizId);
        if (!card) return answer(res, call, 400, { code: 'param.cardNotExist', message: '卡片不存在' });
        card.updates.push(data);
        card.data = data;
        return answer(res, call, 200, { success: true, result: { processQueryKey: randomUUID() } });
      }
      const group = String(body.openConversationId ?? '');
      if (body.robotCode !== robotCode) return answer(res, call, 400, { code: 'invalidParameter.robotCode', message: 'robot 不存在' });
      if (body.cardTemplateId !== 'StandardCard' || !bizId || !group || body.callbackType !== 'STREAM') return answer(res, call, 400, { code: 'param.error', message: 'cardTemplateId StandardCard, cardBizId, openConversationId and callbackType STREAM are required' });
      if (removedGroups.has(group)) return answer(res, call, 400, { code: 'invalidParameter.openConversationId', message: '机器人不在该群中' });
      if (cards.has(bizId)) return answer(res, call, 200, { processQueryKey: randomUUID() });
      if (limiter.tryAccept(group, now()) === undefined) return answer(res, call, 403, { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: '群消息发送过快' });
      cards.set(bizId, { cardBizId: bizId, openConversationId: group, data, updates: [] });
      const actions = data.contents.flatMap((c) => c.actions ?? []);
      const text = data.contents.filter((c) => c.type === 'markdown').map((c) => c.text ?? '').join('\n');
      sent.push({ via: 'openapi', to: { kind: 'group', id: group }, kind: 'interactiveCard', title: data.header?.title?.text ?? '', text, buttons: actions.map((a) => ({ title: a.label.text, url: a.actionType === 'request' ? `request:${a.id}` : (a.url?.all ?? '') })), links: linksOf(text), cardBizId: bizId });
      return answer(res, call, 200, { processQueryKey: randomUUID() });
    }
    if (method === 'batchSend' || method === 'groupSend') {
      if (!tokens.valid(token)) return answer(res, call, 401, { code: 'InvalidAuthentication', message: '不合法的access_token' });
      if (body.robotCode !== robotCode) return answer(res, call, 400, { code: 'invalidParameter.robotCode', message: 'robot 不存在' });
      const fields = SAMPLE_FIELDS[String(body.msgKey)];
      let param: Record<string, string> | undefined;
      try {
        param = JSON.parse(String(body.msgParam)) as Record<string, string>;
      } catch {
        param = undefined;
      }
      const missing = fields && param ? fields.filter((f) => typeof param![f] !== 'string' || param![f] === '') : ['msgKey/msgParam'];
      if (!fields || !param || missing.length) return answer(res, call, 400, { code: 'param.error', message: `msgParam is missing ${missing.join(', ')}` });
      const out = sampleToSent(String(body.msgKey), param);
      if (method === 'groupSend') {
        const group = String(body.openConversationId ?? '');
        if (!group || removedGroups.has(group)) return answer(res, call, 400, { code: 'invalidParameter.openConversationId', message: '机器人不在该群中' });
        if (limiter.tryAccept(group, now()) === undefined) return answer(res, call, 403, { code: 'Forbidden.AccessDenied.QpsLimitForApi', message: '群消息发送过快' });
        sent.push({ via: 'openapi', to: { kind: 'group', id: group }, ...out });
        return answer(res, call, 200, { processQueryKey: randomUUID() });
      }
      const users = (body.userIds as string[] | undefined) ?? [];
      const invalid = users.filter((u) => unknownUsers.has(u));
      for (const u of users) if (!unknownUsers.has(u)) sent.push({ via: 'openapi', to: { kind: 'user', id: u }, ...out });
      return answer(res, call, 200, { processQueryKey: randomUUID(), invalidStaffIdList: invalid, flowControlledStaffIdList: [] });
    }
    return answer(res, call, 404, { code: 'NotFound', message: `no such API ${path}` });
  }

  const server = await listenLoopback(handle, {
    upgrade: (req, sock, head) => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const ticket = url.searchParams.get('ticket') ?? '';
      if (url.pathname !== '/connect' || !tickets.delete(ticket)) {
        sock.end('HTTP/1.1 401 Unauthorized\r\n\r\n');
        return;
      }
      wss.handleUpgrade(req, sock, head, (ws) => {
        socket = ws;
        record({ method: 'ws.connect', body: {} });
        log.notify();
        ws.on('message', (data) => onUpstream(String(data)));
        ws.on('close', () => socket === ws && (socket = undefined));
        // Anything pushed while nobody was connected goes out now, as DingTalk does after a reconnect.
        for (const [id, p] of pending) if (!p.timer) pushFrame(id, p.frame);
      });
    },
  });

  function frameOf(type: string, topic: string, messageId: string, data: unknown): string {
    return JSON.stringify({
      specVersion: '1.0',
      type,
      headers: { appId: 'fake-app', connectionId: 'fake-conn', contentType: 'application/json', messageId, time: String(Date.now()), topic },
      data: typeof data === 'string' ? data : JSON.stringify(data),
    });
  }

  return {
    url: server.url,
    clientId,
    clientSecret,
    robotCode,
    log,
    sent,
    unknownUsers,
    removedGroups,
    limiter,
    callsTo: (m: string) => log.callsTo(m),
    waitFor: (m: string, n = 1, ms?: number) => log.waitFor(m, n, ms),
    failNext: (method: string, failure: Failure, o: { times?: number; key?: string } = {}) => faults.add(method, failure, o),
    invalidateTokens: () => tokens.invalidateAll(),
    get connected() {
      return socket !== undefined;
    },
    /** A robot message as DingTalk delivers it, with a fresh session webhook for its conversation. */
    robotMessage(m: { text: string; conversationType?: '1' | '2'; senderStaffId?: string; senderId?: string; conversationId?: string; msgId?: string; senderNick?: string; atBot?: boolean; webhookTtlMs?: number }) {
      const group = m.conversationType === '2';
      const staff = m.senderStaffId ?? 'staff1';
      const conversationId = m.conversationId ?? (group ? 'cidGroup1' : `cidP2P${staff}`);
      const session = randomUUID();
      const expiresAt = now() + (m.webhookTtlMs ?? opts.webhookTtlMs ?? 5_400_000);
      sessions.set(session, { to: group ? { kind: 'group', id: conversationId } : { kind: 'user', id: staff }, expiresAt });
      return {
        conversationId,
        chatbotCorpId: 'dingcorp',
        chatbotUserId: '$:LWCP_v1:$bot',
        msgId: m.msgId ?? `msg${++msgSeq}${Date.now() % 100000}`,
        senderNick: m.senderNick ?? '张三',
        isAdmin: false,
        senderStaffId: staff,
        sessionWebhookExpiredTime: expiresAt,
        createAt: now(),
        senderCorpId: 'dingcorp',
        conversationType: group ? '2' : '1',
        senderId: m.senderId ?? `$:LWCP_v1:$${staff}`,
        sessionWebhook: `${server.url}/robot/sendBySession?session=${session}`,
        robotCode,
        msgtype: 'text',
        text: { content: group && m.atBot !== false ? ` ${m.text}` : m.text },
        ...(group ? { isInAtList: m.atBot !== false, conversationTitle: '测试群' } : {}),
      };
    },
    /** Pushes a robot message as a CALLBACK frame; resolves with its frame messageId. */
    pushCallback(data: unknown, messageId: string = randomUUID()): string {
      const frame = frameOf('CALLBACK', TOPIC_ROBOT, messageId, data);
      if (!pending.has(messageId)) pending.set(messageId, { frame, left: opts.maxRedeliveries ?? 3 });
      if (socket) pushFrame(messageId, frame);
      return messageId;
    },
    cards,
    /** A tap on a button of one of our interactive cards, as DingTalk pushes it; resolves with its frame messageId. */
    pushCardCallback(o: { cardBizId: string; userId: string; actionId: string }, messageId: string = randomUUID()): string {
      const value = JSON.stringify({ cardPrivateData: { actionIds: [o.actionId], params: {} } });
      const data = { extension: '{}', corpId: 'dingcorp', spaceType: 'IM', userIdType: 1, type: 'actionCallback', userId: o.userId, content: value, spaceId: '', outTrackId: o.cardBizId, value };
      const frame = frameOf('CALLBACK', TOPIC_CARD, messageId, data);
      if (!pending.has(messageId)) pending.set(messageId, { frame, left: opts.maxRedeliveries ?? 3 });
      if (socket) pushFrame(messageId, frame);
      return messageId;
    },
    pushSystem: (topic: 'ping' | 'disconnect' | 'KEEPALIVE', data: unknown = {}) => socket?.send(frameOf('SYSTEM', topic, randomUUID(), data)),
    pushEvent: (data: unknown) => socket?.send(frameOf('EVENT', 'chat_update', randomUUID(), data)),
    /** A frame as raw text (malformed input). */
    pushRaw: (text: string) => socket?.send(text),
    /** Drops the current connection, as a gateway restart does. */
    dropConnection: () => socket?.terminate(),
    pendingAcks: () => [...pending.keys()],
    async close() {
      for (const p of pending.values()) clearTimeout(p.timer);
      log.close();
      for (const c of wss.clients) c.terminate();
      wss.close();
      await server.close();
    },
  };
}

function linksOf(md: string): DingTalkSent['links'] {
  return [...md.matchAll(/\[((?:[^\]\\]|\\.)*)\]\(([^)\s]+)\)/g)].map((m) => ({ title: m[1]!.replace(/\\(.)/g, '$1'), url: m[2]! }));
}

function parseWebhookBody(b: Record<string, unknown>): Omit<DingTalkSent, 'via' | 'to'> | undefined {
  const t = b.msgtype;
  if (t === 'text') {
    const c = (b.text as { content?: unknown } | undefined)?.content;
    return typeof c === 'string' && c ? { kind: 'text', text: c, buttons: [], links: [] } : undefined;
  }
  if (t === 'markdown') {
    const m = (b.markdown ?? {}) as { title?: unknown; text?: unknown };
    return typeof m.title === 'string' && typeof m.text === 'string' && m.text ? { kind: 'markdown', title: m.title, text: m.text, buttons: [], links: linksOf(m.text) } : undefined;
  }
  if (t === 'actionCard') {
    const a = (b.actionCard ?? {}) as { title?: unknown; text?: unknown; btns?: { title?: unknown; actionURL?: unknown }[]; singleTitle?: unknown; singleURL?: unknown };
    if (typeof a.title !== 'string' || typeof a.text !== 'string' || !a.text) return undefined;
    const btns = a.btns ?? (typeof a.singleTitle === 'string' ? [{ title: a.singleTitle, actionURL: a.singleURL }] : []);
    if (!btns.every((x) => typeof x.title === 'string' && typeof x.actionURL === 'string')) return undefined;
    return { kind: 'actionCard', title: a.title, text: a.text, buttons: btns.map((x) => ({ title: String(x.title), url: String(x.actionURL) })), links: linksOf(a.text) };
  }
  return undefined;
}

function sampleToSent(msgKey: string, p: Record<string, string>): Omit<DingTalkSent, 'via' | 'to'> {
  if (msgKey === 'sampleText') return { kind: msgKey, text: p.content!, buttons: [], links: [] };
  const buttons: DingTalkSent['buttons'] = [];
  if (p.singleTitle) buttons.push({ title: p.singleTitle, url: p.singleURL! });
  for (let i = 1; p[`actionTitle${i}`]; i++) buttons.push({ title: p[`actionTitle${i}`]!, url: p[`actionURL${i}`]! });
  return { kind: msgKey, title: p.title!, text: p.text!, buttons, links: linksOf(p.text!) };
}
