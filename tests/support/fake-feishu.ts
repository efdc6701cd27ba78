/**
 * A fake Feishu (Lark) Open Platform on loopback, for the real `@larksuiteoapi/node-sdk` Client and
 * WSClient (both take `domain: fake.url`), plus builders for what Feishu sends us: signed and
 * encrypted HTTP event callbacks, and event frames over the long connection.
 *
 * HTTP API served (errors are Feishu's `{ code, msg }` bodies; business errors are HTTP 400, the
 * app-wide frequency limit HTTP 429 + `x-ogw-ratelimit-reset` as open.feishu.cn's "Rate limits" page shows):
 *  - POST /open-apis/auth/v3/tenant_access_token/internal → `t-N`, `expire` (default 7200 s);
 *    wrong app id/secret → 10014. `invalidateTokens()` makes every issued token answer 99991663.
 *  - GET  /open-apis/bot/v3/info → the bot's open_id.
 *  - POST /open-apis/im/v1/messages?receive_id_type=chat_id|open_id, /messages/:id/reply: `content`
 *    must be a JSON string (230001 otherwise); text ≤ 150 KB, interactive/post ≤ 30 KB (230025);
 *    cards must be Card JSON 2.0 (`schema: '2.0'`, `body.elements`); a chat the bot was removed from
 *    → 230002, a user outside the availability scope → 230013. Flood control: 5 per second per
 *    chat (230020, HTTP 400) and 50 per second per app (99991400, HTTP 429), sliding windows.
 *  - PATCH /open-apis/im/v1/messages/:id: card update; only cards this fake sent, with
 *    `config.update_multi: true` (230099 otherwise, the fake's choice of code), within 14 days of
 *    sending on the fake's clock (230031), 5 per second per message (230020).
 *  - GET /open-apis/contact/v3/users/:open_id?user_id_type=open_id → `data.user.name` from `names`
 *    (set by the test); someone not in it → 41050 (outside the app's contact range);
 *    `contactScope = false` → 99991672 (the app lacks contact:user.base:readonly), both HTTP 400.
 *  - POST /callback/ws/endpoint → a ws:// URL on this server; the socket speaks the SDK's pbbp2
 *    protobuf frames: `pushWs(envelope)` sends an event frame and resolves with the client's ACK.
 * `failNext(method, failure, { times, key })` (key: receive_id, or message id for patch) injects
 * any `{ status, code }` answer; method names: token, bot.info, message.create, message.reply,
 * message.patch, ws.endpoint.
 */
import { createCipheriv, createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import protobuf from 'protobufjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { CallLog, FaultRules, listenLoopback, readBody, sendJson, SlidingWindowLimiter, TokenIssuer, type BaseCall } from './fake-base.js';

export const APP_ID = 'cli_a1b2c3d4e5f60718'; // the WSClient refuses ids not shaped cli_ + 16 hex
export const APP_SECRET = 'fake-feishu-app-secret';
export const ENCRYPT_KEY = 'fake-feishu-encrypt-key';
export const VERIFICATION_TOKEN = 'fake-feishu-verification-token';
export const BOT_OPEN_ID = 'ou_bot0000000000000000000000000001';
const DAY = 86_400_000;

export interface FeishuCall extends BaseCall {
  path: string;
  query: Record<string, string>;
  body: Record<string, unknown>;
  token?: string;
  status: number;
  code: number;
  response: Record<string, unknown>;
}

export interface FeishuFailure {
  status: number;
  code: number;
  msg?: string;
  headers?: Record<string, string>;
}

export interface FakeMessage {
  message_id: string;
  chat_id: string;
  receive_id: string;
  msg_type: string;
  content: Record<string, unknown>;
  sentAt: number;
  updates: Record<string, unknown>[];
}

export interface FakeFeishuOptions {
  tokenTtlSeconds?: number;
  /** The fake's clock for token expiry and the 14-day edit window (ms). */
  now?: () => number;
  perChatPerSecond?: number;
  perAppPerSecond?: number;
}

// The pbbp2.Frame of the SDK's long connection (ws-client/proto-buf), same field numbers.
const proto = protobuf.parse(`syntax = "proto2"; package pbbp2;
message Header { required string key = 1; required string value = 2; }
message Frame { required uint64 SeqID = 1; required uint64 LogID = 2; required int32 service = 3; required int32 method = 4;
  repeated Header headers = 5; optional string payloadEncoding = 6; optional string payloadType = 7; optional bytes payload = 8; optional string LogIDNew = 9; }`).root;
const Frame = proto.lookupType('pbbp2.Frame');
type FrameObj = { SeqID: number; LogID: number; service: number; method: number; headers: { key: string; value: string }[]; payload?: Uint8Array };

export async function startFakeFeishu(o: FakeFeishuOptions = {}) {
  const now = o.now ?? Date.now;
  const log = new CallLog<FeishuCall>('fake Feishu');
  const faults = new FaultRules<FeishuFailure>();
  const tokens = new TokenIssuer('t-', now);
  const messages = new Map<string, FakeMessage>();
  const removedChats = new Set<string>();
  const names = new Map<string, string>();
  const state = { contactScope: true };
  const outOfScope = new Set<string>();
  const chatLimiter = new SlidingWindowLimiter(undefined, o.perChatPerSecond ?? 5);
  const appLimiter = new SlidingWindowLimiter(o.perAppPerSecond ?? 50, undefined);
  const patchLimiter = new SlidingWindowLimiter(undefined, 5);
  const acks = new Map<string, (ack: { code: number; data?: unknown }) => void>();
  const sockets = new Set<WebSocket>();
  let seq = 0;
  const onSocket: (() => void)[] = [];
  const ready = new Set<WebSocket>();
  const wss = new WebSocketServer({ noServer: true });

  const fail = (res: ServerResponse, call: FeishuCall, f: FeishuFailure) => {
    call.status = f.status;
    call.code = f.code;
    call.response = { code: f.code, msg: f.msg ?? `fake error ${f.code}`, data: {} };
    sendJson(res, f.status, call.response, f.headers);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    try {
      body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    } catch {
      return sendJson(res, 400, { code: 9499, msg: 'body is not JSON' });
    }
    const p = url.pathname;
    const userPath = /^\/open-apis\/contact\/v3\/users\/([^/]+)$/.exec(p);
    const msgPath = /^\/open-apis\/im\/v1\/messages\/([^/]+)(\/reply)?$/.exec(p);
    const method =
      p === '/open-apis/auth/v3/tenant_access_token/internal' ? 'token'
      : p === '/open-apis/bot/v3/info' ? 'bot.info'
      : p === '/callback/ws/endpoint' ? 'ws.endpoint'
      : userPath && req.method === 'GET' ? 'contact.user'
      : p === '/open-apis/im/v1/messages' && req.method === 'POST' ? 'message.create'
      : msgPath?.[2] && req.method === 'POST' ? 'message.reply'
      : msgPath && req.method === 'PATCH' ? 'message.patch'
      : `unknown ${req.method} ${p}`;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const call = log.record({ method, at: Date.now(), path: p, query: Object.fromEntries(url.searchParams), body, ...(bearer ? { token: bearer } : {}), status: 200, code: 0, response: {} });
    try {
      const key = method === 'message.patch' || method === 'message.reply' ? msgPath![1] : (body.receive_id as string | undefined);
      const injected = faults.take(method, key);
      if (injected) return fail(res, call, injected);
      if (method === 'token') {
        if (body.app_id !== APP_ID || body.app_secret !== APP_SECRET) return fail(res, call, { status: 400, code: 10014, msg: 'app secret invalid' });
        const ttl = o.tokenTtlSeconds ?? 7200;
        const token = tokens.issue(ttl);
        call.response = { code: 0, msg: 'ok', tenant_access_token: token, expire: ttl };
        return sendJson(res, 200, call.response);
      }
      if (method === 'ws.endpoint') {
        if (body.AppID !== APP_ID || body.AppSecret !== APP_SECRET) return fail(res, call, { status: 200, code: 403, msg: 'forbidden' });
        // qs.parse reads device_id and service_id from the whole URL: keep them after the first key.
        call.response = { code: 0, msg: 'ok', data: { URL: `ws://127.0.0.1:${server.port}/ws?fpid=1&device_id=dev1&service_id=7`, ClientConfig: { PingInterval: 120, ReconnectCount: 3, ReconnectInterval: 1, ReconnectNonce: 0 } } };
        return sendJson(res, 200, call.response);
      }
      if (method.startsWith('unknown')) return fail(res, call, { status: 404, code: 404, msg: 'not found' });
      if (!bearer) return fail(res, call, { status: 400, code: 99991661, msg: 'Missing access token for authorization' });
      if (!tokens.valid(bearer)) return fail(res, call, { status: 400, code: 99991663, msg: 'Invalid access token for authorization' });
      if (method === 'bot.info') {
        call.response = { code: 0, msg: 'ok', bot: { activate_status: 2, app_name: 'patent-bridge', open_id: BOT_OPEN_ID } };
        return sendJson(res, 200, call.response);
      }
      if (method === 'contact.user') {
        if (!state.contactScope) return fail(res, call, { status: 400, code: 99991672, msg: 'Access denied. One of the following scopes is required: [contact:user.base:readonly]' });
        const name = call.query.user_id_type === 'open_id' ? names.get(decodeURIComponent(userPath![1]!)) : undefined;
        if (name === undefined) return fail(res, call, { status: 400, code: 41050, msg: 'no user authority error' });
        call.response = { code: 0, msg: 'success', data: { user: { open_id: userPath![1], name, en_name: '' } } };
        return sendJson(res, 200, call.response);
      }
      if (method === 'message.patch') return patch(res, call, msgPath![1]!);
      return send(res, call, method === 'message.reply' ? msgPath![1] : undefined);
    } finally {
      log.notify();
    }
  }

  function send(res: ServerResponse, call: FeishuCall, replyTo?: string) {
    const b = call.body;
    let receiveId = String(b.receive_id ?? '');
    let chatId = receiveId;
    if (replyTo) {
      const parent = messages.get(replyTo);
      if (!parent) return fail(res, call, { status: 400, code: 230011, msg: 'message not found' });
      chatId = receiveId = parent.chat_id;
    } else {
      const type = call.query.receive_id_type;
      if (!['chat_id', 'open_id', 'user_id', 'union_id', 'email'].includes(type ?? '')) return fail(res, call, { status: 400, code: 99992402, msg: 'field validation failed: receive_id_type' });
      if (!receiveId) return fail(res, call, { status: 400, code: 99992402, msg: 'field validation failed: receive_id' });
      if (type === 'chat_id' && !receiveId.startsWith('oc_')) return fail(res, call, { status: 400, code: 230001, msg: 'invalid receive_id' });
      if (type === 'open_id' && !receiveId.startsWith('ou_')) return fail(res, call, { status: 400, code: 230001, msg: 'invalid receive_id' });
      if (type === 'open_id') chatId = `oc_p2p_${receiveId.slice(3)}`;
    }
    const checked = checkContent(String(b.msg_type ?? ''), b.content);
    if (typeof checked === 'string') return fail(res, call, { status: 400, code: checked.startsWith('230025') ? 230025 : 230001, msg: checked });
    if (removedChats.has(chatId)) return fail(res, call, { status: 400, code: 230002, msg: 'Bot/User can NOT be out of the chat.' });
    if (outOfScope.has(receiveId)) return fail(res, call, { status: 400, code: 230013, msg: 'Bot has NO availability to this user.' });
    if (chatLimiter.tryAccept(chatId, Date.now()) === undefined) return fail(res, call, { status: 400, code: 230020, msg: 'This operation triggers the frequency limit.' });
    if (appLimiter.tryAccept(undefined, Date.now()) === undefined) return fail(res, call, { status: 429, code: 99991400, msg: 'request trigger frequency limit', headers: { 'x-ogw-ratelimit-limit': '50', 'x-ogw-ratelimit-reset': '1' } });
    const id = `om_${(++seq).toString(16).padStart(8, '0')}`;
    const m: FakeMessage = { message_id: id, chat_id: chatId, receive_id: receiveId, msg_type: String(b.msg_type), content: checked, sentAt: now(), updates: [] };
    messages.set(id, m);
    call.response = { code: 0, msg: 'success', data: { message_id: id, chat_id: chatId, msg_type: m.msg_type, create_time: String(m.sentAt), body: { content: b.content } } };
    sendJson(res, 200, call.response);
  }

  function patch(res: ServerResponse, call: FeishuCall, id: string) {
    const m = messages.get(id);
    if (!m) return fail(res, call, { status: 400, code: 230011, msg: 'message not found' });
    if (m.msg_type !== 'interactive') return fail(res, call, { status: 400, code: 230001, msg: 'only cards can be patched' });
    if (now() - m.sentAt > 14 * DAY) return fail(res, call, { status: 400, code: 230031, msg: 'The message exceeded the 14-day update window.' });
    const checked = checkContent('interactive', call.body.content);
    if (typeof checked === 'string') return fail(res, call, { status: 400, code: checked.startsWith('230025') ? 230025 : 230001, msg: checked });
    if ((checked.config as { update_multi?: boolean } | undefined)?.update_multi !== true) return fail(res, call, { status: 400, code: 230099, msg: 'card must be shared (config.update_multi: true) to be updated' });
    if (patchLimiter.tryAccept(id, Date.now()) === undefined) return fail(res, call, { status: 400, code: 230020, msg: 'This operation triggers the frequency limit.' });
    m.updates.push(checked);
    m.content = checked;
    call.response = { code: 0, msg: 'success', data: {} };
    sendJson(res, 200, call.response);
  }

  const server = await listenLoopback(handle, {
    upgrade: (req, socket, head) =>
      wss.handleUpgrade(req, socket, head, (ws) => {
        sockets.add(ws);
        ws.on('close', () => (sockets.delete(ws), ready.delete(ws)));
        ws.on('message', (data: Buffer) => {
          const f = Frame.toObject(Frame.decode(data), { longs: Number }) as FrameObj;
          const h = Object.fromEntries((f.headers ?? []).map((x) => [x.key, x.value]));
          if (h.type === 'ping') {
            // The client pings as it opens, before it listens for frames: ready once it had time to.
            if (!ready.has(ws)) setTimeout(() => (ready.add(ws), onSocket.splice(0).forEach((w) => w())), 20);
            return void ws.send(Frame.encode(Frame.fromObject({ ...f, headers: [{ key: 'type', value: 'pong' }], payload: Buffer.from(JSON.stringify({ PingInterval: 120, ReconnectCount: 3, ReconnectInterval: 1, ReconnectNonce: 0 })) })).finish());
          }
          if (h.biz_rt !== undefined && h.message_id) {
            const ack = JSON.parse(Buffer.from(f.payload ?? []).toString('utf8')) as { code: number; data?: string };
            const decoded = ack.data ? JSON.parse(Buffer.from(ack.data, 'base64').toString('utf8')) : undefined;
            log.record({ method: 'ws.ack', at: Date.now(), path: '/ws', query: {}, body: { message_id: h.message_id }, status: ack.code, code: 0, response: decoded ?? {} });
            log.notify();
            acks.get(h.message_id)?.({ code: ack.code, ...(decoded ? { data: decoded } : {}) });
            acks.delete(h.message_id);
          }
        });
      }),
  });

  return {
    url: server.url,
    calls: log.calls,
    callsTo: (m: string) => log.callsTo(m),
    waitFor: (m: string, n?: number, ms?: number) => log.waitFor(m, n, ms),
    failNext: (method: string, failure: FeishuFailure, opts?: { times?: number; key?: string }) => faults.add(method, failure, opts),
    /** Every token issued so far answers 99991663 from now on (what a long-running process meets). */
    invalidateTokens: () => tokens.invalidateAll(),
    /** open_id → the name the contact API answers. */
    names,
    /** Set contactScope false to answer every contact lookup 99991672. */
    state,
    removeBotFrom: (chatId: string) => removedChats.add(chatId),
    outOfScope: (openId: string) => outOfScope.add(openId),
    messages: (chatId?: string) => [...messages.values()].filter((m) => chatId === undefined || m.chat_id === chatId || m.receive_id === chatId),
    /** Busiest sliding second seen for one chat, and for the whole app. */
    limits: { chat: chatLimiter, app: appLimiter },
    /** Resolves once a long-connection client is connected. */
    connected: () => (ready.size ? Promise.resolve() : new Promise<void>((r) => onSocket.push(r))),
    /** Sends one event over the long connection; resolves with the client's ACK ({ code: 200, data? }). */
    pushWs(envelope: unknown, timeoutMs = 10_000): Promise<{ code: number; data?: unknown }> {
      const ws = [...ready][0];
      if (!ws) return Promise.reject(new Error('fake Feishu: no long-connection client'));
      const messageId = `ws_${++seq}`;
      const frame = Frame.fromObject({
        SeqID: seq,
        LogID: seq,
        service: 7,
        method: 1,
        headers: [
          { key: 'type', value: 'event' },
          { key: 'message_id', value: messageId },
          { key: 'sum', value: '1' },
          { key: 'seq', value: '0' },
          { key: 'trace_id', value: `tr_${seq}` },
        ],
        payload: Buffer.from(typeof envelope === 'string' ? envelope : JSON.stringify(envelope)),
      });
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`fake Feishu: no ACK for ${messageId}`)), timeoutMs);
        acks.set(messageId, (a) => (clearTimeout(timer), resolve(a)));
        ws.send(Frame.encode(frame).finish());
      });
    },
    async close() {
      log.close();
      for (const s of sockets) s.terminate();
      wss.close();
      await server.close();
    },
  };
}
export type FakeFeishu = Awaited<ReturnType<typeof startFakeFeishu>>;

function checkContent(msgType: string, content: unknown): Record<string, unknown> | string {
  if (typeof content !== 'string') return 'content must be a JSON string';
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(content) as Record<string, unknown>;
  } catch {
    return 'content is not valid JSON';
  }
  const bytes = Buffer.byteLength(content);
  if (msgType === 'text') {
    if (typeof parsed.text !== 'string') return 'text content needs "text"';
    if (bytes > 150 * 1024) return '230025 message content too long (text ≤ 150 KB)';
  } else if (msgType === 'interactive' || msgType === 'post') {
    if (bytes > 30 * 1024) return '230025 message content too long (card ≤ 30 KB)';
    if (msgType === 'interactive' && (parsed.schema !== '2.0' || !Array.isArray((parsed.body as { elements?: unknown } | undefined)?.elements))) return 'card must be Card JSON 2.0 with body.elements';
  } else return `unsupported msg_type ${msgType}`;
  return parsed;
}

// ---------------------------------------------------------------------------------------------
// What Feishu sends us
// ---------------------------------------------------------------------------------------------

let evSeq = 0;
const header = (eventType: string, eventId?: string) => ({
  event_id: eventId ?? `ev_${Date.now().toString(36)}_${++evSeq}`,
  event_type: eventType,
  create_time: String(Date.now()),
  token: VERIFICATION_TOKEN,
  app_id: APP_ID,
  tenant_key: 'tenant_fake',
});

export interface MessageEventOptions {
  text: string;
  messageId?: string;
  chatId?: string;
  chatType?: 'p2p' | 'group';
  openId?: string;
  senderType?: 'user' | 'app';
  /** Put an @-mention of this open_id (default the bot) in front of the text. */
  mention?: string | false;
  eventId?: string;
}

/** An im.message.receive_v1 envelope (schema 2.0). */
export function messageEvent(o: MessageEventOptions) {
  const openId = o.openId ?? 'ou_user0001';
  const mention = o.mention === undefined ? (o.chatType === 'group' ? BOT_OPEN_ID : false) : o.mention;
  return {
    schema: '2.0',
    header: header('im.message.receive_v1', o.eventId),
    event: {
      sender: { sender_id: { open_id: openId, union_id: `on_${openId.slice(3)}`, user_id: null }, sender_type: o.senderType ?? 'user', tenant_key: 'tenant_fake' },
      message: {
        message_id: o.messageId ?? `om_in_${++evSeq}`,
        create_time: String(Date.now()),
        chat_id: o.chatId ?? `oc_p2p_${openId.slice(3)}`,
        chat_type: o.chatType ?? 'p2p',
        message_type: 'text',
        content: JSON.stringify({ text: mention ? `@_user_1 ${o.text}` : o.text }),
        ...(mention ? { mentions: [{ key: '@_user_1', id: { open_id: mention, union_id: 'on_bot', user_id: null }, name: 'patent-bridge', tenant_key: 'tenant_fake' }] } : {}),
      },
    },
  };
}

/** A card.action.trigger envelope (Card JSON 2.0 callback) for a button whose value is `value`. */
export function cardActionEvent(o: { value: Record<string, unknown>; openId?: string; messageId: string; chatId: string; token?: string }) {
  return {
    schema: '2.0',
    header: header('card.action.trigger'),
    event: {
      operator: { tenant_key: 'tenant_fake', open_id: o.openId ?? 'ou_user0001', union_id: 'on_x' },
      token: o.token ?? `c-${randomBytes(8).toString('hex')}`,
      action: { value: o.value, tag: 'button' },
      host: 'im_message',
      context: { open_message_id: o.messageId, open_chat_id: o.chatId },
    },
  };
}

/** AES-256-CBC with key = sha256(encryptKey) and a random IV in front, base64 (Feishu's scheme). */
export function encryptFeishu(plain: string, encryptKey = ENCRYPT_KEY): string {
  const key = createHash('sha256').update(encryptKey).digest();
  const iv = randomBytes(16);
  const c = createCipheriv('aes-256-cbc', key, iv);
  return Buffer.concat([iv, c.update(plain, 'utf8'), c.final()]).toString('base64');
}

/**
 * An HTTP event callback as Feishu posts it: the envelope encrypted into `{ encrypt }`, signed
 * sha256(timestamp + nonce + encryptKey + body) in X-Lark-Signature. `timestamp` in seconds.
 */
export function signedEventRequest(url: string, envelope: unknown, o: { encryptKey?: string; timestamp?: number; signature?: string; unsigned?: boolean } = {}): Request {
  const key = o.encryptKey ?? ENCRYPT_KEY;
  const body = JSON.stringify({ encrypt: encryptFeishu(JSON.stringify(envelope), key) });
  const ts = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString('hex');
  const signature = o.signature ?? createHash('sha256').update(ts + nonce + key + body).digest('hex');
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (!o.unsigned) Object.assign(headers, { 'x-lark-request-timestamp': ts, 'x-lark-request-nonce': nonce, 'x-lark-signature': signature });
  return new Request(url, { method: 'POST', headers, body });
}

/** The URL-verification challenge: encrypted like every event when an encrypt key is set, and unsigned. */
export function challengeRequest(url: string, challenge: string, o: { token?: string; encryptKey?: string } = {}): Request {
  const plain = JSON.stringify({ challenge, token: o.token ?? VERIFICATION_TOKEN, type: 'url_verification' });
  return new Request(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ encrypt: encryptFeishu(plain, o.encryptKey) }) });
}
