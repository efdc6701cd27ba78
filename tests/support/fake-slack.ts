/**
 * A fake Slack Web API server, plus a signer that builds and signs Slack → app HTTP requests, and
 * Socket Mode (`apps.connections.open` with the app-level token `fake.appToken`, then a WebSocket on
 * the same port: `fake.socket`, see fake-slack-socket.ts).
 *
 *   const fake = await startFakeSlack();
 *   const app = new App({
 *     token: fake.botToken,
 *     receiver,                                   // see "Feeding Bolt" below
 *     deferInitialization: true,
 *     clientOptions: { slackApiUrl: fake.url + '/api/' },
 *   });
 *   await app.init();                             // → auth.test on the fake
 *
 * ── Feeding Bolt raw HTTP requests from our own server (read this before writing the adapter) ──────
 *
 * Bolt (5.1) separates "receiving" from "processing". A receiver is any object with
 * `init(app)`, `start()`, `stop()` (Bolt's `Receiver` type; docs.slack.dev/tools/bolt-js/concepts/receiver).
 * Bolt calls `receiver.init(app)` in the App constructor; the receiver then calls
 * `await app.processEvent({ body, ack, retryNum?, retryReason? })` per request. `app.start()` only
 * calls `receiver.start()` — never call it when our own Hono server owns the socket; `app.init()`
 * (with `deferInitialization: true`) is what runs `auth.test`.
 *
 * Recommended (what tests/support/fake-slack.test.ts demonstrates as `FetchReceiver`): a ~60-line
 * custom receiver exposing `handle(req: Request): Promise<Response>`, mounted in Hono as
 * `hono.post('/slack/events', (c) => receiver.handle(c.req.raw))` — same shape as `telegramWebhook`,
 * so tests drive it with `hono.request(signedSlackRequest(...))` and no socket. Per request it:
 *   1. reads the RAW body text (`await req.text()`) — the signature covers the exact bytes, so
 *      never parse before verifying;
 *   2. verifies with Bolt's exported `verifySlackRequest` / `isValidSlackRequest` ({ signingSecret,
 *      body: raw, headers: { 'x-slack-signature', 'x-slack-request-timestamp': Number(...) } }).
 *      It rejects a bad/missing signature, an unknown version (not `v0=`), a non-numeric timestamp
 *      and a timestamp older than 5 minutes (it does NOT reject future timestamps). On failure
 *      answer 401 with no body and do not call Bolt — that is what Bolt's HTTPReceiver does;
 *   3. parses like Bolt's `HTTPModuleFunctions.parseHTTPRequestBody`: form-encoded → fields, or
 *      `JSON.parse(payload)` when there is a `payload` field (interactivity); else JSON. → 400 if bad;
 *   4. answers `url_verification` with `{ challenge }` and `ssl_check=1` with 200 itself (Bolt's
 *      HTTPReceiver does too; `ssl_check` is unsigned, so skip verification only for it);
 *   5. calls `app.processEvent({ body, ack, retryNum: x-slack-retry-num, retryReason:
 *      x-slack-retry-reason })` and turns the FIRST `ack(x)` into the HTTP response: no arg → 200
 *      empty, string → 200 text, object → 200 JSON (HTTPModuleFunctions.buildContentResponse).
 *      A second ack() must throw `ReceiverMultipleAckError`.
 * Ack semantics (App#processEvent): Events API events are acked BY BOLT before any middleware runs,
 * so the HTTP 200 goes out before `say()`; the listener keeps running after the response (await
 * `fake.waitFor(...)` in tests). Commands, actions, views, options are acked only by the listener's
 * own `ack()`; with no listener nobody acks → Bolt's HTTPReceiver answers 404 after 3001 ms
 * (`unhandledRequestTimeoutMillis`); ours answers 404 as soon as processEvent settles un-acked.
 * `processEvent` rejects when authorize fails (`AuthorizationError` → answer 401, the HTTPReceiver's
 * choice) or a listener throws and no `app.error()` handler swallows it (→ 500 if not yet acked,
 * otherwise just log). Slack itself retries an event not acked within 3 s, with
 * `x-slack-retry-num`/`x-slack-retry-reason` headers and the SAME `event_id` → dedupe on event_id.
 * Use `deferInitialization: true` + `await app.init()`: without it the App constructor fires
 * `auth.test` immediately and a failure becomes an unhandled rejection; with it, processEvent before
 * init() crashes (authorize is unset).
 *
 * Alternative that reuses Bolt's own code: `new HTTPReceiver({ signingSecret, endpoints:
 * '/slack/events' })` and call its public `receiver.requestListener(req, res)` with node
 * IncomingMessage/ServerResponse (under @hono/node-server: `c.env.incoming`, `c.env.outgoing`, then
 * return RESPONSE_ALREADY_SENT). Don't call `app.start()`/`app.stop()` (stop() rejects "not started").
 * Needs a real socket, so no `hono.request()` tests; the body must not have been read yet.
 *
 * WebClient (@slack/web-api 8.2, what Bolt's `client`/`say` use) → this server:
 *  - POST `${slackApiUrl}${method}`, `Authorization: Bearer <token>`, body
 *    `application/x-www-form-urlencoded` where non-scalar values (blocks, attachments, view, …) are
 *    JSON strings; undefined/null args are dropped; Buffers → multipart (not supported here).
 *    8.2 has no JSON-body option; JSON bodies (`application/json`, Slack accepts them) are parsed
 *    too, for raw fetch callers. Only HTTP 200 and 429 are meaningful; errors are HTTP 200
 *    `{ ok:false, error }` → WebAPIPlatformError (`err.data.error`).
 *  - HTTP 429 + `Retry-After: N`: emits `rate_limited`, then with `rejectRateLimitedCalls: true`
 *    throws WebAPIRateLimitedError (`retryAfter`) at once; otherwise pauses ITS WHOLE QUEUE N seconds
 *    and retries under `retryConfig` (p-retry; default 10 retries over ~30 min, min 1 s backoff on
 *    top of Retry-After). Retries exhausted → WebAPIRequestError ("A rate limit was exceeded …").
 *    429 without a numeric Retry-After → fails at once. For fast tests:
 *    `retryConfig: { retries: 2, minTimeout: 0, maxTimeout: 1 }` and `retryAfter: 0`.
 *  - `rateLimit({ perSecond, perChannelPerSecond, retryAfter })` turns on a mode that answers
 *    chat.postMessage / chat.update beyond those rates (sliding 1000 ms window) with the same 429.
 *
 * Behaviour copied from Slack because it catches real mistakes:
 *  - missing token → `not_authed`, wrong token → `invalid_auth` (HTTP 200); unknown method →
 *    `unknown_method`. (Real Slack says `not_authed` for a missing token, so this fake does too.)
 *  - Block Kit is validated on chat.postMessage / postEphemeral / update and response_url posts:
 *    ≤ 50 blocks (100 in a modal); known types section, context, actions, divider, header,
 *    rich_text, image, markdown (+ input in modals); text objects 1–3000 chars, `plain_text`|`mrkdwn`;
 *    section text ≤ 3000, fields ≤ 10 × ≤ 2000, needs text or fields; header plain_text ≤ 150;
 *    context 1–10 elements; actions 1–25 elements with unique action_ids; button text plain_text
 *    ≤ 75, action_id ≤ 255, value ≤ 2000, url ≤ 3000, style primary|danger; block_id ≤ 255 and
 *    unique. Errors: `{ ok:false, error:'invalid_blocks', errors:[…], response_metadata:{messages:
 *    ['[ERROR] …']} }` with Slack's wording, e.g. "must be less than 3001 characters
 *    [json-pointer:/blocks/0/text/text]", "no more than 50 items allowed [json-pointer:/blocks]".
 *    `blocks` that is not a JSON array → `invalid_blocks_format`. Lengths count code points.
 *  - top-level `text` over 40 000 chars → `msg_too_long`; no text, blocks or attachments → `no_text`.
 *  - channel must look like an ID (C…, D…, G…; a user ID U…/W… posts to the DM D…), else
 *    `channel_not_found`; chat.update of a ts this fake never issued → `message_not_found`
 *    (seed with `addMessage`); views.open checks trigger_id, view type/title/blocks →
 *    `invalid_arguments`.
 *  - response_url: POST JSON, answers 200 `{ok:true}`; invalid → 400 (`invalid_blocks`, `no_text`,
 *    `invalid_payload`); more than 5 posts to one URL → 404 `used_url`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createSocketModeServer, type FakeSlackSocket } from './fake-slack-socket.js';
import type { AddressInfo } from 'node:net';
import { checkRateLimitOptions, readBody, SlidingWindowLimiter } from './fake-base.js';
import { DEFAULT_APP_ID, DEFAULT_APP_TOKEN, DEFAULT_BOT_ID, DEFAULT_BOT_TOKEN, DEFAULT_BOT_USER_ID, DEFAULT_TEAM_ID, DEFAULT_USER_ID, type FakeSlack, type FakeSlackAcceptedSend, type FakeSlackMessage, type MethodHandler, RATE_LIMITED_METHODS, SlackApiError, type SlackCall, type SlackFailure, type StartFakeSlackOptions, TEAM_DOMAIN } from './fake-slack-types.js';
import { BlockValidator, chars, isObj, validateMessageBlocks } from './fake-slack-blocks.js';
import { BadRequest, parseParams } from './fake-slack-params.js';

// The fake's pieces live in their own files; tests import them all from here.
export * from './fake-slack-types.js';
export { validateMessageBlocks } from './fake-slack-blocks.js';
export * from './fake-slack-requests.js';

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

interface PendingFailure {
  failure: SlackFailure;
  remaining: number;
  channel?: string;
}

interface Waiter {
  method: string;
  count: number;
  resolve: (calls: SlackCall[]) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

const CHANNEL_ID = /^[CDG][A-Z0-9]{2,}$/;
const USER_ID = /^[UW][A-Z0-9]{2,}$/;
const MAX_TEXT = 40_000;
const RESPONSE_URL_USES = 5;

export async function startFakeSlack(opts: StartFakeSlackOptions = {}): Promise<FakeSlack> {
  const botToken = opts.botToken ?? DEFAULT_BOT_TOKEN;
  const appToken = opts.appToken ?? DEFAULT_APP_TOKEN;
  const botUserId = opts.botUserId ?? DEFAULT_BOT_USER_ID;
  const botId = opts.botId ?? DEFAULT_BOT_ID;
  const teamId = opts.teamId ?? DEFAULT_TEAM_ID;
  const appId = DEFAULT_APP_ID;

  const calls: SlackCall[] = [];
  const failures = new Map<string, PendingFailure[]>();
  const waiters = new Set<Waiter>();
  const messageStore = new Map<string, FakeSlackMessage>();
  const channelOverrides = new Map<string, Record<string, unknown>>();
  const userOverrides = new Map<string, Record<string, unknown>>();
  const handlers = new Map<string, MethodHandler>();
  const responseUrlUses = new Map<string, number>();
  let tsCounter = 0;
  let viewCounter = 0;
  let closed = false;
  let limiter: { window: SlidingWindowLimiter; retryAfter: number } | undefined;
  let lastLimiter: SlidingWindowLimiter | undefined; // readable after the mode is turned off
  let accepted: FakeSlackAcceptedSend[] = [];

  const nextTs = (): string => {
    tsCounter += 1;
    const micros = tsCounter * 100;
    return `${1_700_000_000 + Math.floor(micros / 1_000_000)}.${String(micros % 1_000_000).padStart(6, '0')}`;
  };

  // --- calls and waiters -----------------------------------------------------------------------

  const callsTo = (method: string): SlackCall[] => calls.filter((c) => c.method === method);

  const notify = (): void => {
    for (const w of [...waiters]) {
      const got = callsTo(w.method);
      if (got.length >= w.count) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(got);
      }
    }
  };

  const takeFailure = (method: string, params: Record<string, unknown>): SlackFailure | undefined => {
    const list = failures.get(method);
    if (!list) return undefined;
    const idx = list.findIndex((f) => f.channel === undefined || f.channel === params.channel);
    const f = list[idx];
    if (!f) return undefined;
    f.remaining -= 1;
    if (f.remaining <= 0) list.splice(idx, 1);
    return f.failure;
  };

  // --- answering -------------------------------------------------------------------------------

  const send = (res: ServerResponse, call: SlackCall, status: number, body: Record<string, unknown>, headers: Record<string, string> = {}): void => {
    call.status = status;
    call.response = body;
    if (status !== 200 || body.ok === false) {
      call.failed = true;
      if (typeof body.error === 'string') call.error = body.error;
    }
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
    notify();
  };

  // --- domain helpers --------------------------------------------------------------------------

  const resolveChannel = (channel: unknown): string => {
    if (typeof channel !== 'string' || channel === '') throw new SlackApiError('channel_not_found');
    if (CHANNEL_ID.test(channel)) return channel;
    if (USER_ID.test(channel)) return `D${channel.slice(1)}`;
    throw new SlackApiError('channel_not_found');
  };

  /** Slack's checks on a message payload; throws SlackApiError. */
  const checkMessage = (p: Record<string, unknown>, requireContent: boolean): void => {
    const blocksError = validateMessageBlocks(p.blocks);
    if (blocksError) throw new SlackApiError(String(blocksError.error), blocksError);
    if (typeof p.text === 'string' && chars(p.text) > MAX_TEXT) throw new SlackApiError('msg_too_long');
    const hasText = typeof p.text === 'string' && p.text.length > 0;
    const hasBlocks = Array.isArray(p.blocks) && p.blocks.length > 0;
    const hasAttachments = Array.isArray(p.attachments) && p.attachments.length > 0;
    if (requireContent && !hasText && !hasBlocks && !hasAttachments) throw new SlackApiError('no_text');
  };

  const channelInfo = (id: string): Record<string, unknown> => {
    const base: Record<string, unknown> = id.startsWith('D')
      ? { id, created: 1_690_000_000, is_im: true, is_org_shared: false, user: DEFAULT_USER_ID, is_user_deleted: false, priority: 0 }
      : {
          id,
          name: id.startsWith('G') ? `private-${id.toLowerCase()}` : `channel-${id.toLowerCase()}`,
          is_channel: id.startsWith('C'),
          is_group: id.startsWith('G'),
          is_im: false,
          is_mpim: false,
          is_private: id.startsWith('G'),
          created: 1_690_000_000,
          is_archived: false,
          is_general: false,
          is_member: true,
          is_shared: false,
          is_ext_shared: false,
          is_org_shared: false,
          context_team_id: teamId,
          creator: DEFAULT_USER_ID,
          topic: { value: '', creator: '', last_set: 0 },
          purpose: { value: '', creator: '', last_set: 0 },
        };
    return { ...base, ...channelOverrides.get(id) };
  };

  const userInfo = (id: string, includeLocale: boolean): Record<string, unknown> => {
    const isBot = id === botUserId;
    const name = isBot ? 'patent_bridge' : `user_${id.toLowerCase()}`;
    const realName = isBot ? 'Patent Bridge' : `Test User ${id}`;
    const base: Record<string, unknown> = {
      id,
      team_id: teamId,
      name,
      deleted: false,
      real_name: realName,
      tz: 'Asia/Shanghai',
      tz_label: 'China Standard Time',
      tz_offset: 28_800,
      is_admin: false,
      is_owner: false,
      is_bot: isBot,
      is_app_user: false,
      updated: 1_690_000_000,
      profile: {
        real_name: realName,
        display_name: isBot ? 'Patent Bridge' : name,
        ...(isBot ? { bot_id: botId } : {}),
        team: teamId,
      },
      ...(includeLocale ? { locale: 'zh-CN' } : {}),
    };
    return { ...base, ...userOverrides.get(id) };
  };

  const storeMessage = (m: FakeSlackMessage): FakeSlackMessage => {
    messageStore.set(`${m.channel}:${m.ts}`, m);
    return m;
  };

  const checkView = (view: unknown): Record<string, unknown> => {
    const errors: string[] = [];
    if (!isObj(view)) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: view'] } });
    const v = new BlockValidator('modal');
    if (view.type !== 'modal') errors.push('must be a valid enum value [json-pointer:/view/type]');
    v.text(view.title, '/view/title', 24, 'plain_text');
    if (view.submit !== undefined) v.text(view.submit, '/view/submit', 24, 'plain_text');
    if (view.close !== undefined) v.text(view.close, '/view/close', 24, 'plain_text');
    if (typeof view.callback_id === 'string' && chars(view.callback_id) > 255) errors.push('must be less than 256 characters [json-pointer:/view/callback_id]');
    if (typeof view.private_metadata === 'string' && chars(view.private_metadata) > 3000)
      errors.push('must be less than 3001 characters [json-pointer:/view/private_metadata]');
    const blocks = v.items(view.blocks, '/view/blocks', 100);
    if (blocks) v.blocks(blocks, '/view/blocks');
    errors.push(...v.errors);
    if (errors.length > 0) throw new SlackApiError('invalid_arguments', { response_metadata: { messages: errors.map((e) => `[ERROR] ${e}`) } });
    return view;
  };

  // --- methods ---------------------------------------------------------------------------------

  const builtins: Record<string, MethodHandler> = {
    'apps.connections.open': () => ({ url: socket.url() }),
    'auth.test': () => ({
      url: `https://${TEAM_DOMAIN}.slack.com/`,
      team: 'Patent Bridge Test',
      user: 'patent_bridge',
      team_id: teamId,
      user_id: botUserId,
      bot_id: botId,
      is_enterprise_install: false,
    }),

    'chat.postMessage': (p) => {
      checkMessage(p, true);
      const channel = resolveChannel(p.channel);
      const ts = nextTs();
      const threadTs = typeof p.thread_ts === 'string' && p.thread_ts !== '' ? p.thread_ts : undefined;
      const m = storeMessage({
        channel,
        ts,
        user: botUserId,
        bot_id: botId,
        ...(typeof p.text === 'string' ? { text: p.text } : {}),
        ...(Array.isArray(p.blocks) ? { blocks: p.blocks } : {}),
        ...(threadTs ? { thread_ts: threadTs } : {}),
      });
      return {
        channel,
        ts,
        message: {
          type: 'message',
          text: m.text ?? '',
          ...(m.blocks ? { blocks: m.blocks } : {}),
          ...(threadTs ? { thread_ts: threadTs } : {}),
          user: botUserId,
          bot_id: botId,
          app_id: appId,
          team: teamId,
          ts,
        },
      };
    },

    'chat.postEphemeral': (p) => {
      checkMessage(p, true);
      resolveChannel(p.channel);
      if (typeof p.user !== 'string' || !USER_ID.test(p.user)) throw new SlackApiError('user_not_in_channel');
      return { message_ts: nextTs() };
    },

    'chat.update': (p) => {
      checkMessage(p, false);
      const channel = resolveChannel(p.channel);
      if (typeof p.ts !== 'string' || p.ts === '') throw new SlackApiError('message_not_found');
      const m = messageStore.get(`${channel}:${p.ts}`);
      if (!m) throw new SlackApiError('message_not_found');
      if (m.user !== botUserId) throw new SlackApiError('cant_update_message');
      const hasText = typeof p.text === 'string';
      const hasBlocks = Array.isArray(p.blocks);
      if (!hasText && !hasBlocks && p.attachments === undefined) throw new SlackApiError('no_text');
      if (hasText) m.text = p.text as string;
      if (hasBlocks) m.blocks = p.blocks as unknown[];
      return {
        channel,
        ts: m.ts,
        text: m.text ?? '',
        message: { type: 'message', text: m.text ?? '', ...(m.blocks ? { blocks: m.blocks } : {}), user: botUserId, bot_id: botId, app_id: appId, team: teamId },
      };
    },

    'chat.delete': (p) => {
      const channel = resolveChannel(p.channel);
      const key = `${channel}:${String(p.ts)}`;
      if (!messageStore.has(key)) throw new SlackApiError('message_not_found');
      messageStore.delete(key);
      return { channel, ts: p.ts };
    },

    'views.open': (p) => {
      if (typeof p.trigger_id !== 'string' || p.trigger_id === '')
        throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] missing required field: trigger_id'] } });
      if (typeof p.view === 'string') throw new SlackApiError('invalid_arguments', { response_metadata: { messages: ['[ERROR] invalid json [json-pointer:/view]'] } });
      const view = checkView(p.view);
      viewCounter += 1;
      const id = `V${String(viewCounter).padStart(8, '0')}`;
      return {
        view: {
          id,
          team_id: teamId,
          type: 'modal',
          blocks: view.blocks,
          private_metadata: view.private_metadata ?? '',
          callback_id: view.callback_id ?? '',
          state: { values: {} },
          hash: `${Math.floor(Date.now() / 1000)}.${randomUUID().slice(0, 8)}`,
          title: view.title,
          clear_on_close: view.clear_on_close ?? false,
          notify_on_close: view.notify_on_close ?? false,
          close: view.close ?? null,
          submit: view.submit ?? null,
          previous_view_id: null,
          root_view_id: id,
          app_id: appId,
          external_id: view.external_id ?? '',
          app_installed_team_id: teamId,
          bot_id: botId,
        },
      };
    },

    'conversations.info': (p) => {
      if (typeof p.channel !== 'string' || !CHANNEL_ID.test(p.channel)) throw new SlackApiError('channel_not_found');
      return { channel: channelInfo(p.channel) };
    },

    'users.info': (p) => {
      if (typeof p.user !== 'string' || !USER_ID.test(p.user)) throw new SlackApiError('user_not_found');
      return { user: userInfo(p.user, p.include_locale === true) };
    },
  };

  // --- request handling ------------------------------------------------------------------------

  const handleApi = async (req: IncomingMessage, res: ServerResponse, method: string, query: URLSearchParams): Promise<void> => {
    const call: SlackCall = { method, params: {}, at: Date.now() };
    calls.push(call);
    const raw = (await readBody(req)).toString('utf8');
    let parsed: { params: Record<string, unknown>; json: boolean };
    try {
      parsed = parseParams(raw, String(req.headers['content-type'] ?? ''), query);
    } catch (e) {
      send(res, call, 200, { ok: false, error: e instanceof BadRequest ? e.message : 'invalid_form_data' });
      return;
    }
    const { token: bodyToken, ...params } = parsed.params;
    call.params = params;
    const auth = req.headers.authorization;
    const bearer = typeof auth === 'string' && /^Bearer\s+/i.test(auth) ? auth.replace(/^Bearer\s+/i, '').trim() : undefined;
    // Slack ignores a token in a JSON body; form bodies may carry it.
    const token = bearer ?? (!parsed.json && typeof bodyToken === 'string' ? bodyToken : undefined);
    if (token !== undefined) call.token = token;

    if (token === undefined || token === '') return send(res, call, 200, { ok: false, error: 'not_authed' });
    // Socket Mode's connection URL takes the app-level token and nothing else does, as on Slack.
    const wanted = method === 'apps.connections.open' ? appToken : botToken;
    if (token !== wanted) return send(res, call, 200, { ok: false, error: token === appToken || token === botToken ? 'not_allowed_token_type' : 'invalid_auth' });

    const failure = takeFailure(method, params);
    if (failure) {
      if ('status' in failure)
        return send(res, call, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter) });
      return send(res, call, 200, { ok: false, error: failure.error });
    }

    if (limiter && RATE_LIMITED_METHODS.has(method)) {
      const channel = typeof params.channel === 'string' && USER_ID.test(params.channel) ? `D${params.channel.slice(1)}` : params.channel;
      const key = typeof channel === 'string' && channel !== '' ? channel : undefined;
      const at = limiter.window.tryAccept(key, Date.now());
      if (at === undefined) {
        call.rateLimited = true;
        return send(res, call, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(limiter.retryAfter) });
      }
      accepted.push({ method, channel: key ?? '', text: typeof params.text === 'string' ? params.text : '', at });
    }

    const handler = handlers.get(method) ?? builtins[method];
    if (!handler) return send(res, call, 200, { ok: false, error: 'unknown_method', req_method: method });
    try {
      const out = handler(params, call);
      send(res, call, 200, { ok: true, ...out });
    } catch (e) {
      if (e instanceof SlackApiError) return send(res, call, 200, { ok: false, error: e.error, ...e.extra });
      send(res, call, 200, { ok: false, error: 'fatal_error', detail: (e as Error).message });
    }
  };

  const handleResponseUrl = async (req: IncomingMessage, res: ServerResponse, id: string): Promise<void> => {
    const call: SlackCall = { method: 'response_url', params: { response_url_id: id }, at: Date.now() };
    calls.push(call);
    const raw = (await readBody(req)).toString('utf8');
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      return send(res, call, 400, { ok: false, error: 'invalid_payload' });
    }
    if (!isObj(body)) return send(res, call, 400, { ok: false, error: 'invalid_payload' });
    call.params = { ...body, response_url_id: id };
    const failure = takeFailure('response_url', call.params);
    if (failure) {
      if ('status' in failure) return send(res, call, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(failure.retryAfter) });
      return send(res, call, 404, { ok: false, error: failure.error });
    }
    const uses = (responseUrlUses.get(id) ?? 0) + 1;
    responseUrlUses.set(id, uses);
    if (uses > RESPONSE_URL_USES) return send(res, call, 404, { ok: false, error: 'used_url' });
    try {
      checkMessage(body, body.delete_original !== true);
    } catch (e) {
      if (e instanceof SlackApiError) return send(res, call, 400, { ok: false, error: e.error, ...e.extra });
      throw e;
    }
    send(res, call, 200, { ok: true });
  };

  const socket = createSocketModeServer(() => url, appId);
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const api = /^\/api\/([A-Za-z0-9_.]+)$/.exec(url.pathname);
    const resp = /^\/response\/([^/]+)$/.exec(url.pathname);
    let work: Promise<void>;
    if (api?.[1] && (req.method === 'POST' || req.method === 'GET')) work = handleApi(req, res, api[1], url.searchParams);
    else if (resp?.[1] && req.method === 'POST') work = handleResponseUrl(req, res, decodeURIComponent(resp[1]));
    else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    work.catch((e: unknown) => {
      if (!res.headersSent) {
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(e));
      }
    });
  });

  server.on('upgrade', (req, sock, head) => socket.handleUpgrade(req, sock, head));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  let responseCounter = 0;

  return {
    url,
    botToken,
    appToken,
    socket,
    botUserId,
    botId,
    teamId,
    appId,
    calls,
    callsTo,
    failNext(method, failure, o = {}) {
      const list = failures.get(method) ?? [];
      list.push({ failure, remaining: o.times ?? 1, ...(o.channel !== undefined ? { channel: o.channel } : {}) });
      failures.set(method, list);
    },
    waitFor(method, count = 1, timeoutMs = 5000) {
      const got = callsTo(method);
      if (got.length >= count) return Promise.resolve(got);
      if (closed) return Promise.reject(new Error('fake Slack is closed'));
      return new Promise<SlackCall[]>((resolve, reject) => {
        const waiter: Waiter = {
          method,
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            const seen = calls.map((c) => c.method).join(', ') || 'nothing';
            reject(new Error(`waitFor(${method}, ${count}): got ${callsTo(method).length} after ${timeoutMs} ms; calls: ${seen}`));
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },
    responseUrl(id) {
      responseCounter += 1;
      return `${url}/response/${encodeURIComponent(id ?? `r${responseCounter}`)}`;
    },
    messages(channel) {
      return [...messageStore.values()].filter((m) => channel === undefined || m.channel === channel);
    },
    addMessage(m) {
      return storeMessage({
        channel: m.channel,
        ts: m.ts ?? nextTs(),
        user: m.user ?? botUserId,
        ...(m.user === undefined || m.user === botUserId ? { bot_id: botId } : {}),
        ...(m.text !== undefined ? { text: m.text } : {}),
        ...(m.blocks !== undefined ? { blocks: m.blocks } : {}),
        ...(m.thread_ts !== undefined ? { thread_ts: m.thread_ts } : {}),
      });
    },
    setChannel(id, info) {
      channelOverrides.set(id, { ...channelOverrides.get(id), ...info });
    },
    setUser(id, info) {
      userOverrides.set(id, { ...userOverrides.get(id), ...info });
    },
    on(method, handler) {
      handlers.set(method, handler);
    },
    rateLimit(o) {
      if (o === undefined) {
        limiter = undefined;
        return;
      }
      checkRateLimitOptions({ ...o });
      const window = new SlidingWindowLimiter(o.perSecond, o.perChannelPerSecond);
      limiter = { window, retryAfter: o.retryAfter ?? 1 };
      lastLimiter = window;
      accepted = [];
    },
    rateLimited: () => lastLimiter?.refused ?? 0,
    maxInWindow: () => lastLimiter?.max ?? 0,
    acceptedSends: () => [...accepted],
    async close() {
      if (closed) return;
      closed = true;
      for (const w of [...waiters]) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(new Error(`fake Slack closed while waiting for ${w.method}`));
      }
      socket.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

