/**
 * Slack Socket Mode end to end: the real Socket Mode client (@slack/socket-mode, a real WebSocket)
 * against the loopback fake (apps.connections.open + a `ws` server), real pipeline, PGlite,
 * Meilisearch. Envelopes take the inbox path of POST /slack/events: acknowledged only once the
 * row is stored, redeliveries answered once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChannel } from '../../bots/slack/slack-channel.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { eventBody, slashCommandBody, startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

/** The real inbox, with a gate in front of its write so a test can hold it (or make it fail). */
class GatedInbox extends InboxStore {
  gate: Promise<void> = Promise.resolve();
  override async accept(...args: Parameters<InboxStore['accept']>): ReturnType<InboxStore['accept']> {
    await this.gate;
    return super.accept(...args);
  }
}

let services: Services;
let dir: string;
let fake: FakeSlack;
let slack: SlackChannel;
let inbox: GatedInbox;
const log = createLogger('silent');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-slack-socket-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), log, { loadDemo: true });
  fake = await startFakeSlack();
  inbox = new GatedInbox(services.database);
  // No signing secret: Socket Mode only.
  slack = new SlackChannel({ token: fake.botToken, appToken: fake.appToken, apiUrl: `${fake.url}/api/`, pipeline: services.pipeline, inbox, log, sender: { perChannelIntervalMs: 0 } });
  await slack.start();
});
afterAll(async () => {
  await slack?.stop();
  await fake?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

const posts = (channel: string) => fake.callsTo('chat.postMessage').filter((c) => c.params.channel === channel && !c.failed);
const event = (o: Parameters<typeof eventBody>[0]) => ({ type: 'events_api' as const, payload: JSON.parse(eventBody(o)) as Record<string, unknown> });
const rows = async (updateId: string) => (await services.database.rows<{ n: number }>(sql`select count(*)::int as n from inbound_updates where platform = 'slack' and update_id = ${updateId}`))[0]!.n;

describe('Slack Socket Mode', () => {
  it('connects with the app-level token', async () => {
    const open = fake.callsTo('apps.connections.open');
    expect(open.length).toBeGreaterThanOrEqual(1);
    expect(open[0]!.token).toBe(fake.appToken);
    expect(fake.socket.connections()).toBe(1);
  });

  it('answers an event once, however often the same envelope or event is delivered', async () => {
    const e = event({ type: 'message', text: '湖北 锂电池 专利', channel: 'D100', channelType: 'im', user: 'U100', eventId: 'EvSock100' });
    const first = await fake.socket.deliver({ ...e, envelope_id: 'env-100' });
    const again = await fake.socket.deliver({ ...e, envelope_id: 'env-100', retry_attempt: 1, retry_reason: 'timeout' });
    const other = await fake.socket.deliver({ ...e, envelope_id: 'env-101', retry_attempt: 2, retry_reason: 'timeout' });
    expect([first.envelope_id, again.envelope_id, other.envelope_id]).toEqual(['env-100', 'env-100', 'env-101']);
    await expect.poll(() => posts('D100').length, { timeout: 10_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(posts('D100')).toHaveLength(1);
    expect(String(posts('D100')[0]!.params.text)).toMatch(/找到 \d+ 件相关专利/);
    expect(await rows('EvSock100')).toBe(1);
  });

  it('acknowledges only after the inbox row exists, and not at all when it could not be stored', async () => {
    let open!: () => void;
    inbox.gate = new Promise<void>((r) => (open = r));
    const e = event({ type: 'message', text: '/help', channel: 'D200', channelType: 'im', user: 'U200', eventId: 'EvSock200' });
    let acked = false;
    const ack = fake.socket.deliver({ ...e, envelope_id: 'env-200' }).then((a) => ((acked = true), a));
    await new Promise((r) => setTimeout(r, 400));
    expect(acked).toBe(false); // the write is held: no acknowledgement yet
    expect(await rows('EvSock200')).toBe(0);
    open();
    await ack;
    expect(await rows('EvSock200')).toBe(1);

    // A write that fails leaves the envelope unacknowledged, so Slack redelivers it; the redelivery is answered once.
    inbox.gate = Promise.reject(new Error('database down'));
    inbox.gate.catch(() => {});
    const lost = event({ type: 'message', text: '/help', channel: 'D201', channelType: 'im', user: 'U201', eventId: 'EvSock201' });
    await expect(fake.socket.deliver({ ...lost, envelope_id: 'env-201' }, 800)).rejects.toThrow(/not acknowledged/);
    expect(await rows('EvSock201')).toBe(0);
    inbox.gate = Promise.resolve();
    await fake.socket.deliver({ ...lost, envelope_id: 'env-201', retry_attempt: 1, retry_reason: 'timeout' });
    await expect.poll(() => posts('D201').length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => posts('D200').length, { timeout: 10_000 }).toBe(1);
  });

  it('takes slash commands over the socket, answered through response_url', async () => {
    const url = fake.responseUrl('sock-cmd');
    const payload = Object.fromEntries(new URLSearchParams(slashCommandBody({ command: '/patent', text: '江西 锂电池', userId: 'U300', channelId: 'C300', responseUrl: url, triggerId: 'trig-sock-300' })));
    await fake.socket.deliver({ type: 'slash_commands', payload, envelope_id: 'env-300' });
    await fake.socket.deliver({ type: 'slash_commands', payload, envelope_id: 'env-300', retry_attempt: 1, retry_reason: 'timeout' });
    const mine = () => fake.callsTo('response_url').filter((c) => c.params.response_url_id === 'sock-cmd');
    await expect.poll(() => mine().length, { timeout: 10_000 }).toBe(1);
    expect(String(mine()[0]!.params.text)).toMatch(/江西省/);
    await new Promise((r) => setTimeout(r, 300));
    expect(mine()).toHaveLength(1);
  });

  it('refuses to start with a token that is not the app-level one, saying so', async () => {
    const wrong = new SlackChannel({ token: fake.botToken, appToken: 'xapp-1-wrong', apiUrl: `${fake.url}/api/`, pipeline: services.pipeline, inbox, log });
    await expect(wrong.start()).rejects.toThrow(/invalid_auth/);
    expect(fake.socket.connections()).toBe(1);
    // A bot token in its place would be retried for ever by the client (not_allowed_token_type): refused up front.
    expect(() => loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.botToken })).toThrow(/^SLACK_APP_TOKEN: .*xapp-/);
    expect(() => loadConfig({ SLACK_APP_TOKEN: fake.appToken })).toThrow(/^SLACK_BOT_TOKEN: is required/);
    expect(loadConfig({ SLACK_BOT_TOKEN: fake.botToken, SLACK_APP_TOKEN: fake.appToken }).SLACK_SIGNING_SECRET).toBeUndefined();
  });

  it('reconnects when Slack asks it to, and carries on', async () => {
    const before = fake.callsTo('apps.connections.open').length;
    fake.socket.requestReconnect();
    await expect.poll(() => fake.callsTo('apps.connections.open').length, { timeout: 10_000 }).toBe(before + 1);
    await expect.poll(() => fake.socket.connections(), { timeout: 10_000 }).toBe(1);
    await fake.socket.deliver(event({ type: 'message', text: '/help', channel: 'D400', channelType: 'im', user: 'U400', eventId: 'EvSock400' }));
    await expect.poll(() => posts('D400').length, { timeout: 10_000 }).toBe(1);
  });
});
