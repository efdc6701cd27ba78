/** The fake Telegram Bot API server, driven by the real telegraf client. */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Telegraf, TelegramError } from 'telegraf';
import {
  callbackUpdate,
  parseTelegramHtml,
  startFakeTelegram,
  textUpdate,
  type FakeTelegram,
} from './fake-telegram.js';

let fake: FakeTelegram;
let bot: Telegraf;

beforeEach(async () => {
  fake = await startFakeTelegram();
  bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.url, webhookReply: false } });
});

afterEach(async () => {
  await fake.close();
});

/** The TelegramError a promise rejects with (fails the test if it resolves or throws something else). */
async function telegramError(p: Promise<unknown>): Promise<TelegramError> {
  try {
    await p;
  } catch (error) {
    expect(error).toBeInstanceOf(TelegramError);
    return error as TelegramError;
  }
  throw new Error('expected the call to fail');
}

/** Raw HTTP call, for what telegraf never sends (forms, query strings, bad tokens). */
async function raw(path: string, init?: RequestInit): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${fake.url}${path}`, init);
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe('fake Telegram Bot API', () => {
  it('answers getMe through telegraf and records the call', async () => {
    const me = await bot.telegram.getMe();
    expect(me).toEqual({
      id: 123456,
      is_bot: true,
      first_name: 'Patent Bridge',
      username: 'patent_bridge_bot',
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    });
    expect(fake.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(fake.callsTo('getMe')).toHaveLength(1);
    expect(fake.calls[0]).toMatchObject({ method: 'getMe', params: {} });
  });

  it('takes bot username and id options', async () => {
    const other = await startFakeTelegram({ token: '987:abc', botUsername: 'other_bot' });
    try {
      const b = new Telegraf(other.token, { telegram: { apiRoot: other.url, webhookReply: false } });
      expect(await b.telegram.getMe()).toMatchObject({ id: 987, username: 'other_bot' });
    } finally {
      await other.close();
    }
  });

  it('sendMessage returns a Message and records the call', async () => {
    const markup = { inline_keyboard: [[{ text: 'More', callback_data: 'more:1' }]] };
    const m1 = await bot.telegram.sendMessage(42, 'Hello', { reply_markup: markup });
    const m2 = await bot.telegram.sendMessage(42, 'Again');
    expect(m1).toMatchObject({
      message_id: 1,
      chat: { id: 42, type: 'private' },
      from: { id: 123456, is_bot: true, username: 'patent_bridge_bot' },
      text: 'Hello',
      reply_markup: markup,
    });
    expect(typeof m1.date).toBe('number');
    expect(m2.message_id).toBe(2);
    expect(m2).not.toHaveProperty('reply_markup');
    const [first] = fake.callsTo('sendMessage');
    expect(first?.params).toEqual({ chat_id: 42, text: 'Hello', reply_markup: markup });
    expect(first?.result).toEqual(m1);
    expect(first?.failed).toBeUndefined();
  });

  it('parses HTML like Telegram: plain text back, entities, escapes', async () => {
    const m = await bot.telegram.sendMessage(
      42,
      '<b>CN1234</b> &lt;hot&gt; &amp; <a href="https://example.com/p?a=1&amp;b=2">link</a> <i>x</i>',
      { parse_mode: 'HTML' },
    );
    expect(m.text).toBe('CN1234 <hot> & link x');
    expect(m.entities).toEqual([
      { type: 'bold', offset: 0, length: 6 },
      { type: 'text_link', offset: 15, length: 4, url: 'https://example.com/p?a=1&b=2' },
      { type: 'italic', offset: 20, length: 1 },
    ]);
    const ok = [
      '<strong>a</strong><em>b</em><u>c</u><ins>d</ins><s>e</s><strike>f</strike><del>g</del>',
      '<span class="tg-spoiler">s</span><tg-spoiler>t</tg-spoiler><code>c</code>',
      '<pre><code class="language-ts">let x = 1;</code></pre><blockquote expandable>q</blockquote>',
      'a & b, 5 > 3, &nbsp; &#169; &#x1F600;',
    ];
    for (const html of ok) expect(() => parseTelegramHtml(html)).not.toThrow();
    expect(parseTelegramHtml('<pre><code class="language-ts">x</code></pre>').entities).toEqual([
      { type: 'pre', offset: 0, length: 1, language: 'ts' },
    ]);
  });

  it('rejects malformed HTML with 400 and telegraf throws a TelegramError', async () => {
    const err = await telegramError(bot.telegram.sendMessage(42, '<b>unclosed', { parse_mode: 'HTML' }));
    expect(err.code).toBe(400);
    expect(err.description).toBe(
      'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    );
    const cases: [string, string][] = [
      ['price < 5 yuan', 'Unsupported start tag "" at byte offset 6'],
      ['line<br>next', 'Unsupported start tag "br" at byte offset 4'],
      ['专利 <script>', 'Unsupported start tag "script" at byte offset 7'],
      ['<b>x</i>', 'Unmatched end tag at byte offset 4, expected "</b>", found "</i>"'],
      ['x</b>', 'Unexpected end tag at byte offset 1'],
      ['<span>x</span>', 'Tag "span" must have class "tg-spoiler" at byte offset 0'],
      ['<a href=https://x.cn>x</a>', 'Unexpected end of name token at byte offset 8'],
      ['<b', 'Unclosed start tag at byte offset 0'],
    ];
    for (const [html, message] of cases) {
      const e = await telegramError(bot.telegram.sendMessage(42, html, { parse_mode: 'HTML' }));
      expect(e.description).toBe(`Bad Request: can't parse entities: ${message}`);
    }
    // Without parse_mode the same text is fine.
    await expect(bot.telegram.sendMessage(42, 'price < 5 yuan')).resolves.toMatchObject({ text: 'price < 5 yuan' });
    expect(fake.callsTo('sendMessage').filter((c) => c.failed)).toHaveLength(cases.length + 1);
  });

  it('validates text, chat_id and inline keyboards like Telegram', async () => {
    const empty = await telegramError(bot.telegram.sendMessage(42, '  \n '));
    expect(empty.description).toBe('Bad Request: message text is empty');
    const emptyHtml = await telegramError(bot.telegram.sendMessage(42, '<b></b>', { parse_mode: 'HTML' }));
    expect(emptyHtml.description).toBe('Bad Request: message text is empty');
    const long = await telegramError(bot.telegram.sendMessage(42, 'x'.repeat(4097)));
    expect(long.description).toBe('Bad Request: message is too long');
    await expect(bot.telegram.sendMessage(42, 'x'.repeat(4096))).resolves.toBeTruthy();
    // Length counts after entity parsing, as in Telegram.
    await expect(
      bot.telegram.sendMessage(42, `<b>${'x'.repeat(4096)}</b>`, { parse_mode: 'HTML' }),
    ).resolves.toBeTruthy();
    const noChat = await telegramError(bot.telegram.callApi('sendMessage', { text: 'hi' } as never));
    expect(noChat.description).toBe('Bad Request: chat_id is empty');

    const data = await telegramError(
      bot.telegram.sendMessage(42, 'pick', {
        reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'é'.repeat(33) }]] }, // 66 bytes
      }),
    );
    expect(data.description).toBe('Bad Request: BUTTON_DATA_INVALID');
    await expect(
      bot.telegram.sendMessage(42, 'pick', {
        reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'x'.repeat(64) }]] },
      }),
    ).resolves.toBeTruthy();
    const bare = await telegramError(
      bot.telegram.sendMessage(42, 'pick', { reply_markup: { inline_keyboard: [[{ text: 'A' } as never]] } }),
    );
    expect(bare.description).toBe(
      "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard",
    );
  });

  it('failNext 429 makes telegraf throw with parameters.retry_after, then recovers', async () => {
    fake.failNext('sendMessage', { code: 429, retryAfter: 7 });
    const err = await telegramError(bot.telegram.sendMessage(42, 'hi'));
    expect(err.code).toBe(429);
    expect(err.description).toBe('Too Many Requests: retry after 7');
    expect(err.parameters?.retry_after).toBe(7);
    await expect(bot.telegram.sendMessage(42, 'hi')).resolves.toMatchObject({ text: 'hi' });
    const [failed, ok] = fake.callsTo('sendMessage');
    expect(failed).toMatchObject({
      failed: true,
      error: { error_code: 429, description: 'Too Many Requests: retry after 7', parameters: { retry_after: 7 } },
    });
    expect(ok?.failed).toBeUndefined();
  });

  it('failNext 403 can target one chat and several calls', async () => {
    fake.failNext('sendMessage', { code: 403 }, { chatId: 7, times: 2 });
    await expect(bot.telegram.sendMessage(8, 'other chat')).resolves.toBeTruthy();
    for (let i = 0; i < 2; i++) {
      const err = await telegramError(bot.telegram.sendMessage(7, 'blocked'));
      expect([err.code, err.description]).toEqual([403, 'Forbidden: bot was blocked by the user']);
    }
    await expect(bot.telegram.sendMessage(7, 'unblocked')).resolves.toBeTruthy();
    fake.failNext('answerCallbackQuery', { code: 400, description: 'Bad Request: query is too old' });
    const custom = await telegramError(bot.telegram.answerCbQuery('q1'));
    expect([custom.code, custom.description]).toEqual([400, 'Bad Request: query is too old']);
  });

  it('edits, answers callbacks, deletes, sets commands, gets chats', async () => {
    const sent = await bot.telegram.sendMessage(42, 'Page 1', {
      reply_markup: { inline_keyboard: [[{ text: 'Next', callback_data: 'page:2' }]] },
    });
    const edited = await bot.telegram.editMessageText(42, sent.message_id, undefined, '<b>Page 2</b>', {
      parse_mode: 'HTML',
    });
    expect(edited).toMatchObject({ message_id: sent.message_id, text: 'Page 2', entities: [{ type: 'bold' }] });
    expect(edited).not.toHaveProperty('reply_markup'); // no reply_markup on edit removes the keyboard
    const same = await telegramError(
      bot.telegram.editMessageText(42, sent.message_id, undefined, '<b>Page 2</b>', { parse_mode: 'HTML' }),
    );
    expect(same.description).toMatch(/^Bad Request: message is not modified: /);
    const bad = await telegramError(
      bot.telegram.editMessageText(42, sent.message_id, undefined, '<i>oops', { parse_mode: 'HTML' }),
    );
    expect(bad.description).toMatch(/^Bad Request: can't parse entities: /);

    await expect(bot.telegram.answerCbQuery('cb-1', 'Done', { show_alert: true })).resolves.toBe(true);
    expect(fake.callsTo('answerCallbackQuery')[0]?.params).toEqual({
      callback_query_id: 'cb-1',
      text: 'Done',
      show_alert: true,
    });
    await expect(bot.telegram.deleteMessage(42, sent.message_id)).resolves.toBe(true);
    const gone = await telegramError(bot.telegram.deleteMessage(42, sent.message_id));
    expect(gone.description).toBe('Bad Request: message to delete not found');
    await expect(bot.telegram.setMyCommands([{ command: 'search', description: 'Search patents' }])).resolves.toBe(
      true,
    );
    await expect(bot.telegram.getMyCommands()).resolves.toEqual([{ command: 'search', description: 'Search patents' }]);
    const badCommand = await telegramError(bot.telegram.setMyCommands([{ command: 'Search!', description: 'x' }]));
    expect(badCommand.description).toBe('Bad Request: BOT_COMMAND_INVALID');
    await expect(bot.telegram.getChat(42)).resolves.toMatchObject({ id: 42, type: 'private' });
    await expect(bot.telegram.getChat(-1001234567890)).resolves.toMatchObject({ type: 'supergroup' });
  });

  it('answers unknown methods with 404 and wrong tokens with 401', async () => {
    const unknown = await telegramError(bot.telegram.callApi('sendTeleport' as never, {} as never));
    expect([unknown.code, unknown.description]).toEqual([404, 'Not Found: method not found']);
    const intruder = new Telegraf('999:wrong-token', { telegram: { apiRoot: fake.url, webhookReply: false } });
    const unauthorized = await telegramError(intruder.telegram.getMe());
    expect([unauthorized.code, unauthorized.description]).toEqual([401, 'Unauthorized']);
    expect(fake.calls.map((c) => [c.method, c.failed])).toEqual([
      ['sendTeleport', true],
      ['getMe', true],
    ]);
  });

  it('reads form-encoded, query-string and multipart parameters', async () => {
    const form = await raw(`/bot${fake.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        chat_id: '42',
        text: 'from a form',
        reply_markup: JSON.stringify({ inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] }),
      }).toString(),
    });
    expect(form.status).toBe(200);
    expect(form.body).toMatchObject({ ok: true, result: { chat: { id: 42 }, text: 'from a form' } });
    expect(fake.callsTo('sendMessage')[0]?.params).toEqual({
      chat_id: 42,
      text: 'from a form',
      reply_markup: { inline_keyboard: [[{ text: 'A', callback_data: 'a' }]] },
    });

    const query = await raw(`/bot${fake.token}/sendmessage?chat_id=43&text=${encodeURIComponent('from a query')}`);
    expect(query.body).toMatchObject({ ok: true, result: { chat: { id: 43 }, text: 'from a query' } });
    expect(fake.callsTo('sendMessage')).toHaveLength(2); // method names are case-insensitive

    const multipart = new FormData();
    multipart.set('chat_id', '44');
    multipart.set('text', 'from multipart');
    const mp = await raw(`/bot${fake.token}/sendMessage`, { method: 'POST', body: multipart });
    expect(mp.body).toMatchObject({ ok: true, result: { chat: { id: 44 }, text: 'from multipart' } });

    const bad = await raw(`/bot${fake.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'chat_id=42&text=%3Cb%3Ex&parse_mode=HTML',
    });
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({
      ok: false,
      error_code: 400,
      description: 'Bad Request: can\'t parse entities: Can\'t find end tag corresponding to start tag "b"',
    });
    expect((await raw('/nonsense')).status).toBe(404);
  });

  it('getUpdates confirms by offset, honours limit and allowed_updates', async () => {
    const a = fake.pushUpdate(textUpdate({ text: 'one' }));
    const b = fake.pushUpdate(textUpdate({ text: 'two' }));
    fake.pushUpdate({ update_id: 50, chat_member: { chat: { id: 1 } } });
    const c = fake.pushUpdate(callbackUpdate({ data: 'x' }));
    expect([a.update_id, b.update_id, c.update_id]).toEqual([1, 2, 51]);

    const first = await bot.telegram.getUpdates(0, 1, 0, []);
    expect(first.map((u) => u.update_id)).toEqual([1]);
    const again = await bot.telegram.getUpdates(0, 100, 0, []);
    expect(again.map((u) => u.update_id)).toEqual([1, 2, 51]); // chat_member is not sent by default
    const confirmed = await bot.telegram.getUpdates(0, 100, 2, []);
    expect(confirmed.map((u) => u.update_id)).toEqual([2, 51]);
    const onlyMessages = await bot.telegram.getUpdates(0, 100, 2, ['message']);
    expect(onlyMessages.map((u) => u.update_id)).toEqual([2]);
    await bot.telegram.getUpdates(0, 100, 52, []);
    expect(fake.pendingUpdates()).toEqual([]);
  });

  it('long-polls until an update is pushed', async () => {
    const started = Date.now();
    const poll = bot.telegram.getUpdates(30, 100, 0, []);
    await fake.waitFor('getUpdates');
    const pushed = fake.pushUpdate(textUpdate({ text: 'wake up' }));
    const updates = await poll;
    expect(updates).toEqual([pushed]);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fake.callsTo('getUpdates')[0]?.result).toEqual([pushed]);
    // An empty long poll ends at its timeout.
    const t0 = Date.now();
    await expect(bot.telegram.getUpdates(1, 100, pushed.update_id as number + 1, [])).resolves.toEqual([]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(900);
  });

  it('close() ends a held long poll with an empty result, promptly', async () => {
    const poll = raw(`/bot${fake.token}/getUpdates?timeout=50`);
    await fake.waitFor('getUpdates');
    const t0 = Date.now();
    await fake.close();
    const res = await poll;
    expect(res.body).toEqual({ ok: true, result: [] });
    expect(Date.now() - t0).toBeLessThan(1000);
    await expect(fake.waitFor('sendMessage', 1, 50)).rejects.toThrow(/closed/);
  });

  it('webhook: set, conflicts with getUpdates, info, delete', async () => {
    fake.pushUpdate(textUpdate({ text: 'queued' }));
    await expect(
      bot.telegram.setWebhook('https://bridge.example.com/telegram', { secret_token: 'abc_DEF-123' }),
    ).resolves.toBe(true);
    expect(fake.webhook).toEqual({ url: 'https://bridge.example.com/telegram', secretToken: 'abc_DEF-123' });
    const conflict = await telegramError(bot.telegram.getUpdates(0, 100, 0, []));
    expect([conflict.code, conflict.description]).toEqual([
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    ]);
    await expect(bot.telegram.getWebhookInfo()).resolves.toMatchObject({
      url: 'https://bridge.example.com/telegram',
      has_custom_certificate: false,
      pending_update_count: 1,
    });
    const http = await telegramError(bot.telegram.setWebhook('http://bridge.example.com/telegram'));
    expect(http.description).toBe('Bad Request: bad webhook: An HTTPS URL must be provided for webhook');
    const secret = await telegramError(
      bot.telegram.setWebhook('https://bridge.example.com/telegram', { secret_token: 'a+b/c=' }),
    );
    expect(secret.description).toBe('Bad Request: secret token contains unallowed characters');
    await expect(bot.telegram.deleteWebhook({ drop_pending_updates: true })).resolves.toBe(true);
    expect(fake.webhook).toBeUndefined();
    await expect(bot.telegram.getWebhookInfo()).resolves.toEqual({
      url: '',
      has_custom_certificate: false,
      pending_update_count: 0,
    });
  });

  it('waitFor rejects after its timeout, saying what was received', async () => {
    await bot.telegram.sendMessage(42, 'something else');
    await expect(fake.waitFor('editMessageText', 1, 100)).rejects.toThrow(
      /waited 100 ms for 1 call\(s\) of editMessageText, got 0\. Received: sendMessage×1[\s\S]*chat_id=42, text="something else"/,
    );
  });

  it('builds Bot API shaped updates', () => {
    const u = textUpdate({ text: '/search@patent_bridge_bot graphene ask @patent_team', languageCode: 'zh-hans' });
    expect(u).not.toHaveProperty('update_id');
    expect(u.message).toMatchObject({
      from: { id: 1001, is_bot: false, first_name: 'Test', language_code: 'zh-hans' },
      chat: { id: 1001, type: 'private' },
      text: '/search@patent_bridge_bot graphene ask @patent_team',
      entities: [
        { type: 'bot_command', offset: 0, length: 25 },
        { type: 'mention', offset: 39, length: 12 },
      ],
    });
    expect(textUpdate({ text: 'plain' }).message).not.toHaveProperty('entities');
    const group = textUpdate({ text: 'hi', chatType: 'supergroup', updateId: 9, userId: 5 });
    expect(group).toMatchObject({ update_id: 9, message: { chat: { type: 'supergroup', title: 'Test Supergroup' } } });
    const cb = callbackUpdate({ data: 'page:2', chatId: 77, messageId: 3 });
    expect(cb.callback_query).toMatchObject({
      from: { id: 1001, is_bot: false },
      message: { message_id: 3, chat: { id: 77 }, from: { is_bot: true } },
      data: 'page:2',
    });
    expect(typeof (cb.callback_query as { id: unknown }).id).toBe('string');
    expect(typeof (cb.callback_query as { chat_instance: unknown }).chat_instance).toBe('string');
  });

  it('bot.launch() polls, handlers reply, bot.stop() and close() finish promptly', async () => {
    const errors: unknown[] = [];
    bot.catch((err) => {
      errors.push(err);
    });
    bot.start((ctx) => ctx.reply(`Welcome, ${ctx.from.first_name}`));
    bot.action(/^page:(\d+)$/, async (ctx) => {
      await ctx.answerCbQuery();
      await ctx.editMessageText(`Page ${ctx.match[1]}`, {
        reply_markup: { inline_keyboard: [[{ text: 'Next', callback_data: 'page:3' }]] },
      });
    });

    const launched = bot.launch();
    await fake.waitFor('getUpdates'); // getMe, deleteWebhook, then the first long poll is held
    expect(fake.calls.map((c) => c.method).slice(0, 3)).toEqual(['getMe', 'deleteWebhook', 'getUpdates']);

    fake.pushUpdate(textUpdate({ text: '/start', chatId: 555, userId: 555 }));
    const [reply] = await fake.waitFor('sendMessage');
    expect(reply?.params).toMatchObject({ chat_id: 555, text: 'Welcome, Test' });
    expect(reply?.result).toMatchObject({ chat: { id: 555, type: 'private', first_name: 'Test' } });

    fake.pushUpdate(callbackUpdate({ data: 'page:2', chatId: 555, userId: 555, messageId: 9 }));
    const [edit] = await fake.waitFor('editMessageText');
    expect(edit?.params).toMatchObject({ chat_id: 555, message_id: 9, text: 'Page 2' });
    expect(edit?.failed).toBeUndefined();
    expect(fake.callsTo('answerCallbackQuery')).toHaveLength(1);

    const t0 = Date.now();
    bot.stop('test over');
    await launched;
    await fake.close();
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(errors).toEqual([]);
    // Every update was confirmed: the final getUpdates (telegraf's offset sync) carried the next offset.
    const polls = fake.callsTo('getUpdates');
    expect(polls.at(-1)?.params).toMatchObject({ limit: 1 });
    expect(fake.pendingUpdates()).toEqual([]);
    expect(fake.calls.filter((c) => c.failed)).toEqual([]);
  });

  it('a second poller on the same token gets Telegram\'s 409 conflict on the held poll', async () => {
    const first = raw(`/bot${fake.token}/getUpdates?timeout=30`);
    await fake.waitFor('getUpdates');
    const second = raw(`/bot${fake.token}/getUpdates?timeout=0`);
    const [a, b] = await Promise.all([first, second]);
    expect(a.status).toBe(409);
    expect(a.body.description).toBe(
      'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    );
    expect(b.body).toEqual({ ok: true, result: [] });
  });
});

describe('fake Telegram rate-limit mode', () => {
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

  /** Most timestamps within any half-open window (t-1000, t], by brute force. */
  const bruteMaxInWindow = (ats: number[]): number =>
    Math.max(0, ...ats.map((t) => ats.filter((u) => u > t - 1000 && u <= t).length));

  /** sendMessage over raw HTTP, without telegraf, for concurrent bursts. */
  const rawSend = (chatId: number, text: string) =>
    raw(`/bot${fake.token}/sendMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: chatId, text }),
    });

  it('refuses nothing within the limit, and accepts chats that never wrote to the bot', async () => {
    fake.rateLimit({ perSecond: 5 });
    for (let i = 0; i < 5; i++) {
      await expect(bot.telegram.sendMessage(100_000 + i, `hello ${i}`)).resolves.toMatchObject({
        chat: { id: 100_000 + i, type: 'private' },
        text: `hello ${i}`,
      });
    }
    expect(fake.rateLimited()).toBe(0);
    expect(fake.maxInWindow()).toBe(5);
    expect(fake.calls.filter((c) => c.failed)).toEqual([]);
    const sends = fake.acceptedSends();
    expect(sends.map((s) => [s.method, s.chatId, s.text])).toEqual(
      [0, 1, 2, 3, 4].map((i) => ['sendMessage', String(100_000 + i), `hello ${i}`]),
    );
    expect(sends.map((s) => s.at)).toEqual(fake.callsTo('sendMessage').map((c) => c.at));
  });

  it('answers the send one over the limit with 429 retry_after, which does not count', async () => {
    fake.rateLimit({ perSecond: 5, retryAfter: 3 });
    for (let i = 0; i < 5; i++) await bot.telegram.sendMessage(1, `m${i}`);
    const err = await telegramError(bot.telegram.sendMessage(2, 'one too many'));
    expect(err.code).toBe(429);
    expect(err.description).toBe('Too Many Requests: retry after 3');
    expect(err.parameters?.retry_after).toBe(3);
    const refused = fake.callsTo('sendMessage')[5];
    expect(refused).toMatchObject({
      failed: true,
      rateLimited: true,
      error: { error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } },
    });
    expect(refused?.result).toBeUndefined();
    // edits count too, and refusals keep coming while the window is full
    const edit = await raw(`/bot${fake.token}/editMessageText`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ chat_id: 1, message_id: 1, text: 'edited' }),
    });
    expect(edit).toEqual({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 3', parameters: { retry_after: 3 } },
    });
    expect(fake.rateLimited()).toBe(2);
    expect(fake.maxInWindow()).toBe(5);
    expect(fake.acceptedSends()).toHaveLength(5);

    // once the first send leaves the window (t-1000, t], one more fits
    const first = fake.acceptedSends()[0]!.at;
    await sleep(Math.max(0, first + 1001 - Date.now()));
    await expect(bot.telegram.sendMessage(2, 'fits now')).resolves.toMatchObject({ text: 'fits now' });
    expect(fake.rateLimited()).toBe(2);
    expect(fake.maxInWindow()).toBe(5);
  });

  it('only accepted sends count: a concurrent burst of 60 lets exactly perSecond through', async () => {
    fake.rateLimit({ perSecond: 20 });
    // The clock stands still, so the 60 arrive within one window however slow the machine is.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(50_000);
    const answers = await Promise.all(Array.from({ length: 60 }, (_, i) => rawSend(200_000 + i, `burst ${i}`))).finally(() => vi.useRealTimers());
    expect(answers.filter((a) => a.status === 200)).toHaveLength(20);
    expect(answers.filter((a) => a.status === 429)).toHaveLength(40);
    expect(fake.rateLimited()).toBe(40);
    expect(fake.maxInWindow()).toBe(20);
    expect(fake.callsTo('sendMessage').filter((c) => c.rateLimited)).toHaveLength(40);
    expect(fake.callsTo('sendMessage').filter((c) => !c.failed)).toHaveLength(20);
  });

  it('limits each chat on its own, independent of other chats', async () => {
    fake.rateLimit({ perChatPerSecond: 2 });
    await bot.telegram.sendMessage(7, 'a');
    await bot.telegram.sendMessage(7, 'b');
    const err = await telegramError(bot.telegram.sendMessage(7, 'c'));
    expect([err.code, err.parameters?.retry_after]).toEqual([429, 1]);
    for (let chat = 8; chat < 18; chat++) {
      await bot.telegram.sendMessage(chat, 'a');
      await bot.telegram.sendMessage(chat, 'b');
    }
    expect(fake.rateLimited()).toBe(1);
    // no overall limit; all 22 sends normally land within one window
    expect(fake.maxInWindow()).toBe(bruteMaxInWindow(fake.acceptedSends().map((s) => s.at)));
    const edit = await telegramError(bot.telegram.editMessageText(8, 3, undefined, 'edited'));
    expect(edit.code).toBe(429);
    expect(fake.rateLimited()).toBe(2);

    fake.rateLimit({ perSecond: 3, perChatPerSecond: 2 }); // both limits; restarting clears the windows
    expect([fake.rateLimited(), fake.maxInWindow(), fake.acceptedSends()]).toEqual([0, 0, []]);
    await bot.telegram.sendMessage(7, 'x');
    await bot.telegram.sendMessage(7, 'y');
    expect((await telegramError(bot.telegram.sendMessage(7, 'z'))).code).toBe(429); // chat limit
    await bot.telegram.sendMessage(9, 'x');
    expect((await telegramError(bot.telegram.sendMessage(10, 'x'))).code).toBe(429); // overall limit
    expect(fake.acceptedSends().map((s) => s.chatId)).toEqual(['7', '7', '9']);
  });

  it('maxInWindow is the busiest sliding window of a known sequence', async () => {
    fake.rateLimit({ perSecond: 100 });
    // pairs at about 0, 600 and 1200 ms: (t-1000, t] windows hold at most two pairs
    for (const wait of [0, 600, 600]) {
      await sleep(wait);
      await bot.telegram.sendMessage(1, 'x');
      await bot.telegram.sendMessage(2, 'x');
    }
    const ats = fake.acceptedSends().map((s) => s.at);
    expect(ats).toHaveLength(6);
    expect(fake.maxInWindow()).toBe(bruteMaxInWindow(ats));
    expect(fake.maxInWindow()).toBe(4);
    expect(fake.rateLimited()).toBe(0);
  });

  it('the window is half-open: a send exactly 1000 ms later fits again (clock pinned)', async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      fake.rateLimit({ perSecond: 2, retryAfter: 5 });
      vi.setSystemTime(10_000);
      await bot.telegram.sendMessage(1, 'a');
      vi.setSystemTime(10_400);
      await bot.telegram.sendMessage(1, 'b');
      vi.setSystemTime(10_999);
      expect((await telegramError(bot.telegram.sendMessage(1, 'c'))).parameters?.retry_after).toBe(5);
      vi.setSystemTime(11_000); // the send at 10 000 is out of (10 000, 11 000]
      await bot.telegram.sendMessage(1, 'd');
      vi.setSystemTime(11_399);
      expect((await telegramError(bot.telegram.sendMessage(1, 'e'))).code).toBe(429);
      vi.setSystemTime(11_400);
      await bot.telegram.sendMessage(1, 'f');
      expect(fake.acceptedSends().map((s) => [s.text, s.at])).toEqual([
        ['a', 10_000],
        ['b', 10_400],
        ['d', 11_000],
        ['f', 11_400],
      ]);
      expect(fake.maxInWindow()).toBe(2);
      expect(fake.rateLimited()).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('turning it off restores normal behaviour and keeps the counters readable', async () => {
    fake.rateLimit({ perSecond: 1 });
    await bot.telegram.sendMessage(1, 'a');
    expect((await telegramError(bot.telegram.sendMessage(1, 'b'))).code).toBe(429);
    fake.rateLimit(undefined);
    for (let i = 0; i < 10; i++) await bot.telegram.sendMessage(1, `free ${i}`);
    expect(fake.callsTo('sendMessage').filter((c) => c.failed)).toHaveLength(1);
    expect([fake.rateLimited(), fake.maxInWindow(), fake.acceptedSends().length]).toEqual([1, 1, 1]);
    // failNext still works, and is checked before the limiter
    fake.rateLimit({ perSecond: 1 });
    fake.failNext('sendMessage', { code: 403 });
    expect((await telegramError(bot.telegram.sendMessage(1, 'c'))).code).toBe(403);
    await bot.telegram.sendMessage(1, 'd');
    expect(fake.acceptedSends().map((s) => s.text)).toEqual(['d']);
    expect(() => fake.rateLimit({ perSecond: -1 })).toThrow(RangeError);
  });
});
