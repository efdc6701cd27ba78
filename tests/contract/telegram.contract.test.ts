import { afterAll, beforeAll } from 'vitest';
import { TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import type { Services } from '../../src/app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { callbackUpdate, startFakeTelegram, textUpdate, type FakeTelegram } from '../support/fake-telegram.js';
import { adapterContract, dedupeLogRows, waitForCount, type SeenReply } from './adapter-contract.js';
import { startServices } from './services.js';

let env: { services: Services; stop(): Promise<void> };
let fake: FakeTelegram;
let channel: TelegramChannel;
const SECRET = 'contract_secret';

beforeAll(async () => {
  env = await startServices();
  fake = await startFakeTelegram();
  channel = new TelegramChannel({
    token: fake.token,
    apiRoot: fake.url,
    publicUrl: 'https://bot.example.org',
    webhookSecret: SECRET,
    pipeline: env.services.pipeline,
    inbox: new InboxStore(env.services.database),
    users: env.services.users,
    log: createLogger('silent'),
    sender: { perChatIntervalMs: 0 },
  });
  await channel.start();
});
afterAll(async () => {
  await channel?.stop();
  await fake?.close();
  await env?.stop();
});

const deliver = (update: unknown) =>
  channel.handleWebhook(new Request('http://localhost/telegram/webhook', { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(update) }));

/** What a Telegram user sees of an HTML message. */
const visible = (html: string) => html.replace(/<[^>]+>/g, '').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');

function seen(chat: string): SeenReply[] {
  return fake
    .callsTo('sendMessage')
    .filter((c) => String(c.params.chat_id) === chat && !c.failed)
    .map((c) => ({
      visible: visible(String(c.params.text)),
      buttons: ((c.params.reply_markup as { inline_keyboard?: { callback_data: string }[][] } | undefined)?.inline_keyboard ?? []).flat().map((b) => b.callback_data),
    }));
}

adapterContract('telegram', () => ({
  sendText: async (chat, text, updateId) => void (await deliver(textUpdate({ text, chatId: Number(chat), userId: Number(chat), updateId: Number(updateId) }))),
  // Telegram does not deliver a bot's own messages to it; the nearest case is another bot's message.
  sendOwnMessage: async (chat, text, updateId) => {
    const u = textUpdate({ text, chatId: Number(chat), userId: Number(chat), updateId: Number(updateId) }) as { message: { from: Record<string, unknown> } };
    u.message.from = { id: fake.botId, is_bot: true, first_name: 'Patent Bridge', username: fake.botUsername };
    await deliver(u);
  },
  press: async (chat, button, updateId) => void (await deliver(callbackUpdate({ data: button, chatId: Number(chat), userId: Number(chat), updateId: Number(updateId) }))),
  replies: (chat, count) => waitForCount(() => seen(chat), count),
  dedupeLogRows: () => dedupeLogRows(env.services.database, 'telegram'),
}));
