/**
 * The Feishu channel against the loopback fake through the real Lark SDK: HTTP callbacks (challenge,
 * forged and stale requests refused with nothing recorded), the stale token refetched once, the
 * platform's limits and errors, and the long connection (redeliveries answered once, the ACK
 * before a slow answer, card clicks toasted, unreadable frames dropped and counted).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeishuChannel } from '../../bots/feishu/feishu-channel.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { APP_ID, APP_SECRET, cardActionEvent, challengeRequest, ENCRYPT_KEY, messageEvent, signedEventRequest, startFakeFeishu, VERIFICATION_TOKEN, type FakeFeishu } from '../support/fake-feishu.js';

const log = createLogger('silent');
const URL_ = 'http://localhost/feishu/events';
let services: Services;
let dir: string;
let fake: FakeFeishu;
/**
 * The channel's clock (signature freshness is ±5 minutes of it) and every request's timestamp come
 * from this one instant: with the wall clock in the requests and a clock frozen at load in the
 * channel, a file slower than five minutes would have its signatures turn stale.
 */
const now = new Date('2026-11-21T08:00:00Z');
const nowSeconds = Math.floor(now.getTime() / 1000);
/** signedEventRequest, stamped at `now` unless the test says otherwise. */
const signed = (envelope: unknown, o: Parameters<typeof signedEventRequest>[2] = {}) => signedEventRequest(URL_, envelope, { timestamp: nowSeconds, ...o });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-feishu-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), log, { loadDemo: true });
  fake = await startFakeFeishu();
});
afterAll(async () => {
  await fake?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

const recorded = async (id: string) => (await services.database.rows<{ n: number }>(sql`select count(*)::int as n from inbound_updates where platform = 'feishu' and update_id = ${id}`))[0]!.n;
const texts = (chat: string) => fake.messages(chat).map((m) => JSON.stringify(m.content));

describe('Feishu over HTTP callbacks', () => {
  let ch: FeishuChannel;
  let app: ReturnType<typeof createHttpApp>;
  beforeAll(async () => {
    ch = new FeishuChannel({ appId: APP_ID, appSecret: APP_SECRET, domain: fake.url, mode: 'http', encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, pipeline: services.pipeline, inbox: new InboxStore(services.database), log, clock: () => now });
    await ch.start();
    app = createHttpApp({ pipeline: services.pipeline, log, clock: () => now, readiness: {}, feishuEvents: (r) => ch.handleRequest(r) });
  });
  afterAll(async () => ch?.stop());

  it('answers the encrypted, unsigned URL challenge only with our token', async () => {
    const ok = await app.request(challengeRequest(URL_, 'ch-123'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ challenge: 'ch-123' });
    expect((await app.request(challengeRequest(URL_, 'ch-1', { token: 'someone-elses' }))).status).toBe(401);
    expect((await app.request(challengeRequest(URL_, 'ch-1', { encryptKey: 'another-key' }))).status).toBe(400);
  });

  it('refuses forged, stale, unsigned and plaintext events with a 4xx and records nothing', async () => {
    const ev = (id: string) => messageEvent({ text: '/help', messageId: id, chatId: 'oc_forged', openId: 'ou_forged' });
    const answers = [
      await app.request(signed(ev('om_f1'), { signature: 'ab'.repeat(32) })),
      await app.request(signed(ev('om_f2'), { timestamp: nowSeconds - 6 * 60 })),
      await app.request(signed(ev('om_f3'), { unsigned: true })),
      await app.request(signed(ev('om_f4'), { encryptKey: 'another-key' })),
      await app.request(new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ev('om_f5')) })),
      await app.request(new Request(URL_, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not json' })),
    ];
    expect(answers.map((r) => r.status)).toEqual([401, 401, 401, 401, 400, 400]);
    const wrongToken = { ...ev('om_f6'), header: { ...ev('om_f6').header, token: 'not-ours' } };
    expect((await app.request(signed(wrongToken))).status).toBe(401);
    // Inside the window, from either side, it is accepted.
    expect((await app.request(signed(ev('om_f7'), { timestamp: nowSeconds + 4 * 60 }))).status).toBe(200);
    for (const id of ['om_f1', 'om_f2', 'om_f3', 'om_f4', 'om_f5', 'om_f6']) expect(await recorded(id)).toBe(0);
    expect(await recorded('om_f7')).toBe(1);
    await expect.poll(() => fake.messages('oc_forged').length, { timeout: 10_000 }).toBe(1);
  });

  it('answers a group only when mentioned', async () => {
    expect((await app.request(signed(messageEvent({ text: '/help', chatType: 'group', chatId: 'oc_grp', mention: false, messageId: 'om_g1' })))).status).toBe(200);
    expect((await app.request(signed(messageEvent({ text: '/help', chatType: 'group', chatId: 'oc_grp', messageId: 'om_g2' })))).status).toBe(200);
    await expect.poll(() => fake.messages('oc_grp').length, { timeout: 10_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.messages('oc_grp')).toHaveLength(1);
  });

  it('fetches a new token once when Feishu stops accepting the cached one', async () => {
    const tokensBefore = fake.callsTo('token').length;
    fake.invalidateTokens();
    await app.request(signed(messageEvent({ text: '/help', messageId: 'om_t1', chatId: 'oc_tok', openId: 'ou_tok' })));
    await expect.poll(() => fake.messages('oc_tok').length, { timeout: 10_000 }).toBe(1);
    expect(fake.callsTo('token').length).toBe(tokensBefore + 1);
    expect(fake.callsTo('message.create').filter((c) => c.body.receive_id === 'oc_tok').map((c) => c.code)).toEqual([99991663, 0]);
  });

  it('waits out the chat limit (230020), the app limit (429) and a 5xx; bot removed → unreachable', async () => {
    fake.failNext('message.create', { status: 400, code: 230020 }, { key: 'oc_lim' });
    fake.failNext('message.create', { status: 429, code: 99991400, headers: { 'x-ogw-ratelimit-reset': '1' } }, { key: 'oc_lim' });
    fake.failNext('message.create', { status: 502, code: 0 }, { key: 'oc_lim' });
    expect(await ch.outlet.post('oc_lim', { text: 'hello' })).toBe('sent');
    expect(fake.callsTo('message.create').filter((c) => c.body.receive_id === 'oc_lim').map((c) => c.status)).toEqual([400, 429, 502, 200]);
    expect(fake.messages('oc_lim')).toHaveLength(1);
    fake.removeBotFrom('oc_gone');
    expect(await ch.outlet.post('oc_gone', { text: 'hello' })).toBe('unreachable');
    await expect(ch.outlet.send('oc_gone', { text: 'lead' })).rejects.toMatchObject({ name: 'OutletError', permanent: true });
    // A person who resigned (230029) or stopped the bot (230053): unreachable once, not retried.
    for (const code of [230029, 230053]) {
      const who = `ou_gone${code}`;
      fake.failNext('message.create', { status: 400, code }, { key: who });
      expect(await ch.outlet.post(who, { text: 'hello' })).toBe('unreachable');
      expect(fake.callsTo('message.create').filter((c) => c.body.receive_id === who)).toHaveLength(1);
    }
  });

  it('holds 5 messages per second per chat', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => ch.outlet.post('oc_burst', { text: `n${i}` })));
    expect(results.every((r) => r === 'sent')).toBe(true);
    expect(fake.callsTo('message.create').filter((c) => c.body.receive_id === 'oc_burst' && c.code === 230020)).toHaveLength(0);
    expect(fake.limits.chat.maxPerKey).toBeLessThanOrEqual(5);
    expect(fake.limits.chat.maxPerKey).toBe(5);
  });
});

describe('Feishu over the long connection', () => {
  let ch: FeishuChannel;
  let open!: () => void;
  let gate = Promise.resolve();
  beforeAll(async () => {
    const slow = { handle: async (m: Parameters<Services['pipeline']['handle']>[0], o?: Parameters<Services['pipeline']['handle']>[1]) => (await gate, services.pipeline.handle(m, o)) };
    ch = new FeishuChannel({ appId: APP_ID, appSecret: APP_SECRET, domain: fake.url, mode: 'ws', pipeline: slow as Services['pipeline'], inbox: new InboxStore(services.database), log });
    await ch.start();
    await fake.connected();
  });
  afterAll(async () => ch?.stop());

  it('acknowledges before a slow answer, and answers a triple delivery once', async () => {
    gate = new Promise<void>((r) => (open = r));
    const ev = messageEvent({ text: '/help', messageId: 'om_ws1', chatId: 'oc_ws', openId: 'ou_ws' });
    const acks = await Promise.all([fake.pushWs(ev), fake.pushWs(ev), fake.pushWs(ev)]);
    expect(acks.map((a) => a.code)).toEqual([200, 200, 200]);
    expect(await recorded('om_ws1')).toBe(1);
    expect(fake.messages('oc_ws')).toHaveLength(0); // the answer is still being worked out
    open();
    await expect.poll(() => fake.messages('oc_ws').length, { timeout: 10_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(fake.messages('oc_ws')).toHaveLength(1);
  });

  it('answers a card click with a toast in the ACK and the work through the inbox', async () => {
    const card = fake.messages('oc_ws')[0]!;
    const ack = await fake.pushWs(cardActionEvent({ value: { a: 'h' }, messageId: card.message_id, chatId: 'oc_ws', openId: 'ou_ws' }));
    expect(ack).toMatchObject({ code: 200, data: { toast: { type: 'info' } } });
    await expect.poll(() => fake.messages('oc_ws').length, { timeout: 10_000 }).toBe(2);
  });

  it('drops and counts a frame that is not an event, without failing the connection', async () => {
    const ack = await fake.pushWs({ hello: 'world' });
    expect(ack.code).toBe(200);
    expect(ch.dropped).toBe(1);
    await fake.pushWs(messageEvent({ text: '/help', messageId: 'om_ws2', chatId: 'oc_ws2', openId: 'ou_ws2' }));
    await expect.poll(() => fake.messages('oc_ws2').length, { timeout: 10_000 }).toBe(1);
  });
});
