import { afterAll, beforeAll } from 'vitest';
import { SlackChannel } from '../../bots/slack/slack-channel.js';
import type { Services } from '../../src/app.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { blockActionBody, eventBody, signedSlackRequest, startFakeSlack, type FakeSlack } from '../support/fake-slack.js';
import { adapterContract, dedupeLogRows, waitForCount, type SeenReply } from './adapter-contract.js';
import { startServices } from './services.js';

const SECRET = 'contract-signing-secret';
let env: { services: Services; stop(): Promise<void> };
let fake: FakeSlack;
let slack: SlackChannel;
let app: ReturnType<typeof createHttpApp>;

beforeAll(async () => {
  env = await startServices();
  fake = await startFakeSlack();
  const log = createLogger('silent');
  slack = new SlackChannel({ token: fake.botToken, signingSecret: SECRET, apiUrl: `${fake.url}/api/`, pipeline: env.services.pipeline, inbox: new InboxStore(env.services.database), log, sender: { perChannelIntervalMs: 0 } });
  await slack.start();
  app = createHttpApp({ pipeline: env.services.pipeline, log, clock: () => new Date(), readiness: {}, slackEvents: (r) => slack.handleRequest(r) });
});
afterAll(async () => {
  await slack?.stop();
  await fake?.close();
  await env?.stop();
});

const send = (body: string) => app.request(signedSlackRequest('http://localhost/slack/events', body, SECRET));
/** Slack escapes & < > in the text it delivers. */
const slackEscape = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function seen(chat: string): SeenReply[] {
  return fake
    .callsTo('chat.postMessage')
    .filter((c) => c.params.channel === `D${chat}` && !c.failed)
    .map((c) => {
      const blocks = (c.params.blocks ?? []) as { type: string; text?: { text: string }; elements?: { text?: string; value?: string }[] }[];
      const visible = blocks.flatMap((b) => (b.text ? [b.text.text] : b.type === 'context' ? (b.elements ?? []).map((e) => e.text ?? '') : [])).join('\n');
      const buttons = blocks.filter((b) => b.type === 'actions').flatMap((b) => (b.elements ?? []).map((e) => e.value ?? ''));
      return { visible, buttons };
    });
}

adapterContract('slack', () => ({
  sendText: async (chat, text, updateId) =>
    void (await send(eventBody({ type: 'message', text: slackEscape(text), channel: `D${chat}`, channelType: 'im', user: `U${chat}`, eventId: `Ev${updateId}` }))),
  sendOwnMessage: async (chat, text, updateId) =>
    void (await send(eventBody({ type: 'message', text: slackEscape(text), channel: `D${chat}`, channelType: 'im', user: fake.botUserId, eventId: `Ev${updateId}` }))),
  press: async (chat, button, updateId) =>
    void (await send(blockActionBody({ actionId: 'pb-0', value: button, userId: `U${chat}`, channelId: `D${chat}`, triggerId: `tr${updateId}` }))),
  replies: (chat, count) => waitForCount(() => seen(chat), count),
  dedupeLogRows: () => dedupeLogRows(env.services.database, 'slack'),
}));
