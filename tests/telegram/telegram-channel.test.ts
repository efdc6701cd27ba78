/**
 * The Telegram channel end to end: real telegraf against a loopback Bot API (tests/support), real
 * pipeline, PGlite and Meilisearch with the demo content.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel, deriveWebhookSecret } from '../../bots/telegram/telegram-channel.js';
import { renderTelegram } from '../../bots/telegram/telegram-html.js';
import { TelegramSender } from '../../bots/telegram/telegram-sender.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { createMetrics } from '../../src/util/metrics.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { callbackUpdate, startFakeTelegram, textUpdate, type FakeTelegram } from '../support/fake-telegram.js';

let services: Services;
let dir: string;
let fake: FakeTelegram;
const log = createLogger('silent');

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-tg-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' });
  services = await createServices(config, log, { loadDemo: true });
});
afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

function channel(extra: Partial<ConstructorParameters<typeof TelegramChannel>[0]> = {}) {
  return new TelegramChannel({
    token: fake.token,
    apiRoot: fake.url,
    pipeline: services.pipeline,
    inbox: new InboxStore(services.database),
    users: services.users,
    log,
    pollTimeoutSeconds: 1,
    ...extra,
  });
}

const texts = (f: FakeTelegram) => f.callsTo('sendMessage').filter((c) => !c.failed).map((c) => String(c.params.text));

describe('long polling', () => {
  let ch: TelegramChannel;
  const metrics = createMetrics();
  beforeAll(async () => {
    fake = await startFakeTelegram();
    ch = channel({ metrics });
    await ch.start();
  });
  afterAll(async () => {
    await ch.stop();
    await fake.close();
  });

  it('answers a Chinese search with patents and working buttons', async () => {
    fake.pushUpdate(textUpdate({ text: '湖北 锂电池 专利', chatId: 501, userId: 501 }));
    const [call] = await fake.waitFor('sendMessage', 1);
    expect(call!.params.parse_mode).toBe('HTML');
    expect(String(call!.params.text)).toMatch(/找到 \d+ 件相关专利/);
    expect(String(call!.params.text)).toContain('湖北省');
    const keyboard = (call!.params.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] }).inline_keyboard;
    const detail = keyboard[0]![0]!;
    expect(detail.callback_data).toMatch(/^d:CN/);

    fake.pushUpdate(callbackUpdate({ data: detail.callback_data, chatId: 501, userId: 501 }));
    await fake.waitFor('answerCallbackQuery', 1);
    const calls = await fake.waitFor('sendMessage', 2);
    expect(String(calls[1]!.params.text)).toContain(detail.callback_data.slice(2));
    expect(String(calls[1]!.params.text)).toMatch(/申请人/);
  });

  it('answers an English search in English', async () => {
    const before = fake.callsTo('sendMessage').length;
    fake.pushUpdate(textUpdate({ text: 'lithium battery patents in Hubei', chatId: 502, userId: 502, languageCode: 'en' }));
    const calls = await fake.waitFor('sendMessage', before + 1);
    expect(String(calls[before]!.params.text)).toMatch(/^Found \d+ matching patents/);
  });

  it('handles commands, including /search with arguments and /language', async () => {
    const before = fake.callsTo('sendMessage').length;
    fake.pushUpdate(textUpdate({ text: '/search@patent_bridge_bot 江西 锂电池', chatId: 503, userId: 503 }));
    fake.pushUpdate(textUpdate({ text: '/language', chatId: 503, userId: 503 }));
    const calls = await fake.waitFor('sendMessage', before + 2);
    expect(String(calls[before]!.params.text)).toMatch(/江西省/);
    const lang = calls[before + 1]!.params.reply_markup as { inline_keyboard: { callback_data: string }[][] };
    expect(lang.inline_keyboard[0]!.map((b) => b.callback_data)).toEqual(['l:zh', 'l:en']);
  });

  it('escapes markup from user text, so Telegram accepts the message', async () => {
    const before = fake.callsTo('sendMessage').length;
    fake.pushUpdate(textUpdate({ text: '/search zzqx <b>x & y</a>', chatId: 504, userId: 504 }));
    const calls = await fake.waitFor('sendMessage', before + 1);
    expect(calls[before]!.failed).toBeFalsy();
    expect(String(calls[before]!.params.text)).toContain('zzqx &lt;b&gt;x &amp; y&lt;/a&gt;');
  });

  it('answers an expired or forged button without crashing', async () => {
    const before = fake.callsTo('answerCallbackQuery').length;
    fake.pushUpdate(callbackUpdate({ data: 'zz:forged', chatId: 505, userId: 505 }));
    const calls = await fake.waitFor('answerCallbackQuery', before + 1);
    expect(String(calls[before]!.params.text)).toMatch(/expired|失效/);
  });

  it('waits out a 429 and then delivers exactly one message', async () => {
    const before = texts(fake).length;
    fake.failNext('sendMessage', { code: 429, retryAfter: 1 });
    const t0 = Date.now();
    fake.pushUpdate(textUpdate({ text: '/help', chatId: 506, userId: 506 }));
    await fake.waitFor('sendMessage', fake.callsTo('sendMessage').length + 2);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(1000);
    expect(texts(fake).length).toBe(before + 1);
  });

  it('gets past an update it can never handle instead of polling it again and again', async () => {
    const before = texts(fake).length;
    fake.pushUpdate({ message: { message_id: 1, date: 1, text: 'no chat', from: { id: 509, is_bot: false, first_name: 'A' } } });
    fake.pushUpdate(textUpdate({ text: '/help\u0000', chatId: 509, userId: 509 }));
    await expect.poll(() => texts(fake).length, { timeout: 10_000 }).toBe(before + 1);
    expect(fake.pendingUpdates()).toEqual([]);
  });

  it('marks a user who blocked the bot unreachable, and carries on', async () => {
    await services.users.upsert('telegram', '507', 'zh');
    fake.failNext('sendMessage', { code: 403 }, { chatId: 507 });
    fake.pushUpdate(textUpdate({ text: '/help', chatId: 507, userId: 507 }));
    await fake.waitFor('sendMessage', fake.callsTo('sendMessage').length + 1);
    await expect.poll(async () => (await services.database.rows<{ u: unknown }>(sql`select unreachable_at as u from users where platform = 'telegram' and platform_user_id = '507'`))[0]?.u).not.toBeNull();
    expect(await metrics.registry.metrics()).toMatch(/patent_bridge_deliveries_total\{platform="telegram",result="unreachable"\} 1/);
    const before = texts(fake).length;
    fake.pushUpdate(textUpdate({ text: '/help', chatId: 508, userId: 508 }));
    await expect.poll(() => texts(fake).length).toBe(before + 1);
  });
});

describe('webhook', () => {
  let ch: TelegramChannel;
  const post = (body: unknown, secret?: string) =>
    ch.handleWebhook(
      new Request('http://localhost/telegram/webhook', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(secret ? { 'x-telegram-bot-api-secret-token': secret } : {}) },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  beforeAll(async () => {
    fake = await startFakeTelegram();
    ch = channel({ publicUrl: 'https://bot.example.org', webhookSecret: 'test_secret-123' });
    await ch.start();
  });
  afterAll(async () => {
    await ch.stop();
    await fake.close();
  });
  afterEach(() => expect(fake.callsTo('getUpdates')).toEqual([]));

  it('registers the webhook with a secret token', () => {
    expect(fake.webhook).toMatchObject({ url: 'https://bot.example.org/telegram/webhook', secretToken: 'test_secret-123' });
  });

  it('rejects a missing or wrong secret and processes nothing', async () => {
    const u = textUpdate({ text: '/help', chatId: 601, userId: 601, updateId: 9001 });
    expect((await post(u)).status).toBe(403);
    expect((await post(u, 'wrong')).status).toBe(403);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsTo('sendMessage')).toEqual([]);
    const rows = await services.database.rows<{ n: number }>(sql`select count(*)::int as n from inbound_updates where update_id = '9001'`);
    expect(rows[0]!.n).toBe(0);
  });

  it('answers a malformed body with 4xx', async () => {
    expect((await post('{nope', 'test_secret-123')).status).toBe(400);
    expect((await post({ message: {} }, 'test_secret-123')).status).toBe(400);
    expect((await post({ update_id: 'x' }, 'test_secret-123')).status).toBe(400);
  });

  it('replies exactly once to an update delivered three times', async () => {
    const u = textUpdate({ text: '湖北 锂电池 专利', chatId: 602, userId: 602, updateId: 9002 });
    const statuses = await Promise.all([post(u, 'test_secret-123'), post(u, 'test_secret-123'), post(u, 'test_secret-123')]);
    expect(statuses.map((r) => r.status)).toEqual([200, 200, 200]);
    await fake.waitFor('sendMessage', 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(fake.callsTo('sendMessage').filter((c) => c.params.chat_id === 602 || c.params.chat_id === '602')).toHaveLength(1);
  });

  it('answers a message with a NUL in it rather than refusing it for a day of redeliveries', async () => {
    const res = await post(textUpdate({ text: '湖北\u0000 锂电池 专利', chatId: 603, userId: 603, updateId: 9004 }), 'test_secret-123');
    expect(res.status).toBe(200);
    await expect.poll(() => fake.callsTo('sendMessage').filter((c) => String(c.params.chat_id) === '603').length, { timeout: 10_000 }).toBe(1);
    expect(String(fake.callsTo('sendMessage').find((c) => String(c.params.chat_id) === '603')!.params.text)).toMatch(/找到 \d+ 件相关专利/);
  });

  it('acknowledges a message without a chat or a button without a sender, and records it as rejected', async () => {
    const noFrom = callbackUpdate({ data: 'l:en', chatId: 604, userId: 604, updateId: 9006 }) as { callback_query: Record<string, unknown> };
    delete noFrom.callback_query.from;
    expect((await post({ update_id: 9005, message: { message_id: 1, date: 1, text: 'hi' } }, 'test_secret-123')).status).toBe(200);
    expect((await post(noFrom, 'test_secret-123')).status).toBe(200);
    const rows = await services.database.rows<{ update_id: string; status: string; error: string }>(sql`select update_id, status, error from inbound_updates where update_id in ('9005', '9006') order by 1`);
    expect(rows).toEqual([
      { update_id: '9005', status: 'rejected', error: 'no_chat' },
      { update_id: '9006', status: 'rejected', error: 'no_from' },
    ]);
    await new Promise((r) => setTimeout(r, 300));
    expect(fake.callsTo('answerCallbackQuery').length + fake.callsTo('sendMessage').filter((c) => String(c.params.chat_id) === '604').length).toBe(0);
  });

  it('acknowledges with 5xx when the update cannot be stored, so Telegram retries', async () => {
    const broken = new TelegramChannel({
      token: fake.token,
      apiRoot: fake.url,
      publicUrl: 'https://bot.example.org',
      webhookSecret: 'test_secret-123',
      pipeline: services.pipeline,
      inbox: { accept: async () => Promise.reject(new Error('db down')) } as unknown as InboxStore,
      users: services.users,
      log,
    });
    const res = await broken.handleWebhook(
      new Request('http://localhost/telegram/webhook', { method: 'POST', headers: { 'x-telegram-bot-api-secret-token': 'test_secret-123' }, body: JSON.stringify(textUpdate({ text: 'hi', updateId: 9003 })) }),
    );
    expect(res.status).toBe(503);
  });

  it('derives a stable secret when none is configured', () => {
    expect(deriveWebhookSecret('1:a')).toBe(deriveWebhookSecret('1:a'));
    expect(deriveWebhookSecret('1:a')).not.toBe(deriveWebhookSecret('1:b'));
    expect(deriveWebhookSecret('1:a')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });
});

describe('sender', () => {
  it('splits a 4,000+ character reply into messages Telegram accepts', async () => {
    fake = await startFakeTelegram();
    try {
      const { Telegraf } = await import('telegraf');
      const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.url, webhookReply: false } });
      const sender = new TelegramSender(bot.telegram, async () => {}, log, { perChatIntervalMs: 0 });
      const long = Array.from({ length: 200 }, (_, i) => `第 ${i} 行：锂电池 <正极> & 负极材料`).join('\n');
      const outs = renderTelegram([{ text: long }]);
      expect(outs.length).toBeGreaterThan(1);
      for (const o of outs) expect(await sender.send('700', o)).toBe('sent');
      expect(fake.callsTo('sendMessage').every((c) => !c.failed)).toBe(true);
      expect(fake.callsTo('sendMessage')).toHaveLength(outs.length);
    } finally {
      await fake.close();
    }
  });

  it('keeps one message per second per chat', async () => {
    fake = await startFakeTelegram();
    try {
      const { Telegraf } = await import('telegraf');
      const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.url, webhookReply: false } });
      const sender = new TelegramSender(bot.telegram, async () => {}, log, { perChatIntervalMs: 300 });
      await Promise.all([sender.send('800', { text: 'a' }), sender.send('800', { text: 'b' }), sender.send('801', { text: 'c' })]);
      const at = (chat: string) => fake.callsTo('sendMessage').filter((c) => String(c.params.chat_id) === chat).map((c) => c.at);
      const [a, b] = at('800');
      expect(b! - a!).toBeGreaterThanOrEqual(290);
      expect(at('801')[0]! - a!).toBeLessThan(200);
    } finally {
      await fake.close();
    }
  });
});
