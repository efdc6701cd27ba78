/**
 * The Slack channel end to end: signed requests into our HTTP app, real Bolt and WebClient against a
 * loopback Slack Web API (tests/support/fake-slack.ts), real pipeline, PGlite and Meilisearch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChannel } from '../../bots/slack/slack-channel.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { blockActionBody, eventBody, signedSlackRequest, slashCommandBody, startFakeSlack, urlVerificationBody, type FakeSlack } from '../support/fake-slack.js';

const SECRET = 'slack-signing-secret-for-tests';
const URL_ = 'http://localhost/slack/events';
let services: Services;
let dir: string;
let fake: FakeSlack;
let slack: SlackChannel;
let app: ReturnType<typeof createHttpApp>;
const log = createLogger('silent');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-slack-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), log, { loadDemo: true });
  fake = await startFakeSlack();
  slack = new SlackChannel({ token: fake.botToken, signingSecret: SECRET, apiUrl: `${fake.url}/api/`, pipeline: services.pipeline, inbox: new InboxStore(services.database), log, sender: { perChannelIntervalMs: 0 } });
  await slack.start();
  app = createHttpApp({ pipeline: services.pipeline, log, clock: () => new Date(), readiness: {}, slackEvents: (r) => slack.handleRequest(r) });
});
afterAll(async () => {
  await slack?.stop();
  await fake?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

const send = (body: string, opts: Parameters<typeof signedSlackRequest>[3] = {}) => app.request(signedSlackRequest(URL_, body, SECRET, opts));
const posts = (channel: string) => fake.callsTo('chat.postMessage').filter((c) => c.params.channel === channel && !c.failed);

describe('Slack events', () => {
  it('answers the URL verification challenge', async () => {
    const res = await send(urlVerificationBody('ch4ll3nge'));
    expect(await res.json()).toEqual({ challenge: 'ch4ll3nge' });
  });

  it('replies to a DM in the DM, listing patents with buttons', async () => {
    const res = await send(eventBody({ type: 'message', text: '湖北 锂电池 专利', channel: 'D100', channelType: 'im', user: 'U100' }));
    expect(res.status).toBe(200);
    await expect.poll(() => posts('D100').length, { timeout: 10_000 }).toBe(1);
    const p = posts('D100')[0]!.params;
    expect(p.thread_ts).toBeUndefined();
    expect(String(p.text)).toMatch(/找到 \d+ 件相关专利/);
    const actions = (p.blocks as { type: string; elements?: { value: string }[] }[]).filter((b) => b.type === 'actions');
    expect(actions[0]!.elements![0]!.value).toMatch(/^d:CN/);
  });

  it('replies to a mention in a thread under it, in English for English', async () => {
    await send(eventBody({ type: 'app_mention', text: `<@${fake.botUserId}> lithium battery patents in Hubei`, channel: 'C200', channelType: 'channel', user: 'U200', ts: '1700000001.000100' }));
    await expect.poll(() => posts('C200').length, { timeout: 10_000 }).toBe(1);
    expect(posts('C200')[0]!.params).toMatchObject({ thread_ts: '1700000001.000100', mrkdwn: false });
    expect(String(posts('C200')[0]!.params.text)).toMatch(/^Found \d+ matching patents/);
  });

  it('answers one event delivered three times (Slack retries) exactly once', async () => {
    const body = eventBody({ type: 'message', text: '/help', channel: 'D300', channelType: 'im', user: 'U300', eventId: 'Ev300' });
    const r = await Promise.all([send(body), send(body, { retryNum: 1, retryReason: 'http_timeout' }), send(body, { retryNum: 2, retryReason: 'http_timeout' })]);
    expect(r.map((x) => x.status)).toEqual([200, 200, 200]);
    await expect.poll(() => posts('D300').length, { timeout: 10_000 }).toBe(1);
    await new Promise((res) => setTimeout(res, 300));
    expect(posts('D300')).toHaveLength(1);
  });

  it('answers a DM with a NUL in it rather than refusing it for a day of retries', async () => {
    const res = await send(eventBody({ type: 'message', text: '湖北\u0000 锂电池 专利', channel: 'D350', channelType: 'im', user: 'U350' }));
    expect(res.status).toBe(200);
    await expect.poll(() => posts('D350').length, { timeout: 10_000 }).toBe(1);
    expect(String(posts('D350')[0]!.params.text)).toMatch(/找到 \d+ 件相关专利/);
  });

  it('ignores its own messages and other bots', async () => {
    await send(eventBody({ type: 'message', text: 'hello', channel: 'D400', channelType: 'im', user: fake.botUserId }));
    await send(eventBody({ type: 'message', text: 'hello', channel: 'D400', channelType: 'im', botId: 'B999' }));
    await new Promise((res) => setTimeout(res, 500));
    expect(posts('D400')).toEqual([]);
  });

  it('neutralises mention and formatting injection from user text', async () => {
    // Slack delivers what the user typed escaped; the no-results answer quotes it back.
    const url = fake.responseUrl('inj');
    await send(slashCommandBody({ command: '/patent', text: 'search zzqx &lt;!here&gt; *zzqy* &lt;@U123&gt;', userId: 'U500', channelId: 'C500', responseUrl: url, triggerId: 'trig-500' }));
    await expect.poll(() => fake.callsTo('response_url').filter((c) => JSON.stringify(c.params).includes('zzqy')).length, { timeout: 10_000 }).toBe(1);
    const p = fake.callsTo('response_url').find((c) => JSON.stringify(c.params).includes('zzqy'))!.params;
    expect(String(p.text)).toContain('&lt;!here&gt; *zzqy* &lt;@U123&gt;');
    expect(String(p.text)).not.toMatch(/<!here>|<@U123>/);
    const section = (p.blocks as { text?: { type: string; text: string } }[])[0]!.text!;
    expect(section.type).toBe('plain_text');
    expect(section.text).toContain('<!here> *zzqy* <@U123>');
    expect(JSON.stringify(p.blocks)).not.toContain('mrkdwn');
  });

  it('rejects a bad signature, a stale timestamp and missing headers with 401, processing nothing', async () => {
    const body = eventBody({ type: 'message', text: '/help', channel: 'D600', channelType: 'im', user: 'U600' });
    const wrong = await app.request(signedSlackRequest(URL_, body, 'not-the-secret'));
    const stale = await send(body, { timestamp: Math.floor(Date.now() / 1000) - 6 * 60 });
    const bare = await app.request(new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json' }, body }));
    expect([wrong.status, stale.status, bare.status]).toEqual([401, 401, 401]);
    await new Promise((res) => setTimeout(res, 400));
    expect(posts('D600')).toEqual([]);
  });

  it('acknowledges at once even when answering is slow', async () => {
    const t0 = performance.now();
    const res = await send(eventBody({ type: 'message', text: '湖北 锂电池 专利 发明 2020年以后', channel: 'D700', channelType: 'im', user: 'U700' }));
    expect(res.status).toBe(200);
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(posts('D700')).toEqual([]); // the answer comes after the acknowledgement
    await expect.poll(() => posts('D700').length, { timeout: 10_000 }).toBe(1);
  });
});

describe('a slow answer', () => {
  it('still gets the acknowledgement within Slack’s 3 seconds', async () => {
    const slow = { handle: async (m: Parameters<Services['pipeline']['handle']>[0]) => (await new Promise((r) => setTimeout(r, 3500)), services.pipeline.handle(m)) };
    const ch = new SlackChannel({ token: fake.botToken, signingSecret: SECRET, apiUrl: `${fake.url}/api/`, pipeline: slow as Services['pipeline'], inbox: new InboxStore(services.database), log, sender: { perChannelIntervalMs: 0 } });
    await ch.start();
    try {
      const slowApp = createHttpApp({ pipeline: services.pipeline, log, clock: () => new Date(), readiness: {}, slackEvents: (r) => ch.handleRequest(r) });
      // The shared inbox lets either worker take the row; stop the fast one meanwhile.
      await slack.stop();
      const t0 = performance.now();
      const res = await slowApp.request(signedSlackRequest(URL_, eventBody({ type: 'message', text: '/help', channel: 'D990', channelType: 'im', user: 'U990' }), SECRET));
      expect(res.status).toBe(200);
      expect(performance.now() - t0).toBeLessThan(500);
      await expect.poll(() => posts('D990').length, { timeout: 10_000 }).toBe(1);
      expect(performance.now() - t0).toBeGreaterThanOrEqual(3500);
    } finally {
      await ch.stop();
      slack = new SlackChannel({ token: fake.botToken, signingSecret: SECRET, apiUrl: `${fake.url}/api/`, pipeline: services.pipeline, inbox: new InboxStore(services.database), log, sender: { perChannelIntervalMs: 0 } });
      await slack.start();
    }
  });
});

describe('Slack slash command and buttons', () => {
  it('answers /patent ephemerally through response_url', async () => {
    const url = fake.responseUrl('cmd1');
    const res = await send(slashCommandBody({ command: '/patent', text: '江西 锂电池', userId: 'U800', channelId: 'C800', responseUrl: url, triggerId: 'trig-800' }));
    expect(res.status).toBe(200);
    const mine = () => fake.callsTo('response_url').filter((c) => /找到 \d+ 件/.test(String(c.params.text)));
    await expect.poll(() => mine().length, { timeout: 10_000 }).toBe(1);
    expect(mine()[0]!.params.response_type).toBe('ephemeral');
    expect(String(mine()[0]!.params.text)).toMatch(/江西省/);
  });

  it('routes a button press to its handler and answers in the same thread', async () => {
    const res = await send(blockActionBody({ actionId: 'pb-0', value: 'd:CN116746558A', userId: 'U900', channelId: 'C900', messageTs: '1700000009.000100', triggerId: 'trig-900' }));
    expect(res.status).toBe(200);
    await expect.poll(() => posts('C900').length, { timeout: 10_000 }).toBe(1);
    expect(posts('C900')[0]!.params.thread_ts).toBe('1700000009.000100');
    expect(String(posts('C900')[0]!.params.text)).toContain('CN116746558A');
  });

  it('reports an unreachable channel without crashing, and carries on', async () => {
    fake.failNext('chat.postMessage', { error: 'channel_not_found' }, { channel: 'D950' });
    await send(eventBody({ type: 'message', text: '/help', channel: 'D950', channelType: 'im', user: 'U950' }));
    await send(eventBody({ type: 'message', text: '/help', channel: 'D951', channelType: 'im', user: 'U951' }));
    await expect.poll(() => posts('D951').length, { timeout: 10_000 }).toBe(1);
    expect(fake.callsTo('chat.postMessage').filter((c) => c.params.channel === 'D950' && c.failed)).toHaveLength(1);
  });

  it('waits out a 429 Retry-After and delivers once', async () => {
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, { channel: 'D960' });
    const t0 = Date.now();
    await send(eventBody({ type: 'message', text: '/help', channel: 'D960', channelType: 'im', user: 'U960' }));
    await expect.poll(() => posts('D960').length, { timeout: 15_000 }).toBe(1);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
  });
});
