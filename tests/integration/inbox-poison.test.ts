/**
 * Poison updates and a failing inbox through the real webhook handlers, on PGlite and (with
 * TEST_DATABASE_URL) the Postgres server: text Postgres refuses is cleaned and handled, unusable
 * updates are acknowledged and recorded as rejected, a database that fails still gets a 503, and
 * nothing the update carried (names, ID and card numbers, Slack's verification token) reaches a log
 * line. The pipeline is a recorder handed in by the test: what is under test is the channel, the
 * inbox and the database.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChannel } from '../../bots/slack/slack-channel.js';
import { TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import type { InboundMessage } from '../../src/core/types.js';
import { isDataError, openDatabase } from '../../src/db/database.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { UserStore } from '../../src/services/user-store.js';
import { createLogger } from '../../src/util/log.js';
import { createMetrics } from '../../src/util/metrics.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';
import { eventBody, signedSlackRequest, startFakeSlack, VERIFICATION_TOKEN, type FakeSlack } from '../support/fake-slack.js';
import { startFakeTelegram, textUpdate, callbackUpdate, type FakeTelegram } from '../support/fake-telegram.js';

const SECRET = 'tg-secret-poison';
const SLACK_SECRET = 'slack-secret-poison';

/** Personal data and a secret planted in updates; none may appear in a log line. */
const PLANTED = { first: 'Zhangwei', last: 'Lishiming', username: 'zhang_wei_1990', id: '11010519491231002X', card: '6222021234567890128', phone: '13812345678', email: 'zw1990@example.cn', words: '我想转让锂电池专利' };
const plantedText = `${PLANTED.words} 身份证 ${PLANTED.id} 卡号 ${PLANTED.card} 电话 ${PLANTED.phone} 邮箱 ${PLANTED.email}`;

function piiUpdate(updateId: number, text = plantedText) {
  const u = textUpdate({ text, chatId: 7001, userId: 7001, updateId }) as { message: { from: Record<string, unknown> } };
  Object.assign(u.message.from, { first_name: PLANTED.first, last_name: PLANTED.last, username: PLANTED.username });
  return u;
}

describe.each(DB_KINDS)('poison and failing updates on %s', (kind) => {
  let tdb: TestDb;
  let tgFake: FakeTelegram;
  let slackFake: FakeSlack;
  let tg: TelegramChannel;
  let slack: SlackChannel;
  const metrics = createMetrics();
  const lines: string[] = [];
  const seen: InboundMessage[] = [];
  /** The inbox row's payload as stored, read while its update is being handled (before it is in `seen`, which the tests poll). */
  const stored = new Map<string, string>();
  const log = createLogger('debug', {}, (l) => lines.push(l));
  const pipeline = {
    handle: async (msg: InboundMessage) => {
      stored.set(msg.updateId, JSON.stringify((await row(msg.platform, msg.updateId))?.payload));
      seen.push(msg);
      return { replies: [{ text: 'noted' }], duplicate: false, locale: 'zh' as const };
    },
  } as unknown as Pipeline;

  const tgPost = (ch: TelegramChannel, body: unknown) =>
    ch.handleWebhook(new Request('http://localhost/telegram/webhook', { method: 'POST', headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET }, body: JSON.stringify(body) }));
  const slackPost = (ch: SlackChannel, body: string) => ch.handleRequest(signedSlackRequest('http://localhost/slack/events', body, SLACK_SECRET));
  const row = async (platform: string, updateId: string) =>
    (await tdb.database.rows<{ status: string; error: string | null; payload: unknown }>(sql`select status, error, payload from inbound_updates where platform = ${platform} and update_id = ${updateId}`))[0];

  beforeAll(async () => {
    tdb = await openTestDb(kind);
    [tgFake, slackFake] = await Promise.all([startFakeTelegram(), startFakeSlack()]);
    const inbox = new InboxStore(tdb.database, metrics);
    tg = new TelegramChannel({ token: tgFake.token, apiRoot: tgFake.url, publicUrl: 'https://bot.example.org', webhookSecret: SECRET, pipeline, inbox, users: new UserStore(tdb.database.db), log, sender: { perChatIntervalMs: 0 } });
    slack = new SlackChannel({ token: slackFake.botToken, signingSecret: SLACK_SECRET, apiUrl: `${slackFake.url}/api/`, pipeline, inbox, log, sender: { perChannelIntervalMs: 0 } });
    await Promise.all([tg.start(), slack.start()]);
  });
  afterAll(async () => {
    await Promise.all([tg?.stop(), slack?.stop()]);
    await Promise.all([tgFake?.close(), slackFake?.close()]);
    await tdb?.drop();
  });

  it('stores and answers a Telegram message with a NUL and a lone surrogate, cleaned', async () => {
    const res = await tgPost(tg, textUpdate({ text: 'find\u0000 lithium \ud800battery', chatId: 7002, userId: 7002, updateId: 880001 }));
    expect(res.status).toBe(200);
    await expect.poll(() => seen.find((m) => m.updateId === '880001')?.text, { timeout: 10_000 }).toBe('find lithium \ufffdbattery');
    await expect.poll(() => tgFake.callsTo('sendMessage').filter((c) => String(c.params.chat_id) === '7002').length, { timeout: 10_000 }).toBe(1);
  });

  it('acknowledges a message without a chat and a button press without a sender, recording them as rejected', async () => {
    const noChat = { update_id: 880002, message: { message_id: 1, date: 1, text: 'hi', from: { id: 7003, is_bot: false, first_name: PLANTED.first } } };
    const noFrom = callbackUpdate({ data: 'l:en', chatId: 7004, userId: 7004, updateId: 880003 }) as { callback_query: Record<string, unknown> };
    delete noFrom.callback_query.from;
    const badChat = { update_id: 880004, message: { message_id: 1, date: 1, text: 'hi', chat: 'nope' } };
    expect((await tgPost(tg, noChat)).status).toBe(200);
    expect((await tgPost(tg, noFrom)).status).toBe(200);
    expect((await tgPost(tg, badChat)).status).toBe(200);
    expect((await tgPost(tg, noChat)).status).toBe(200); // a redelivery changes nothing
    expect(await row('telegram', '880002')).toEqual({ status: 'rejected', error: 'no_chat', payload: {} });
    expect(await row('telegram', '880003')).toMatchObject({ status: 'rejected', error: 'no_from' });
    expect(await row('telegram', '880004')).toMatchObject({ status: 'rejected', error: 'no_chat' });
    const text = await metrics.registry.metrics();
    expect(text).toMatch(/patent_bridge_inbound_rejected_total\{platform="telegram",reason="no_chat"\} 2/);
    expect(text).toMatch(/patent_bridge_inbound_rejected_total\{platform="telegram",reason="no_from"\} 1/);
    await new Promise((r) => setTimeout(r, 300));
    expect(seen.map((m) => m.updateId)).not.toContain('880002');
  });

  it('stores and answers a Slack event with a NUL, without its verification token', async () => {
    const text = 'lithium\u0000 battery';
    const body = eventBody({ type: 'message', text, channel: 'D7100', channelType: 'im', user: 'U7100', eventId: 'EvPoison1' });
    expect(body).toContain(VERIFICATION_TOKEN);
    const res = await slackPost(slack, body);
    expect(res.status).toBe(200);
    await expect.poll(() => seen.find((m) => m.updateId === 'EvPoison1')?.text, { timeout: 10_000 }).toBe('lithium battery');
    expect(stored.get('EvPoison1')).toContain('EvPoison1');
    expect(stored.get('EvPoison1')).not.toContain(VERIFICATION_TOKEN);
    expect(JSON.stringify(seen.find((m) => m.updateId === 'EvPoison1')!.raw)).not.toContain(VERIFICATION_TOKEN);
  });

  it('tells data the database refuses from a database that fails', async () => {
    const refused = await tdb.database.rows(sql`select ${'"a\\u0000b"'}::jsonb as v`).catch((e: unknown) => e);
    expect(isDataError(refused)).toBe(true);
    const missing = await tdb.database.rows(sql`select * from no_such_table`).catch((e: unknown) => e);
    expect(isDataError(missing)).toBe(false);
  });

  it('answers 503 when the inbox write fails, and logs neither the personal data nor the Slack token', async () => {
    lines.length = 0;
    await tdb.database.rows(sql.raw(`alter table inbound_updates add constraint pb_test_refuse_writes check (status = 'never') not valid`));
    try {
      expect((await tgPost(tg, piiUpdate(13912345678))).status).toBe(503);
      const slackBody = eventBody({ type: 'message', text: plantedText, channel: 'D7200', channelType: 'im', user: 'U7200', eventId: 'EvPoison2' });
      expect((await slackPost(slack, slackBody)).status).toBe(503);
    } finally {
      await tdb.database.rows(sql.raw(`alter table inbound_updates drop constraint pb_test_refuse_writes`));
    }
    const out = lines.join('\n');
    for (const s of [...Object.values(PLANTED), VERIFICATION_TOKEN]) expect(out, `log lines contain ${s}`).not.toContain(s);
    const tgLine = lines.map((l) => JSON.parse(l)).find((l) => l.msg === 'telegram update not recorded');
    expect(tgLine.updateId).toBe(13912345678);
    expect(JSON.stringify(tgLine.err)).toContain('23514'); // which constraint failed is still there
    expect(lines.some((l) => l.includes('slack payload not recorded'))).toBe(true);
  });

  it('still answers 503 when the database is gone, so the platform retries', async () => {
    // Opened and closed again (no migrations needed: nothing gets that far).
    const gone = kind === 'pglite' ? { database: await openDatabase({ pgliteDir: 'memory://' }) } : await openTestDb(kind);
    await ('drop' in gone ? gone.drop() : gone.database.close());
    const inbox = new InboxStore(gone.database, metrics);
    const ch = new TelegramChannel({ token: tgFake.token, apiRoot: tgFake.url, publicUrl: 'https://bot.example.org', webhookSecret: SECRET, pipeline, inbox, users: new UserStore(gone.database.db), log });
    expect((await tgPost(ch, textUpdate({ text: 'a\u0000b', updateId: 880010 }))).status).toBe(503);
    expect((await tgPost(ch, { update_id: 880011, message: { text: 'no chat' } })).status).toBe(503);
    const sl = new SlackChannel({ token: slackFake.botToken, signingSecret: SLACK_SECRET, apiUrl: `${slackFake.url}/api/`, pipeline, inbox, log });
    expect((await slackPost(sl, eventBody({ type: 'message', text: 'x\u0000', channel: 'D7300', channelType: 'im', user: 'U7300' }))).status).toBe(503);
  });
});
