import { describe, expect, it } from 'vitest';
import { TelegramSender } from '../../bots/telegram/telegram-sender.js';
import { createLogger } from '../../src/util/log.js';

/** A virtual clock: sleeping advances time instantly, so limits are checked exactly. */
function harness(opts: { perSecond?: number; perChat?: number } = {}) {
  let now = 0;
  const sent: { chat: string; at: number }[] = [];
  const failures: unknown[] = [];
  const telegram = {
    callApi: async (_method: string, { chat_id: chat }: { chat_id: string | number }) => {
      const f = failures.shift();
      if (f) throw f;
      sent.push({ chat: String(chat), at: now });
      return {} as never;
    },
  };
  const unreachable: string[] = [];
  const sender = new TelegramSender(telegram as never, async (c) => void unreachable.push(c), createLogger('silent'), {
    perChatIntervalMs: opts.perChat ?? 1000,
    globalPerSecond: opts.perSecond ?? 30,
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  return { sender, sent, failures, unreachable, advance: (ms: number) => (now += ms) };
}

describe('TelegramSender limits', () => {
  it('never sends more than the global limit within any second (real clock)', async () => {
    const sent: number[] = [];
    const telegram = { callApi: async () => void sent.push(Date.now()) };
    const sender = new TelegramSender(telegram as never, async () => {}, createLogger('silent'), { perChatIntervalMs: 0, globalPerSecond: 10 });
    await Promise.all(Array.from({ length: 25 }, (_, i) => sender.send(String(i), { text: 'x' })));
    expect(sent).toHaveLength(25);
    sent.sort((a, b) => a - b);
    // Timer jitter can fire a few ms early; the window holds with that margin.
    for (let i = 10; i < sent.length; i++) expect(sent[i]! - sent[i - 10]!).toBeGreaterThanOrEqual(990);
  });

  it('spaces sends to different chats 1/perSecond apart (3 % wider), never a second booked at once', async () => {
    const h = harness({ perSecond: 10 });
    for (let i = 0; i < 12; i++) await h.sender.send(String(i), { text: 'x' });
    const at = h.sent.map((s) => s.at);
    for (let i = 1; i < at.length; i++) expect(at[i]! - at[i - 1]!).toBeCloseTo(103, 6);
  });

  it('spaces messages to one chat by the per-chat interval', async () => {
    const h = harness();
    for (let i = 0; i < 3; i++) await h.sender.send('1', { text: String(i) });
    // The interval plus the 20 ms arrival margin (SendSlots.KEY_MARGIN_MS).
    expect(h.sent.map((s) => s.at)).toEqual([0, 1020, 2040]);
  });

  it('retries after retry_after on 429, and gives up on other 4xx', async () => {
    const h = harness();
    h.failures.push({ response: { error_code: 429, description: 'Too Many Requests', parameters: { retry_after: 3 } } });
    expect(await h.sender.send('1', { text: 'x' })).toBe('sent');
    expect(h.sent).toEqual([{ chat: '1', at: 3000 }]);
    h.failures.push({ response: { error_code: 400, description: "Bad Request: can't parse entities" } });
    expect(await h.sender.send('2', { text: 'x' })).toBe('rejected');
  });

  it('marks 403 recipients unreachable', async () => {
    const h = harness();
    h.failures.push({ response: { error_code: 403, description: 'Forbidden: bot was blocked by the user' } });
    expect(await h.sender.send('9', { text: 'x' })).toBe('unreachable');
    expect(h.unreachable).toEqual(['9']);
  });

  it('retries network failures with back-off, then fails with a typed error', async () => {
    const h = harness();
    for (let i = 0; i < 10; i++) h.failures.push(new Error('ECONNRESET'));
    await expect(h.sender.send('1', { text: 'x' })).rejects.toMatchObject({ code: 'TELEGRAM_UNAVAILABLE' });
  });
});
