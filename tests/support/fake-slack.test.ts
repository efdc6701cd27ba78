/**
 * The fake Slack Web API and the request signer, driven by the REAL Bolt App and WebClient.
 *
 * Also the reference for feeding raw HTTP into Bolt from our own (Hono) server: `FetchReceiver`
 * below is the custom-receiver pattern recommended at the top of fake-slack.ts.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Hono } from 'hono';
import {
  App,
  AuthorizationError,
  HTTPReceiver,
  LogLevel,
  ReceiverMultipleAckError,
  isValidSlackRequest,
  verifySlackRequest,
  webApi,
  type BlockAction,
  type ButtonAction,
  type Logger,
  type Receiver,
} from '@slack/bolt';
import {
  blockActionBody,
  eventBody,
  signedSlackRequest,
  signSlackRequest,
  slashCommandBody,
  startFakeSlack,
  urlVerificationBody,
  type FakeSlack,
} from './fake-slack.js';

const SECRET = 'test-signing-secret-0123456789abcdef';
const EVENTS_URL = 'http://bridge.test/slack/events';

// ---------------------------------------------------------------------------------------------
// A quiet logger that remembers what Bolt and WebClient said
// ---------------------------------------------------------------------------------------------

interface MemoryLogger extends Logger {
  lines: { level: string; text: string }[];
}

function memoryLogger(): MemoryLogger {
  const lines: { level: string; text: string }[] = [];
  let level: LogLevel = LogLevel.DEBUG;
  const at =
    (name: string) =>
    (...msg: unknown[]): void => {
      lines.push({ level: name, text: msg.map((m) => (m instanceof Error ? m.message : String(m))).join(' ') });
    };
  return {
    lines,
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    setLevel: (l: LogLevel) => {
      level = l;
    },
    getLevel: () => level,
    setName: () => {},
  };
}

// ---------------------------------------------------------------------------------------------
// The receiver pattern: Web Request in, Web Response out, Bolt's own verification and processEvent
// ---------------------------------------------------------------------------------------------

class FetchReceiver implements Receiver {
  private app: App | undefined;

  constructor(private readonly opts: { signingSecret: string; logger: Logger; unhandledRequestTimeoutMillis?: number }) {}

  init(app: App): void {
    this.app = app;
  }

  // Our HTTP server owns the socket; Bolt's app.start()/stop() have nothing to do.
  async start(): Promise<void> {}
  async stop(): Promise<void> {}

  async handle(req: Request): Promise<Response> {
    const app = this.app;
    if (!app) return new Response(null, { status: 503 });
    const { logger, signingSecret } = this.opts;
    const raw = await req.text();
    const contentType = (req.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    const form = contentType === 'application/x-www-form-urlencoded' ? new URLSearchParams(raw) : undefined;
    // Slack's unsigned SSL check (Bolt answers it before verification too).
    if (form?.get('ssl_check') === '1') return new Response(null, { status: 200 });

    const verified = isValidSlackRequest({
      signingSecret,
      body: raw,
      headers: {
        'x-slack-signature': req.headers.get('x-slack-signature') ?? '',
        'x-slack-request-timestamp': Number(req.headers.get('x-slack-request-timestamp')),
      },
      logger,
    });
    if (!verified) {
      logger.warn('Slack request failed signature verification');
      return new Response(null, { status: 401 });
    }

    let body: Record<string, unknown>;
    try {
      const payload = form?.get('payload');
      body = form ? (typeof payload === 'string' ? JSON.parse(payload) : Object.fromEntries(form)) : JSON.parse(raw);
    } catch {
      return new Response(null, { status: 400 });
    }
    if (body.type === 'url_verification') return Response.json({ challenge: body.challenge });

    const retryNum = req.headers.get('x-slack-retry-num');
    const retryReason = req.headers.get('x-slack-retry-reason');
    return new Promise<Response>((resolve) => {
      let acked = false;
      let answered = false;
      const answer = (r: Response): void => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        resolve(r);
      };
      const timer = setTimeout(() => {
        logger.error('An incoming request was not acknowledged within 3 seconds');
        answer(new Response(null, { status: 404 }));
      }, this.opts.unhandledRequestTimeoutMillis ?? 3001);
      const ack = async (response?: unknown): Promise<void> => {
        if (acked) throw new ReceiverMultipleAckError();
        acked = true;
        if (!response) answer(new Response(null, { status: 200 }));
        else if (typeof response === 'string') answer(new Response(response, { status: 200 }));
        else answer(Response.json(response));
      };
      app
        .processEvent({
          body,
          ack,
          ...(retryNum !== null ? { retryNum: Number(retryNum) } : {}),
          ...(retryReason !== null ? { retryReason } : {}),
        })
        .then(
          () => {
            if (!acked) answer(new Response(null, { status: 404 })); // no listener acked (e.g. no app.action for it)
          },
          (error: unknown) => {
            if (answered) {
              logger.error('Unhandled error after ack()', error);
              return;
            }
            answer(new Response(null, { status: error instanceof AuthorizationError ? 401 : 500 }));
          },
        );
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------------------------

let fake: FakeSlack;
let logger: MemoryLogger;
let receiver: FetchReceiver;
let app: App;
let hono: Hono;

/** Fast retries: Retry-After (0 in most tests) is the only wait. */
const FAST_RETRY = { retries: 2, minTimeout: 0, maxTimeout: 1 };

beforeEach(async () => {
  fake = await startFakeSlack();
  logger = memoryLogger();
});

afterEach(async () => {
  await fake.close();
});

/** POST a signed body to the Hono app, as Slack would. */
function post(body: string, secret = SECRET, init: Parameters<typeof signedSlackRequest>[3] = {}): Promise<Response> {
  return Promise.resolve(hono.request(signedSlackRequest(EVENTS_URL, body, secret, init)));
}

function client(token = fake.botToken, extra: Record<string, unknown> = {}): InstanceType<typeof webApi.WebClient> {
  return new webApi.WebClient(token, { slackApiUrl: `${fake.url}/api/`, logger, retryConfig: FAST_RETRY, ...extra });
}

/** The ok:false answer a Web API call rejects with. */
async function platformError(p: Promise<unknown>): Promise<Record<string, unknown>> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(webApi.WebAPIPlatformError);
    return (error as InstanceType<typeof webApi.WebAPIPlatformError>).data as unknown as Record<string, unknown>;
  }
  throw new Error('expected the call to fail');
}

const section = (text: string) => ({ type: 'section' as const, text: { type: 'mrkdwn' as const, text } });
const button = (action_id: string, text = 'Go', value = 'v') => ({
  type: 'button' as const,
  action_id,
  text: { type: 'plain_text' as const, text },
  value,
});

// ---------------------------------------------------------------------------------------------
// Signer
// ---------------------------------------------------------------------------------------------

describe('signSlackRequest', () => {
  it("reproduces Slack's documented example signature", () => {
    // https://api.slack.com/authentication/verifying-requests-from-slack (worked example)
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest(body, '8f742231b10e8888abcd99yyyzzz85a5', 1531420618)).toEqual({
      'x-slack-request-timestamp': '1531420618',
      'x-slack-signature': 'v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503',
    });
  });

  it("passes Bolt's verifySlackRequest, and a changed byte does not", () => {
    const body = eventBody({ type: 'message', text: '你好' });
    const h = signSlackRequest(body, SECRET);
    const headers = { 'x-slack-signature': h['x-slack-signature']!, 'x-slack-request-timestamp': Number(h['x-slack-request-timestamp']) };
    expect(() => verifySlackRequest({ signingSecret: SECRET, body, headers })).not.toThrow();
    expect(() => verifySlackRequest({ signingSecret: SECRET, body: body.replace('你好', '你坏'), headers })).toThrow(/signature mismatch/);
    expect(() => verifySlackRequest({ signingSecret: SECRET, body, headers, nowMilliseconds: Date.now() + 301_000 })).toThrow(/stale/);
  });

  it('builds bodies shaped like Slack’s', () => {
    const ev = JSON.parse(eventBody({ type: 'message', text: 'hi', threadTs: '1.2' })) as Record<string, any>;
    expect(ev).toMatchObject({
      type: 'event_callback',
      team_id: 'T0001',
      api_app_id: 'A0001',
      authorizations: [{ user_id: 'UBOT0001', is_bot: true, team_id: 'T0001' }],
      event: { type: 'message', text: 'hi', user: 'U0001', channel: 'D0001', channel_type: 'im', thread_ts: '1.2' },
    });
    expect(ev.event_id).toMatch(/^Ev[0-9A-F]+$/);
    expect(ev.event.ts).toBe(ev.event.event_ts);

    const cmd = new URLSearchParams(slashCommandBody({ text: '专利 电池' }));
    expect(cmd.get('command')).toBe('/patent');
    expect(cmd.get('text')).toBe('专利 电池');
    expect(slashCommandBody({ text: 'a b' })).toContain('command=%2Fpatent&text=a+b&');

    const act = JSON.parse(new URLSearchParams(blockActionBody({ actionId: 'approve', value: 'P-1' })).get('payload')!) as Record<string, any>;
    expect(act).toMatchObject({
      type: 'block_actions',
      user: { id: 'U0001' },
      channel: { id: 'D0001' },
      container: { type: 'message', channel_id: 'D0001', message_ts: '1700000000.000100' },
      actions: [{ type: 'button', action_id: 'approve', value: 'P-1' }],
      team: { id: 'T0001' },
      api_app_id: 'A0001',
    });
    expect(act.actions[0].block_id).toBe(act.message.blocks[0].block_id);
  });
});

// ---------------------------------------------------------------------------------------------
// The Web API, straight through WebClient
// ---------------------------------------------------------------------------------------------

describe('fake Slack Web API', () => {
  it('answers auth.test and records form-encoded calls with JSON values decoded', async () => {
    const web = client();
    const me = await web.auth.test();
    expect(me).toMatchObject({ ok: true, user_id: 'UBOT0001', bot_id: 'BBOT0001', team_id: 'T0001', is_enterprise_install: false });
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    const blocks = [section('*hello*'), { type: 'divider' }];
    const first = await web.chat.postMessage({ channel: 'C0001', text: 'hello', blocks, unfurl_links: false, mrkdwn: true });
    const second = await web.chat.postMessage({ channel: 'C0001', text: 'again', thread_ts: first.ts! });
    expect(first).toMatchObject({ ok: true, channel: 'C0001', ts: '1700000000.000100', message: { text: 'hello', blocks, user: 'UBOT0001', bot_id: 'BBOT0001' } });
    expect(second.ts).toBe('1700000000.000200');
    expect(second.message).toMatchObject({ thread_ts: first.ts });

    const call = fake.callsTo('chat.postMessage')[0]!;
    expect(call).toMatchObject({ method: 'chat.postMessage', token: fake.botToken, status: 200, params: { channel: 'C0001', text: 'hello', blocks, unfurl_links: false, mrkdwn: true } });
    expect(call.params).not.toHaveProperty('token');
    expect(call.failed).toBeUndefined();
    expect(fake.messages('C0001').map((m) => m.text)).toEqual(['hello', 'again']);
  });

  it('accepts JSON bodies with a bearer token, and a token form field', async () => {
    const json = await fetch(`${fake.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${fake.botToken}` },
      body: JSON.stringify({ channel: 'C0001', text: 'json', blocks: [section('x')] }),
    });
    expect(await json.json()).toMatchObject({ ok: true, channel: 'C0001' });
    expect(fake.callsTo('chat.postMessage')[0]!.params.blocks).toEqual([section('x')]);

    const form = await fetch(`${fake.url}/api/auth.test`, { method: 'POST', body: new URLSearchParams({ token: fake.botToken }) });
    expect(await form.json()).toMatchObject({ ok: true });
  });

  it('rejects missing and wrong tokens, and unknown methods, with HTTP 200', async () => {
    expect(await platformError(client('xoxb-wrong').auth.test())).toMatchObject({ ok: false, error: 'invalid_auth' });
    const missing = await fetch(`${fake.url}/api/auth.test`, { method: 'POST' });
    expect(missing.status).toBe(200);
    expect(await missing.json()).toEqual({ ok: false, error: 'not_authed' });
    expect(await platformError(client().apiCall('patents.search', {}))).toMatchObject({ error: 'unknown_method' });
    expect(fake.calls.map((c) => [c.method, c.failed])).toEqual([
      ['auth.test', true],
      ['auth.test', true],
      ['patents.search', true],
    ]);
  });

  it('fails the next calls on request, optionally for one channel only', async () => {
    const web = client();
    fake.failNext('chat.postMessage', { error: 'not_in_channel' }, { channel: 'C0002' });
    fake.failNext('users.info', { error: 'account_inactive' }, { times: 2 });
    await web.chat.postMessage({ channel: 'C0001', text: 'fine' });
    expect(await platformError(web.chat.postMessage({ channel: 'C0002', text: 'nope' }))).toMatchObject({ error: 'not_in_channel' });
    await web.chat.postMessage({ channel: 'C0002', text: 'fine now' });
    expect(await platformError(web.users.info({ user: 'U0001' }))).toMatchObject({ error: 'account_inactive' });
    expect(await platformError(web.users.info({ user: 'U0001' }))).toMatchObject({ error: 'account_inactive' });
    expect((await web.users.info({ user: 'U0001' })).user).toMatchObject({ id: 'U0001', tz: 'Asia/Shanghai', is_bot: false });
    expect(await platformError(web.chat.postMessage({ channel: 'general', text: 'x' }))).toMatchObject({ error: 'channel_not_found' });
  });

  it('retries a 429 after Retry-After seconds, then succeeds', async () => {
    const web = client();
    const limited: number[] = [];
    web.on(webApi.WebClientEvent.RATE_LIMITED, (sec: number) => limited.push(sec));
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 });
    const res = await web.chat.postMessage({ channel: 'C0001', text: 'patient' });
    expect(res.ok).toBe(true);
    const [a, b] = fake.callsTo('chat.postMessage');
    expect(a).toMatchObject({ status: 429, failed: true, error: 'ratelimited' });
    expect(b).toMatchObject({ status: 200, params: { text: 'patient' } });
    expect(b!.at - a!.at).toBeGreaterThanOrEqual(950);
    expect(limited).toEqual([1]);
  });

  it('throws on 429 with rejectRateLimitedCalls, or once retries run out', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 7 });
    const err = await client(fake.botToken, { rejectRateLimitedCalls: true })
      .chat.postMessage({ channel: 'C0001', text: 'x' })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(webApi.WebAPIRateLimitedError);
    expect(err).toMatchObject({ code: 'slack_webapi_rate_limited_error', retryAfter: 7 });
    expect(fake.callsTo('chat.postMessage')).toHaveLength(1);

    fake.failNext('chat.postMessage', { status: 429, retryAfter: 0 }, { times: 10 });
    const exhausted = await client(fake.botToken, { retryConfig: { retries: 1, minTimeout: 0, maxTimeout: 1 } })
      .chat.postMessage({ channel: 'C0001', text: 'x' })
      .catch((e: unknown) => e);
    expect(exhausted).toBeInstanceOf(webApi.WebAPIRequestError);
    expect(String((exhausted as Error).message)).toMatch(/A rate limit was exceeded/);
    expect(fake.callsTo('chat.postMessage')).toHaveLength(3); // 1 rejected + 2 attempts
  });

  it('validates Block Kit like Slack: 51 blocks, a 3001-character section', async () => {
    const web = client();
    const tooMany = await platformError(web.chat.postMessage({ channel: 'C0001', text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) }));
    expect(tooMany).toMatchObject({ ok: false, error: 'invalid_blocks', errors: ['no more than 50 items allowed [json-pointer:/blocks]'] });
    expect(tooMany.response_metadata).toMatchObject({ messages: ['[ERROR] no more than 50 items allowed [json-pointer:/blocks]'] });

    const long = await platformError(web.chat.postMessage({ channel: 'C0001', text: 'x', blocks: [section('字'.repeat(3001))] }));
    expect(long).toMatchObject({ error: 'invalid_blocks', errors: ['must be less than 3001 characters [json-pointer:/blocks/0/text/text]'] });

    await web.chat.postMessage({ channel: 'C0001', text: 'x', blocks: [section('字'.repeat(3000)), ...Array.from({ length: 49 }, () => ({ type: 'divider' }))] });
    expect(fake.callsTo('chat.postMessage').map((c) => c.error ?? 'ok')).toEqual(['invalid_blocks', 'invalid_blocks', 'ok']);
  });

  it('validates headers, buttons, actions, context, ids and types', async () => {
    const web = client();
    const errorsOf = async (blocks: unknown[]) =>
      (await platformError(web.apiCall('chat.postMessage', { channel: 'C0001', text: 'x', blocks }))).errors as string[];

    expect(await errorsOf([{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }])).toEqual([
      'must be less than 151 characters [json-pointer:/blocks/0/text/text]',
    ]);
    expect(await errorsOf([{ type: 'header', text: { type: 'mrkdwn', text: '*h*' } }])).toEqual(['must be a valid enum value [json-pointer:/blocks/0/text/type]']);
    expect(await errorsOf([{ type: 'actions', elements: [button('a', 'b'.repeat(76), 'v'.repeat(2001))] }])).toEqual([
      'must be less than 76 characters [json-pointer:/blocks/0/elements/0/text/text]',
      'must be less than 2001 characters [json-pointer:/blocks/0/elements/0/value]',
    ]);
    expect(await errorsOf([{ type: 'actions', elements: [button('a'.repeat(256))] }])).toEqual([
      'must be less than 256 characters [json-pointer:/blocks/0/elements/0/action_id]',
    ]);
    expect(await errorsOf([{ type: 'actions', elements: Array.from({ length: 26 }, (_, i) => button(`b${i}`)) }])).toEqual([
      'no more than 25 items allowed [json-pointer:/blocks/0/elements]',
    ]);
    expect(await errorsOf([{ type: 'actions', elements: [button('same'), button('same')] }])).toEqual([
      'duplicate action_id: same [json-pointer:/blocks/0/elements/1/action_id]',
    ]);
    expect(await errorsOf([{ type: 'context', elements: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'c' })) }])).toEqual([
      'no more than 10 items allowed [json-pointer:/blocks/0/elements]',
    ]);
    expect(await errorsOf([{ ...section('a'), block_id: 'x' }, { ...section('b'), block_id: 'x' }, { type: 'divider', block_id: 'y'.repeat(256) }])).toEqual([
      'duplicate block_id: x [json-pointer:/blocks/1/block_id]',
      'must be less than 256 characters [json-pointer:/blocks/2/block_id]',
    ]);
    expect(await errorsOf([{ type: 'carousel' }, { type: 'section' }, section('')])).toEqual([
      'unsupported type: carousel [json-pointer:/blocks/0/type]',
      'must provide either text or fields [json-pointer:/blocks/1]',
      'must be more than 0 characters [json-pointer:/blocks/2/text/text]',
    ]);
    // Known types pass.
    await web.apiCall('chat.postMessage', {
      channel: 'C0001',
      text: 'ok',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: '专利', emoji: true } },
        { ...section('s'), accessory: button('more') },
        { type: 'context', elements: [{ type: 'mrkdwn', text: 'c' }] },
        { type: 'actions', elements: [button('a'), { ...button('b'), style: 'primary', url: 'https://example.com' }] },
        { type: 'rich_text', elements: [] },
        { type: 'divider' },
      ],
    });
  });

  it('answers msg_too_long, no_text and invalid_blocks_format', async () => {
    const web = client();
    expect(await platformError(web.chat.postMessage({ channel: 'C0001', text: 'a'.repeat(40_001) }))).toMatchObject({ error: 'msg_too_long' });
    await web.chat.postMessage({ channel: 'C0001', text: 'a'.repeat(40_000) });
    expect(await platformError(web.chat.postMessage({ channel: 'C0001', text: '' }))).toMatchObject({ error: 'no_text' });
    const raw = await fetch(`${fake.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.botToken}` },
      body: new URLSearchParams({ channel: 'C0001', text: 'x', blocks: '[{"type":' }),
    });
    expect(await raw.json()).toEqual({ ok: false, error: 'invalid_blocks_format' });
  });

  it('updates only messages it knows, posts ephemerals, opens views, describes channels and users', async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: 'U0042', text: 'to a user' });
    expect(posted.channel).toBe('D0042');
    const updated = await web.chat.update({ channel: 'D0042', ts: posted.ts!, text: 'edited' });
    expect(updated).toMatchObject({ ok: true, channel: 'D0042', ts: posted.ts, text: 'edited' });
    expect(await platformError(web.chat.update({ channel: 'D0042', ts: '1.000001', text: 'x' }))).toMatchObject({ error: 'message_not_found' });
    const seeded = fake.addMessage({ channel: 'C0001', text: 'old' });
    await web.chat.update({ channel: 'C0001', ts: seeded.ts, text: 'new' });
    expect(fake.messages('C0001')[0]!.text).toBe('new');

    expect(await web.chat.postEphemeral({ channel: 'C0001', user: 'U0001', text: 'psst' })).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/) });

    const view = { type: 'modal' as const, title: { type: 'plain_text' as const, text: '检索' }, blocks: [section('x')] };
    expect(await web.views.open({ trigger_id: '1.2.abc', view })).toMatchObject({ ok: true, view: { type: 'modal', title: view.title, blocks: view.blocks, id: 'V00000001' } });
    const badView = await platformError(web.views.open({ trigger_id: '1.2.abc', view: { ...view, title: { type: 'plain_text', text: 't'.repeat(25) } } }));
    expect(badView).toMatchObject({ error: 'invalid_arguments', response_metadata: { messages: ['[ERROR] must be less than 25 characters [json-pointer:/view/title/text]'] } });

    expect((await web.conversations.info({ channel: 'D0001' })).channel).toMatchObject({ id: 'D0001', is_im: true });
    fake.setChannel('C0009', { name: 'patents' });
    expect((await web.conversations.info({ channel: 'C0009' })).channel).toMatchObject({ id: 'C0009', name: 'patents', is_channel: true, is_member: true });
    expect((await web.users.info({ user: fake.botUserId })).user).toMatchObject({ is_bot: true });
    expect(await platformError(web.users.info({ user: 'nobody' }))).toMatchObject({ error: 'user_not_found' });
  });

  it('serves response_url posts: records them, validates, allows five uses', async () => {
    const url = fake.responseUrl('cmd1');
    expect(url).toBe(`${fake.url}/response/cmd1`);
    const send = (body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const ok = await send({ text: 'hi', response_type: 'ephemeral' });
    expect([ok.status, await ok.json()]).toEqual([200, { ok: true }]);
    expect(fake.callsTo('response_url')[0]).toMatchObject({ params: { text: 'hi', response_type: 'ephemeral', response_url_id: 'cmd1' } });
    const bad = await send({ text: 'x', blocks: [section('y'.repeat(3001))] });
    expect([bad.status, ((await bad.json()) as { error: string }).error]).toEqual([400, 'invalid_blocks']);
    for (let i = 0; i < 4; i += 1) await send({ text: `${i}` });
    const used = await send({ text: 'sixth' });
    expect([used.status, await used.json()]).toEqual([404, { ok: false, error: 'used_url' }]);
  });

  it('waitFor resolves on arrival and rejects on timeout or close', async () => {
    const waiting = fake.waitFor('chat.postMessage', 2, 2000);
    const web = client();
    await web.chat.postMessage({ channel: 'C0001', text: '1' });
    await web.chat.postMessage({ channel: 'C0001', text: '2' });
    expect((await waiting).map((c) => c.params.text)).toEqual(['1', '2']);
    await expect(fake.waitFor('views.open', 1, 50)).rejects.toThrow(/waitFor\(views.open, 1\): got 0 after 50 ms; calls: chat.postMessage, chat.postMessage/);
    const pending = fake.waitFor('views.open');
    await fake.close();
    await expect(pending).rejects.toThrow(/closed/);
  });
});

// ---------------------------------------------------------------------------------------------
// The real Bolt App behind our own HTTP entry point
// ---------------------------------------------------------------------------------------------

describe('Bolt App with a custom receiver, against the fake', () => {
  beforeEach(async () => {
    receiver = new FetchReceiver({ signingSecret: SECRET, logger });
    app = new App({
      token: fake.botToken,
      receiver,
      logger,
      deferInitialization: true, // then `await app.init()` runs auth.test, and a failure rejects here
      clientOptions: { slackApiUrl: `${fake.url}/api/`, retryConfig: FAST_RETRY },
    });
    await app.init();
    hono = new Hono();
    hono.post('/slack/events', (c) => receiver.handle(c.req.raw));
  });

  it('app.init() verifies the token with auth.test once', () => {
    expect(fake.callsTo('auth.test')).toHaveLength(1);
    expect(fake.callsTo('auth.test')[0]).toMatchObject({ token: fake.botToken, status: 200 });
    expect(fake.callsTo('auth.test')[0]!.failed).toBeUndefined();
  });

  it('answers url_verification with the challenge', async () => {
    const res = await post(urlVerificationBody('3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P'));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('delivers a signed DM to app.message, acks at once, and say() reaches chat.postMessage', async () => {
    const seen: { text?: string; user?: string; channel: string; botUserId?: string }[] = [];
    app.message(async ({ message, say, context }) => {
      const m = message as { text?: string; user?: string; channel: string; ts: string };
      seen.push({ text: m.text, user: m.user, channel: m.channel, botUserId: context.botUserId });
      await say({ text: `收到：${m.text}`, thread_ts: m.ts });
    });
    const body = eventBody({ type: 'message', text: '查一下锂电池专利', user: 'U0042', ts: '1718000000.000100' });
    const res = await post(body);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const [call] = await fake.waitFor('chat.postMessage');
    expect(call!.params).toMatchObject({ channel: 'D0001', text: '收到：查一下锂电池专利', thread_ts: '1718000000.000100' });
    expect(seen).toEqual([{ text: '查一下锂电池专利', user: 'U0042', channel: 'D0001', botUserId: 'UBOT0001' }]);
  });

  it("ignores the bot's own messages (Bolt's ignoreSelf)", async () => {
    let ran = 0;
    app.message(async () => {
      ran += 1;
    });
    const res = await post(eventBody({ type: 'message', text: 'echo', user: fake.botUserId, botId: fake.botId }));
    expect(res.status).toBe(200);
    await post(eventBody({ type: 'message', text: 'from a human' }));
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(1);
  });

  it('delivers app_mention to app.event and passes Slack retry headers into context', async () => {
    const got: { text: string; retryNum?: number; retryReason?: string }[] = [];
    app.event('app_mention', async ({ event, context, say }) => {
      got.push({ text: event.text, retryNum: context.retryNum, retryReason: context.retryReason });
      await say({ text: 'hi', thread_ts: event.thread_ts ?? event.ts });
    });
    const res = await post(eventBody({ type: 'app_mention', text: '<@UBOT0001> 你好', channel: 'C0007' }), SECRET, { retryNum: 1, retryReason: 'http_timeout' });
    expect(res.status).toBe(200);
    const [call] = await fake.waitFor('chat.postMessage');
    expect(call!.params.channel).toBe('C0007');
    expect(got).toEqual([{ text: '<@UBOT0001> 你好', retryNum: 1, retryReason: 'http_timeout' }]);
  });

  it('acks a slash command (empty, or with a body) and respond() posts to response_url', async () => {
    app.command('/patent', async ({ command, ack, respond }) => {
      if (command.text === 'quick') {
        await ack({ response_type: 'ephemeral', text: '马上好' });
        return;
      }
      await ack();
      await respond({ response_type: 'ephemeral', text: `检索：${command.text}` });
    });
    const res = await post(slashCommandBody({ text: '石墨烯', responseUrl: fake.responseUrl('c1') }));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('');
    const [call] = await fake.waitFor('response_url');
    expect(call!.params).toEqual({ response_type: 'ephemeral', text: '检索：石墨烯', response_url_id: 'c1' });

    const quick = await post(slashCommandBody({ text: 'quick' }));
    expect(quick.status).toBe(200);
    expect(await quick.json()).toEqual({ response_type: 'ephemeral', text: '马上好' });
  });

  it('routes a block action to app.action; the listener acks, updates the message and responds', async () => {
    const posted = await app.client.chat.postMessage({
      channel: 'D0001',
      text: '专利 CN123 — 感兴趣？',
      blocks: [section('专利 CN123'), { type: 'actions', block_id: 'b1', elements: [button('interest', '感兴趣', 'CN123')] }],
    });
    const values: (string | undefined)[] = [];
    app.action<BlockAction<ButtonAction>>('interest', async ({ ack, action, body, client, respond }) => {
      await ack();
      values.push(action.value);
      await client.chat.update({ channel: body.channel!.id, ts: body.message!.ts, text: '已记录', blocks: [section('已记录')] });
      await respond({ text: '谢谢', replace_original: false });
    });
    const res = await post(
      blockActionBody({ actionId: 'interest', value: 'CN123', blockId: 'b1', messageTs: posted.ts!, channelId: 'D0001', responseUrl: fake.responseUrl() }),
    );
    expect(res.status).toBe(200);
    await fake.waitFor('response_url');
    expect(values).toEqual(['CN123']);
    expect(fake.callsTo('chat.update')[0]).toMatchObject({ status: 200, params: { channel: 'D0001', ts: posted.ts, text: '已记录' } });
    expect(fake.messages('D0001')[0]!.text).toBe('已记录');
  });

  it('answers 404 when no listener acks an interaction', async () => {
    const res = await post(blockActionBody({ actionId: 'nobody-listens', value: 'x' }));
    expect(res.status).toBe(404);
  });

  it('rejects bad signatures with 401 and runs nothing', async () => {
    let ran = 0;
    app.message(async () => {
      ran += 1;
    });
    app.command('/patent', async ({ ack }) => {
      ran += 1;
      await ack();
    });
    const body = eventBody({ type: 'message', text: 'hi' });
    expect((await post(body, 'wrong-secret')).status).toBe(401);
    expect((await post(slashCommandBody({ text: 'x' }), 'wrong-secret')).status).toBe(401);
    const stale = Math.floor(Date.now() / 1000) - 301;
    expect((await post(body, SECRET, { timestamp: stale })).status).toBe(401);
    const tampered = signedSlackRequest(EVENTS_URL, body, SECRET);
    expect((await hono.request(new Request(tampered, { body: body.replace('hi', 'ho') }))).status).toBe(401);
    expect((await hono.request(EVENTS_URL, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(401);
    await new Promise((r) => setTimeout(r, 20));
    expect(ran).toBe(0);
    expect(fake.calls.map((c) => c.method)).toEqual(['auth.test']);
  });

  it('say() retries through a 429 with Bolt’s client (retryConfig), or surfaces platform errors to app.error', async () => {
    const errors: unknown[] = [];
    app.error(async (e) => {
      errors.push(e);
    });
    app.message(async ({ say }) => {
      await say('reply');
    });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 0 });
    await post(eventBody({ type: 'message', text: 'one', channel: 'D0001' }));
    const calls = await fake.waitFor('chat.postMessage', 2);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);

    fake.failNext('chat.postMessage', { error: 'channel_not_found' }, { channel: 'D0002' });
    const res = await post(eventBody({ type: 'message', text: 'two', channel: 'D0002' }));
    expect(res.status).toBe(200); // acked before the listener failed
    await fake.waitFor('chat.postMessage', 3);
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toMatchObject({ code: 'slack_webapi_platform_error', data: { error: 'channel_not_found' } });
  });

  it('invalid blocks from a listener come back as invalid_blocks', async () => {
    const errors: unknown[] = [];
    app.error(async (e) => {
      errors.push(e);
    });
    app.message(async ({ say }) => {
      await say({ text: 'x', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' as const })) });
    });
    await post(eventBody({ type: 'message', text: 'list everything' }));
    await expect.poll(() => errors.length).toBe(1);
    expect(errors[0]).toMatchObject({ data: { error: 'invalid_blocks', errors: ['no more than 50 items allowed [json-pointer:/blocks]'] } });
  });
});

// ---------------------------------------------------------------------------------------------
// The alternative: Bolt's own HTTPReceiver.requestListener inside a server we own
// ---------------------------------------------------------------------------------------------

describe("Bolt's HTTPReceiver.requestListener mounted in our own node:http server", () => {
  let server: Server;
  let base: string;
  let app2: App;

  beforeEach(async () => {
    const httpReceiver = new HTTPReceiver({ signingSecret: SECRET, logger, endpoints: '/slack/events' });
    app2 = new App({ token: fake.botToken, receiver: httpReceiver, logger, deferInitialization: true, clientOptions: { slackApiUrl: `${fake.url}/api/` } });
    await app2.init(); // no app2.start(): that would make HTTPReceiver listen on its own port
    server = createServer((req, res) => {
      try {
        httpReceiver.requestListener(req, res);
      } catch {
        res.writeHead(404).end(); // HTTPReceiverDeferredRequestError: not a Slack endpoint
      }
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('verifies, acks and dispatches exactly like the custom receiver', async () => {
    app2.message(async ({ say }) => {
      await say('via HTTPReceiver');
    });
    const body = eventBody({ type: 'message', text: 'hi' });
    const bad = await fetch(signedSlackRequest(`${base}/slack/events`, body, 'wrong-secret'));
    expect(bad.status).toBe(401);
    const good = await fetch(signedSlackRequest(`${base}/slack/events`, body, SECRET));
    expect(good.status).toBe(200);
    const [call] = await fake.waitFor('chat.postMessage');
    expect(call!.params.text).toBe('via HTTPReceiver');
    expect((await fetch(`${base}/elsewhere`)).status).toBe(404);
  });
});

describe('fake Slack rate-limit mode', () => {
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  /** Most timestamps within any half-open window (t-1000, t], by brute force. */
  const bruteMaxInWindow = (ats: number[]): number =>
    Math.max(0, ...ats.map((t) => ats.filter((u) => u > t - 1000 && u <= t).length));

  /** A raw chat.postMessage, to see the HTTP status and headers. */
  const rawPost = (channel: string, text: string) =>
    fetch(`${fake.url}/api/chat.postMessage`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.botToken}` },
      body: new URLSearchParams({ channel, text }),
    });

  it('refuses nothing within the limit', async () => {
    fake.rateLimit({ perSecond: 5 });
    const web = client(fake.botToken, { rejectRateLimitedCalls: true });
    for (let i = 0; i < 5; i++) await web.chat.postMessage({ channel: `C00${i}0`, text: `hello ${i}` });
    expect(fake.rateLimited()).toBe(0);
    expect(fake.maxInWindow()).toBe(5);
    expect(fake.calls.filter((c) => c.failed)).toEqual([]);
    expect(fake.acceptedSends().map((s) => [s.method, s.channel, s.text])).toEqual(
      [0, 1, 2, 3, 4].map((i) => ['chat.postMessage', `C00${i}0`, `hello ${i}`]),
    );
  });

  it('answers the call one over the limit with 429 and Retry-After, which does not count', async () => {
    fake.rateLimit({ perSecond: 5, retryAfter: 4 });
    const web = client(fake.botToken, { rejectRateLimitedCalls: true });
    const posted = [];
    for (let i = 0; i < 5; i++) posted.push(await web.chat.postMessage({ channel: 'C0001', text: `m${i}` }));
    const err = await web.chat.postMessage({ channel: 'C0002', text: 'one too many' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(webApi.WebAPIRateLimitedError);
    expect(err).toMatchObject({ retryAfter: 4 });

    const res = await rawPost('C0003', 'raw');
    expect(res.status).toBe(429);
    expect(res.headers.get('retry-after')).toBe('4');
    expect(await res.json()).toEqual({ ok: false, error: 'ratelimited' });
    // chat.update counts too
    const upd = await web.chat.update({ channel: 'C0001', ts: posted[0]!.ts!, text: 'edited' }).catch((e: unknown) => e);
    expect(upd).toBeInstanceOf(webApi.WebAPIRateLimitedError);
    // other methods do not
    await web.chat.postEphemeral({ channel: 'C0001', user: 'U0001', text: 'just for you' });
    await web.users.info({ user: 'U0001' });

    expect(fake.calls.filter((c) => c.rateLimited).map((c) => [c.method, c.status, c.failed, c.error])).toEqual([
      ['chat.postMessage', 429, true, 'ratelimited'],
      ['chat.postMessage', 429, true, 'ratelimited'],
      ['chat.update', 429, true, 'ratelimited'],
    ]);
    expect(fake.rateLimited()).toBe(3);
    expect(fake.maxInWindow()).toBe(5);
    expect(fake.messages('C0002')).toEqual([]);

    // once the first call leaves the window (t-1000, t], one more fits
    await sleep(Math.max(0, fake.acceptedSends()[0]!.at + 1001 - Date.now()));
    await expect(web.chat.postMessage({ channel: 'C0002', text: 'fits now' })).resolves.toMatchObject({ ok: true });
    expect(fake.rateLimited()).toBe(3);
  });

  it("WebClient's own retry gets through once Retry-After has passed", async () => {
    fake.rateLimit({ perSecond: 1, retryAfter: 1 });
    const web = client();
    await web.chat.postMessage({ channel: 'C0001', text: 'first' });
    await expect(web.chat.postMessage({ channel: 'C0001', text: 'second' })).resolves.toMatchObject({ ok: true });
    expect(fake.rateLimited()).toBe(1);
    expect(fake.messages('C0001').map((m) => m.text)).toEqual(['first', 'second']);
  });

  it('limits each channel on its own, independent of other channels', async () => {
    fake.rateLimit({ perChannelPerSecond: 2 });
    const web = client(fake.botToken, { rejectRateLimitedCalls: true });
    await web.chat.postMessage({ channel: 'C0001', text: 'a' });
    await web.chat.postMessage({ channel: 'C0001', text: 'b' });
    const err = await web.chat.postMessage({ channel: 'C0001', text: 'c' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ retryAfter: 1 });
    for (let i = 2; i < 12; i++) {
      await web.chat.postMessage({ channel: `C00${i}`, text: 'a' });
      await web.chat.postMessage({ channel: `C00${i}`, text: 'b' });
    }
    // a user ID posts to (and is limited as) its DM
    await web.chat.postMessage({ channel: 'U0001', text: 'dm 1' });
    await web.chat.postMessage({ channel: 'D0001', text: 'dm 2' });
    expect(await web.chat.postMessage({ channel: 'U0001', text: 'dm 3' }).catch((e: unknown) => e)).toBeInstanceOf(
      webApi.WebAPIRateLimitedError,
    );
    expect(fake.rateLimited()).toBe(2);
    expect(fake.maxInWindow()).toBe(bruteMaxInWindow(fake.acceptedSends().map((s) => s.at)));

    fake.rateLimit({ perSecond: 3, perChannelPerSecond: 2 }); // both; restarting clears the windows
    expect([fake.rateLimited(), fake.maxInWindow(), fake.acceptedSends()]).toEqual([0, 0, []]);
    await web.chat.postMessage({ channel: 'C0001', text: 'x' });
    await web.chat.postMessage({ channel: 'C0001', text: 'y' });
    expect((await rawPost('C0001', 'z')).status).toBe(429); // channel limit
    await web.chat.postMessage({ channel: 'C0002', text: 'x' });
    expect((await rawPost('C0003', 'x')).status).toBe(429); // overall limit
    expect(fake.acceptedSends().map((s) => s.channel)).toEqual(['C0001', 'C0001', 'C0002']);
  });

  it('only accepted calls count: a concurrent burst of 60 lets exactly perSecond through', async () => {
    fake.rateLimit({ perSecond: 20 });
    // The clock stands still, so the 60 arrive within one window however slow the machine is.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(50_000);
    const statuses = await Promise.all(Array.from({ length: 60 }, (_, i) => rawPost(`C${1000 + i}`, `burst ${i}`).then((r) => r.status))).finally(() => vi.useRealTimers());
    expect(statuses.filter((s) => s === 200)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(40);
    expect([fake.rateLimited(), fake.maxInWindow()]).toEqual([40, 20]);
  });

  it('maxInWindow is the busiest sliding window of a known sequence', async () => {
    fake.rateLimit({ perSecond: 100 });
    const web = client();
    // pairs at about 0, 600 and 1200 ms: (t-1000, t] windows hold at most two pairs
    for (const wait of [0, 600, 600]) {
      await sleep(wait);
      await web.chat.postMessage({ channel: 'C0001', text: 'x' });
      await web.chat.postMessage({ channel: 'C0002', text: 'x' });
    }
    const ats = fake.acceptedSends().map((s) => s.at);
    expect(ats).toHaveLength(6);
    expect(fake.maxInWindow()).toBe(bruteMaxInWindow(ats));
    expect(fake.maxInWindow()).toBe(4);
  });

  it('turning it off restores normal behaviour and keeps the counters readable', async () => {
    fake.rateLimit({ perSecond: 1 });
    expect((await rawPost('C0001', 'a')).status).toBe(200);
    expect((await rawPost('C0001', 'b')).status).toBe(429);
    fake.rateLimit(undefined);
    for (let i = 0; i < 10; i++) expect((await rawPost('C0001', `free ${i}`)).status).toBe(200);
    expect([fake.rateLimited(), fake.maxInWindow(), fake.acceptedSends().length]).toEqual([1, 1, 1]);
    // failNext is checked before the limiter
    fake.rateLimit({ perSecond: 1 });
    fake.failNext('chat.postMessage', { error: 'not_in_channel' });
    expect(await (await rawPost('C0001', 'c')).json()).toEqual({ ok: false, error: 'not_in_channel' });
    expect((await rawPost('C0001', 'd')).status).toBe(200);
    expect(fake.acceptedSends().map((s) => s.text)).toEqual(['d']);
    expect(() => fake.rateLimit({ perChannelPerSecond: Number.NaN })).toThrow(RangeError);
  });
});
