/**
 * A fake WeCom server API (qyapi.weixin.qq.com) for tests, on the shared loopback base.
 *
 *   const fake = await startFakeWecom({ now: () => clock.getTime() });
 *   new WecomApi({ baseUrl: fake.url, corpId: fake.corpId, secrets: { app: fake.appSecret, kf: fake.kfSecret } });
 *
 * Serves what the channels use, with WeCom's documented behaviour where tests rely on it:
 *  - GET  /cgi-bin/gettoken?corpid&corpsecret → access_token (expires_in 7200). One token per
 *    secret; a repeat fetch returns the same token (path/91039). `invalidateTokens(code)` makes
 *    the current ones answer 40014 (invalid) or 42001 (expired) until fetched again.
 *  - POST /cgi-bin/message/send (app secret): text (content ≤ 2,048 bytes, else 45002) and
 *    template_card (button_interaction: task_id, ≤ 6 buttons with a key); answers msgid and, for
 *    cards, a single-use response_code. Per member at most 30 messages a minute: the excess is
 *    answered ok and silently dropped, as the doc says ("每应用对同一个成员不可超过30次/分钟，超过
 *    部分会被丢弃不下发", path/90236, quoted in veinkr/msgqywx README); `dropped` lists them.
 *  - POST /cgi-bin/message/update_template_card: each response_code works once (single use, 72 h, per
 *    the message/send doc); a used or unknown one is answered 40058 (invalid parameter), and so is a
 *    new card whose task_id is not the card the code belongs to. A card click's ResponseCode comes
 *    from `issueResponseCode(taskId)`; `card(taskId)` shows the card as sent and its updates.
 *  - POST /cgi-bin/kf/sync_msg (kf secret): {cursor, token, limit, open_kfid} → msg_list pages with
 *    next_cursor and has_more. Customer messages (origin 3) come from `customerSays`, which also
 *    returns the kf_msg_or_event callback XML carrying a sync Token.
 *  - POST /cgi-bin/kf/send_msg (kf secret): only within 48 h of the customer's last message and at
 *    most 5 messages per customer message (path/94677); beyond either the fake answers 95001
 *    ("给该客户发送的消息数量已达上限", the one code for this found in public code; WeCom's own
 *    error table could not be read here, so our sender never relies on the code: it keeps count).
 * Faults: failNext(method, { errcode, errmsg } | { status }).
 */
import * as oracle from '@wecom/crypto';
import { CallLog, FaultRules, listenLoopback, readBody, sendJson, SlidingWindowLimiter, type BaseCall } from './fake-base.js';

export type FakeWecomFailure = { errcode: number; errmsg?: string } | { status: number };

export interface FakeWecomCall extends BaseCall {
  body: Record<string, unknown>;
  query: Record<string, string>;
  /** The errcode answered (0 = ok). */
  errcode: number;
  /** Accepted but not delivered (per-member limit). */
  dropped?: true;
}

export interface KfMessage {
  msgid: string;
  open_kfid: string;
  external_userid: string;
  send_time: number;
  origin: number;
  msgtype: string;
  [k: string]: unknown;
}

export interface FakeWecom {
  url: string;
  corpId: string;
  agentId: number;
  appSecret: string;
  kfSecret: string;
  openKfId: string;
  log: CallLog<FakeWecomCall>;
  callsTo(method: string): FakeWecomCall[];
  waitFor(method: string, count?: number, timeoutMs?: number): Promise<FakeWecomCall[]>;
  /** The next `times` calls of `method` fail; with `skip`, that many calls are answered normally first. */
  failNext(method: string, failure: FakeWecomFailure, opts?: { times?: number; skip?: number }): void;
  invalidateTokens(code?: 40014 | 42001): void;
  /** A fresh response_code, as a template_card_event on the card `taskId` carries. */
  issueResponseCode(taskId?: string): string;
  /** A template card delivered by message/send, with the updates update_template_card made to it. */
  card(taskId: string): { sent: Record<string, unknown>; updates: Record<string, unknown>[] } | undefined;
  /** A customer message in the KF account's queue; returns the msgid. */
  customerSays(externalUserId: string, content: { text: string; menuId?: string } | { msgtype: string }, opts?: { msgid?: string }): string;
  /** Messages delivered to a member by the app (dropped ones excluded). */
  appMessages(userId: string): Record<string, unknown>[];
  /** kf/send_msg messages delivered to a customer. */
  kfMessages(externalUserId: string): Record<string, unknown>[];
  /** The per-member limiter (maxPerKey: the busiest minute of any member). */
  memberLimiter: SlidingWindowLimiter;
  close(): Promise<void>;
}

export interface FakeWecomOptions {
  now?: () => number;
  /** sync_msg page size cap (WeCom allows up to 1000). */
  pageSize?: number;
}

export async function startFakeWecom(opts: FakeWecomOptions = {}): Promise<FakeWecom> {
  const now = opts.now ?? Date.now;
  const corpId = 'wwfakecorp0001';
  const agentId = 1000002;
  const appSecret = 'app-secret-fake';
  const kfSecret = 'kf-secret-fake';
  const openKfId = 'wkFAKEKF0001';
  const log = new CallLog<FakeWecomCall>('fake WeCom');
  const faults = new FaultRules<FakeWecomFailure>();
  const deferred = new Map<string, { skip: number; failure: FakeWecomFailure; times: number }>();
  const memberLimiter = new SlidingWindowLimiter(undefined, 30, 60_000);
  let generation = 1;
  let invalidCode: 40014 | 42001 | undefined;
  const tokenOf = (kind: 'app' | 'kf') => `tok-${kind}-${generation}`;
  /** Unused response codes → the task_id of the card they update (single use, per path/90236). */
  const responseCodes = new Map<string, string>();
  /** Per task_id: the card as sent, then each update applied to it. */
  const cards = new Map<string, { sent: Record<string, unknown>; updates: Record<string, unknown>[] }>();
  const kfQueue: KfMessage[] = [];
  /** Per customer: when they last wrote, how many messages we sent since. */
  const windows = new Map<string, { at: number; sent: number }>();
  let seq = 0;

  function tokenKind(token: string | undefined): 'app' | 'kf' | { errcode: number } {
    if (!token) return { errcode: 41001 };
    if (token === tokenOf('app') && !invalidCode) return 'app';
    if (token === tokenOf('kf') && !invalidCode) return 'kf';
    return { errcode: invalidCode ?? 40014 };
  }

  const handlers: Record<string, (body: Record<string, unknown>, call: FakeWecomCall) => Record<string, unknown>> = {
    'message/send': (b, call) => {
      if (Number(b.agentid) !== agentId) return { errcode: 40056, errmsg: 'invalid agentid' };
      const to = String(b.touser ?? '');
      if (!to) return { errcode: 40031, errmsg: 'invalid user list' };
      let responseCode: string | undefined;
      if (b.msgtype === 'text') {
        const content = String((b.text as { content?: unknown } | undefined)?.content ?? '');
        if (!content) return { errcode: 44004, errmsg: 'empty content' };
        if (Buffer.byteLength(content) > 2048) return { errcode: 45002, errmsg: 'content size out of limit' };
      } else if (b.msgtype === 'template_card') {
        const card = (b.template_card ?? {}) as Record<string, unknown>;
        const buttons = (card.button_list ?? []) as { text?: string; key?: string }[];
        if (card.card_type !== 'button_interaction' || !card.task_id || !/^[\w@-]{1,128}$/.test(String(card.task_id))) return { errcode: 40058, errmsg: 'invalid template_card' };
        if (buttons.length < 1 || buttons.length > 6 || buttons.some((x) => !x.text || !x.key || Buffer.byteLength(x.key) > 1024)) return { errcode: 40058, errmsg: 'invalid button_list' };
        responseCode = `rc-${++seq}`;
        responseCodes.set(responseCode, String(card.task_id));
      } else return { errcode: 40008, errmsg: 'invalid message type' };
      for (const member of to.split('|')) if (memberLimiter.tryAccept(member, now()) === undefined) call.dropped = true;
      if (b.msgtype === 'template_card' && !call.dropped) cards.set(String((b.template_card as { task_id: string }).task_id), { sent: b.template_card as Record<string, unknown>, updates: [] });
      return { errcode: 0, errmsg: 'ok', invaliduser: '', msgid: `msg-${++seq}`, ...(responseCode ? { response_code: responseCode } : {}) };
    },
    'message/update_template_card': (b) => {
      const code = String(b.response_code ?? '');
      const taskId = responseCodes.get(code);
      if (taskId === undefined || !responseCodes.delete(code)) return { errcode: 40058, errmsg: 'invalid response_code' };
      if (Number(b.agentid) !== agentId) return { errcode: 40056, errmsg: 'invalid agentid' };
      const card = b.template_card as Record<string, unknown> | undefined;
      // A whole new card keeps its task_id; a button replacement only names the new label.
      if (card && card.task_id !== taskId) return { errcode: 40058, errmsg: 'task_id does not match the response_code' };
      if (!card && !(b.button as { replace_name?: unknown } | undefined)?.replace_name) return { errcode: 40058, errmsg: 'nothing to update' };
      cards.get(taskId)?.updates.push(card ?? { button: b.button });
      return { errcode: 0, errmsg: 'ok' };
    },
    'kf/sync_msg': (b) => {
      const start = b.cursor ? Number(String(b.cursor).replace(/^c/, '')) : 0;
      if (!Number.isInteger(start) || start < 0) return { errcode: 95015, errmsg: 'invalid cursor' };
      const limit = Math.min(Number(b.limit ?? 1000), opts.pageSize ?? 1000);
      const list = kfQueue.filter((m) => !b.open_kfid || m.open_kfid === b.open_kfid).slice(start, start + limit);
      const next = start + list.length;
      return { errcode: 0, errmsg: 'ok', next_cursor: `c${next}`, has_more: next < kfQueue.length ? 1 : 0, msg_list: list };
    },
    'kf/send_msg': (b) => {
      const to = String(b.touser ?? '');
      if (b.open_kfid !== openKfId) return { errcode: 95000, errmsg: 'invalid open_kfid' };
      const w = windows.get(to);
      if (!w || now() - w.at > 48 * 3600_000 || w.sent >= 5) return { errcode: 95001, errmsg: 'send msg count limit' };
      if (b.msgtype === 'text') {
        const content = String((b.text as { content?: unknown } | undefined)?.content ?? '');
        if (!content || Buffer.byteLength(content) > 2048) return { errcode: 44004, errmsg: 'invalid content size' };
      } else if (b.msgtype === 'msgmenu') {
        const menu = (b.msgmenu ?? {}) as { list?: { type?: string; click?: { id?: string; content?: string } }[] };
        if (!menu.list?.length || menu.list.length > 10 || menu.list.some((i) => i.type !== 'click' || !i.click?.id || !i.click.content || Buffer.byteLength(i.click.id) > 128)) return { errcode: 40058, errmsg: 'invalid msgmenu' };
      } else return { errcode: 40008, errmsg: 'invalid message type' };
      w.sent++;
      return { errcode: 0, errmsg: 'ok', msgid: `kfmsg-${++seq}` };
    },
  };

  const server = await listenLoopback(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = url.pathname.replace(/^\/cgi-bin\//, '');
    const query = Object.fromEntries(url.searchParams);
    const raw = await readBody(req);
    let body: Record<string, unknown> = {};
    if (req.method === 'POST') {
      try {
        body = JSON.parse(raw.toString('utf8') || '{}') as Record<string, unknown>;
      } catch {
        return sendJson(res, 200, { errcode: 47001, errmsg: 'data format error' });
      }
    }
    const call = log.record({ method, at: Date.now(), body, query, errcode: 0 });
    const answer = (status: number, json: Record<string, unknown>) => {
      call.errcode = Number(json.errcode ?? 0);
      sendJson(res, status, json);
      log.notify();
    };
    const later = deferred.get(method);
    if (later && later.skip-- <= 0) {
      deferred.delete(method);
      faults.add(method, later.failure, { times: later.times });
    }
    const fault = faults.take(method);
    if (fault) return 'status' in fault ? answer(fault.status, { errcode: -1, errmsg: `HTTP ${fault.status}` }) : answer(200, { errmsg: 'injected', ...fault });
    if (method === 'gettoken') {
      if (query.corpid !== corpId) return answer(200, { errcode: 40013, errmsg: 'invalid corpid' });
      const kind = query.corpsecret === appSecret ? 'app' : query.corpsecret === kfSecret ? 'kf' : undefined;
      if (!kind) return answer(200, { errcode: 40001, errmsg: 'invalid credential' });
      invalidCode = undefined;
      return answer(200, { errcode: 0, errmsg: 'ok', access_token: tokenOf(kind), expires_in: 7200 });
    }
    const handler = handlers[method];
    if (!handler || req.method !== 'POST') return answer(404, { errcode: 404, errmsg: `no ${method}` });
    const kind = tokenKind(query.access_token);
    if (typeof kind !== 'string') return answer(200, { errcode: kind.errcode, errmsg: 'access_token invalid or expired' });
    if ((method.startsWith('kf/') ? 'kf' : 'app') !== kind) return answer(200, { errcode: 48002, errmsg: 'api forbidden for this secret' });
    return answer(200, handler(body, call));
  });

  return {
    url: server.url,
    corpId,
    agentId,
    appSecret,
    kfSecret,
    openKfId,
    log,
    memberLimiter,
    callsTo: (m) => log.callsTo(m),
    waitFor: (m, c, t) => log.waitFor(m, c, t),
    failNext: (m, f, o = {}) => (o.skip ? void deferred.set(m, { skip: o.skip, failure: f, times: o.times ?? 1 }) : faults.add(m, f, o)),
    invalidateTokens(code = 42001) {
      invalidCode = code;
      generation++;
    },
    issueResponseCode(taskId = '') {
      const code = `rc-click-${++seq}`;
      responseCodes.set(code, taskId);
      return code;
    },
    card: (taskId) => cards.get(taskId),
    customerSays(externalUserId, content, o = {}) {
      const msgid = o.msgid ?? `kfin-${++seq}`;
      const sendTime = Math.floor(now() / 1000);
      const body = 'text' in content ? { msgtype: 'text', text: { content: content.text, ...(content.menuId ? { menu_id: content.menuId } : {}) } } : { msgtype: content.msgtype, [content.msgtype]: {} };
      kfQueue.push({ msgid, open_kfid: openKfId, external_userid: externalUserId, send_time: sendTime, origin: 3, ...body });
      windows.set(externalUserId, { at: now(), sent: 0 });
      return msgid;
    },
    appMessages: (userId) => log.callsTo('message/send').filter((c) => c.errcode === 0 && !c.dropped && String(c.body.touser).split('|').includes(userId)).map((c) => c.body),
    kfMessages: (ext) => log.callsTo('kf/send_msg').filter((c) => c.errcode === 0 && c.body.touser === ext).map((c) => c.body),
    async close() {
      log.close();
      await server.close();
    },
  };
}

/** What WeCom POSTs to a callback URL: the query and the encrypted XML body, made with @wecom/crypto. */
export function encryptedCallback(
  inner: string,
  o: { token: string; encodingAesKey: string; receiveId: string; timestamp?: number; nonce?: string },
): { query: string; body: string } {
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = o.nonce ?? Math.random().toString(36).slice(2, 10);
  const encrypt = oracle.encrypt(o.encodingAesKey, inner, o.receiveId);
  const sig = oracle.getSignature(o.token, timestamp, nonce, encrypt);
  const query = new URLSearchParams({ msg_signature: sig, timestamp, nonce }).toString();
  return { query, body: `<xml><ToUserName><![CDATA[${o.receiveId}]]></ToUserName><Encrypt><![CDATA[${encrypt}]]></Encrypt><AgentID><![CDATA[1000002]]></AgentID></xml>` };
}

/** The GET URL check WeCom makes when the callback URL is saved. */
export function urlCheck(echo: string, o: { token: string; encodingAesKey: string; receiveId: string; timestamp?: number }): string {
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = 'n0nce';
  const echostr = oracle.encrypt(o.encodingAesKey, echo, o.receiveId);
  return new URLSearchParams({ msg_signature: oracle.getSignature(o.token, timestamp, nonce, echostr), timestamp, nonce, echostr }).toString();
}

/** Inner XML of a self-built app text message / template-card click / 微信客服 notice. */
export const appText = (from: string, text: string, msgId: string, corpId: string, createTime = Math.floor(Date.now() / 1000)) =>
  `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[text]]></MsgType><Content><![CDATA[${text}]]></Content><MsgId>${msgId}</MsgId><AgentID>1000002</AgentID></xml>`;

export const cardClick = (from: string, key: string, taskId: string, corpId: string, responseCode: string, createTime = Math.floor(Date.now() / 1000)) =>
  `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><FromUserName><![CDATA[${from}]]></FromUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[template_card_event]]></Event><EventKey><![CDATA[${key}]]></EventKey><TaskId><![CDATA[${taskId}]]></TaskId><CardType><![CDATA[button_interaction]]></CardType><ResponseCode><![CDATA[${responseCode}]]></ResponseCode><AgentID>1000002</AgentID></xml>`;

export const kfNotice = (corpId: string, openKfId: string, token = 'synctoken', createTime = Math.floor(Date.now() / 1000)) =>
  `<xml><ToUserName><![CDATA[${corpId}]]></ToUserName><CreateTime>${createTime}</CreateTime><MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event><Token><![CDATA[${token}]]></Token><OpenKfId><![CDATA[${openKfId}]]></OpenKfId></xml>`;
