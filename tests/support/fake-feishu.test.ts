/** The Feishu fake against the real Lark SDK: token, send, limits, card patch rules, and the long connection. */
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeishuTokenCache } from '../../bots/feishu/feishu-token-cache.js';
import { APP_ID, APP_SECRET, messageEvent, startFakeFeishu, type FakeFeishu } from './fake-feishu.js';

const quiet = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };
let fake: FakeFeishu;
let now = Date.parse('2026-11-23T02:00:00Z');

const client = () => new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain: fake.url, cache: new FeishuTokenCache(), logger: quiet, loggerLevel: lark.LoggerLevel.error });
const err = (e: unknown) => ({ status: (e as { response?: { status: number } }).response?.status, code: (e as { response?: { data?: { code?: number } } }).response?.data?.code });
const card = (text: string, updateMulti = true) => JSON.stringify({ schema: '2.0', config: { update_multi: updateMulti }, body: { elements: [{ tag: 'div', text: { tag: 'plain_text', content: text } }] } });

beforeAll(async () => {
  fake = await startFakeFeishu({ now: () => now });
});
afterAll(async () => fake?.close());

describe('fake Feishu', () => {
  it('issues a token, takes a text message with it, and refuses a stale token with 99991663', async () => {
    const c = client();
    const res = await c.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_a', msg_type: 'text', content: JSON.stringify({ text: 'hi' }) } });
    expect(res.code).toBe(0);
    expect(fake.callsTo('token')).toHaveLength(1);
    expect(fake.messages('oc_a')[0]!.content).toEqual({ text: 'hi' });
    fake.invalidateTokens();
    const e = await c.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_a', msg_type: 'text', content: '{"text":"x"}' } }).catch((x: unknown) => x);
    expect(err(e)).toEqual({ status: 400, code: 99991663 });
  });

  it('validates content and sizes, the bot being in the chat, and the per-chat limit', async () => {
    const c = client();
    const send = (receive_id: string, msg_type: string, content: string) => c.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id, msg_type, content } }).then(() => ({ code: 0 }), err);
    expect(await send('oc_b', 'interactive', JSON.stringify({ elements: [] }))).toMatchObject({ code: 230001 });
    expect(await send('oc_b', 'interactive', card('x'.repeat(31 * 1024)))).toMatchObject({ code: 230025 });
    expect(await send('oc_b', 'text', JSON.stringify({ text: 'x'.repeat(140 * 1024) }))).toMatchObject({ code: 0 });
    fake.removeBotFrom('oc_gone');
    expect(await send('oc_gone', 'text', '{"text":"x"}')).toMatchObject({ code: 230002 });
    const burst = await Promise.all(Array.from({ length: 8 }, () => send('oc_c', 'text', '{"text":"x"}')));
    expect(burst.filter((r) => r.code === 230020).length).toBeGreaterThanOrEqual(3);
    expect(fake.limits.chat.maxPerKey).toBe(5);
  });

  it('updates only shared cards, within 14 days', async () => {
    const c = client();
    const sent = await c.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: 'oc_d', msg_type: 'interactive', content: card('a') } });
    const id = sent.data!.message_id!;
    expect((await c.im.message.patch({ path: { message_id: id }, data: { content: card('b') } })).code).toBe(0);
    expect(await c.im.message.patch({ path: { message_id: id }, data: { content: card('c', false) } }).catch(err)).toMatchObject({ code: 230099 });
    now += 15 * 86_400_000;
    fake.invalidateTokens(); // the fake's clock moved: the cached token would have expired too
    expect(await client().im.message.patch({ path: { message_id: id }, data: { content: card('d') } }).catch(err)).toMatchObject({ code: 230031 });
    expect(fake.messages('oc_d')[0]!.updates).toHaveLength(1);
  });

  it('serves the long connection: the WSClient connects and ACKs an event with the handler result', async () => {
    class Echo extends lark.EventDispatcher {
      override async invoke(data: unknown) {
        return { got: (data as { header: { event_type: string } }).header.event_type };
      }
    }
    const ws = new lark.WSClient({ appId: APP_ID, appSecret: APP_SECRET, domain: fake.url, logger: quiet, loggerLevel: lark.LoggerLevel.error });
    await ws.start({ eventDispatcher: new Echo({ logger: quiet, loggerLevel: lark.LoggerLevel.error }) });
    await fake.connected();
    const ack = await fake.pushWs(messageEvent({ text: 'hi' }));
    expect(ack).toEqual({ code: 200, data: { got: 'im.message.receive_v1' } });
    ws.close({ force: true });
  });
});
