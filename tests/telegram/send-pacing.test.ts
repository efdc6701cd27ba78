/**
 * Pacing as Telegram sees it: real telegraf against the loopback Bot API, which records every
 * accepted send's arrival. The cap must hold over any sliding 1000 ms window (not per booked
 * second), with the in-process clock (the embedded default) and the server's database clock.
 */
import { Telegram } from 'telegraf';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramSender } from '../../bots/telegram/telegram-sender.js';
import { DbRateClock } from '../../src/services/rate-clock.js';
import { createLogger } from '../../src/util/log.js';
import { DB_KINDS, openTestDb } from '../support/db.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';

const log = createLogger('silent');
const CAP = 20;
let fake: FakeTelegram;

beforeAll(async () => {
  fake = await startFakeTelegram();
});
afterAll(async () => {
  await fake?.close();
});

/** A sender whose connection to the Bot API is open: a cold first request (connect, first parse) arrives ~100 ms late and is not what is measured. */
async function sender(opts: ConstructorParameters<typeof TelegramSender>[3]): Promise<TelegramSender> {
  const s = new TelegramSender(new Telegram(fake.token, { apiRoot: fake.url }), async () => {}, log, opts);
  expect(await s.send('1', { text: 'warm-up' })).toBe('sent');
  return s;
}

/** 2 × CAP messages to 2 × CAP chats by 8 workers (BROADCAST_CONCURRENCY's default); the most that arrived within any 1000 ms. */
async function burst(s: TelegramSender): Promise<number> {
  // A limit far above the cap: nothing is refused, every arrival is counted.
  fake.rateLimit({ perSecond: 1000 });
  const chats = Array.from({ length: 2 * CAP }, (_, i) => String(700_000 + i));
  const results: string[] = [];
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let chat = chats.shift(); chat; chat = chats.shift()) results.push(await s.send(chat, { text: 'x' }));
    }),
  );
  expect(results.filter((r) => r === 'sent')).toHaveLength(2 * CAP);
  return fake.maxInWindow();
}

describe('overall pacing over a sliding second', () => {
  it('holds with the in-process clock (the embedded default)', async () => {
    expect(await burst(await sender({ globalPerSecond: CAP, perChatIntervalMs: 1000 }))).toBeLessThanOrEqual(CAP);
  });

  // The server's clock (replicas); the embedded database uses the in-process clock (see serve.ts).
  for (const kind of DB_KINDS.filter((k) => k === 'postgres')) {
    it(`holds with the database clock (${kind})`, async () => {
      const t = await openTestDb(kind);
      try {
        const clock = new DbRateClock(t.database);
        expect(await burst(await sender({ globalPerSecond: CAP, perChatIntervalMs: 1000, shared: { clock, key: 'telegram' } }))).toBeLessThanOrEqual(CAP);
      } finally {
        await t.drop();
      }
    });
  }
});

