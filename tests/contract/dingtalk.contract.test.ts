import { afterAll, beforeAll } from 'vitest';
import { DingTalkChannel } from '../../bots/dingtalk/dingtalk-channel.js';
import { markdownToPlain } from '../../bots/dingtalk/dingtalk-render.js';
import type { Services } from '../../src/app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { startFakeDingTalk, type DingTalkSent, type FakeDingTalk } from '../support/fake-dingtalk.js';
import { adapterContract, dedupeLogRows, waitForCount, type SeenReply } from './adapter-contract.js';
import { startServices } from './services.js';

let env: { services: Services; stop(): Promise<void> };
let fake: FakeDingTalk;
let channel: DingTalkChannel;

beforeAll(async () => {
  env = await startServices();
  fake = await startFakeDingTalk();
  channel = new DingTalkChannel({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    robotCode: fake.robotCode,
    apiUrl: fake.url,
    pipeline: env.services.pipeline,
    inbox: new InboxStore(env.services.database),
    log: createLogger('silent'),
  });
  await channel.start();
});
afterAll(async () => {
  await channel?.stop();
  await fake?.close();
  await env?.stop();
});

/** What a DingTalk user sees: text as is, card markdown rendered. */
const visible = (s: DingTalkSent) => (s.kind === 'text' || s.kind === 'sampleText' ? s.text : markdownToPlain(s.text));
/** The text a text-back button sends: its action code is what press() sends back. */
const code = (url: string) => /\(#([^()\s]+)\)$/.exec(decodeURIComponent(url.replace(/^dtmd:\/\/dingtalkclient\/sendMessage\?content=/, '')))?.[1] ?? url;

function seen(chat: string): SeenReply[] {
  return fake.sent.filter((s) => s.to.kind === 'user' && s.to.id === `s${chat}`).map((s) => ({ visible: visible(s), buttons: [...s.links, ...s.buttons].map((b) => code(b.url)) }));
}

adapterContract('dingtalk', () => ({
  sendText: async (chat, text, updateId) => void fake.pushCallback(fake.robotMessage({ text, senderStaffId: `s${chat}`, msgId: `m${updateId}` })),
  // DingTalk does not deliver the robot's own messages to it; not applicable.
  press: async (chat, button, updateId) => void fake.pushCallback(fake.robotMessage({ text: `详情 (#${button})`, senderStaffId: `s${chat}`, msgId: `m${updateId}` })),
  replies: (chat, count) => waitForCount(() => seen(chat), count),
  dedupeLogRows: () => dedupeLogRows(env.services.database, 'dingtalk'),
}));
