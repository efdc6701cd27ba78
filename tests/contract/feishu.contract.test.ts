import { afterAll, beforeAll } from 'vitest';
import { FeishuChannel } from '../../bots/feishu/feishu-channel.js';
import type { Services } from '../../src/app.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { APP_ID, APP_SECRET, BOT_OPEN_ID, cardActionEvent, ENCRYPT_KEY, messageEvent, signedEventRequest, startFakeFeishu, VERIFICATION_TOKEN, type FakeFeishu } from '../support/fake-feishu.js';
import { adapterContract, dedupeLogRows, waitForCount, type SeenReply } from './adapter-contract.js';
import { startServices } from './services.js';

let env: { services: Services; stop(): Promise<void> };
let fake: FakeFeishu;
let feishu: FeishuChannel;
let app: ReturnType<typeof createHttpApp>;

beforeAll(async () => {
  env = await startServices();
  fake = await startFakeFeishu();
  const log = createLogger('silent');
  feishu = new FeishuChannel({ appId: APP_ID, appSecret: APP_SECRET, domain: fake.url, mode: 'http', encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, pipeline: env.services.pipeline, inbox: new InboxStore(env.services.database), log });
  await feishu.start();
  app = createHttpApp({ pipeline: env.services.pipeline, log, clock: () => new Date(), readiness: {}, feishuEvents: (r) => feishu.handleRequest(r) });
});
afterAll(async () => {
  await feishu?.stop();
  await fake?.close();
  await env?.stop();
});

const send = async (envelope: unknown) => {
  const res = await app.request(signedEventRequest('http://localhost/feishu/events', envelope));
  if (res.status !== 200) throw new Error(`feishu events answered ${res.status}: ${await res.text()}`);
};

type El = { tag: string; text?: { content: string }; columns?: { elements: { behaviors: { type: string; value?: { a: string } }[] }[] }[] };
function seen(chat: string): SeenReply[] {
  return fake.messages(`oc_${chat}`).map((m) => {
    const els = (m.content as { body: { elements: El[] } }).body.elements;
    const visible = els.flatMap((e) => (e.tag === 'div' && e.text ? [e.text.content] : [])).join('\n');
    const buttons = els.flatMap((e) => (e.columns ?? []).flatMap((c) => c.elements.flatMap((b) => b.behaviors.flatMap((x) => (x.value ? [x.value.a] : [])))));
    return { visible, buttons };
  });
}

adapterContract('feishu', () => ({
  sendText: (chat, text, updateId) => send(messageEvent({ text, messageId: `om_${updateId}`, chatId: `oc_${chat}`, openId: `ou_${chat}` })),
  sendOwnMessage: (chat, text, updateId) => send(messageEvent({ text, messageId: `om_${updateId}`, chatId: `oc_${chat}`, openId: BOT_OPEN_ID, senderType: 'app' })),
  press: (chat, button, updateId) => send(cardActionEvent({ value: { a: button }, messageId: fake.messages(`oc_${chat}`).at(-1)!.message_id, chatId: `oc_${chat}`, openId: `ou_${chat}`, token: `c-${updateId}` })),
  replies: (chat, count) => waitForCount(() => seen(chat), count),
  dedupeLogRows: () => dedupeLogRows(env.services.database, 'feishu'),
}));
