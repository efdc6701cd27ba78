/**
 * One contract, run against every channel adapter (web, Telegram, Slack, Feishu, DingTalk, WeCom, 微信客服) for the behaviours they
 * share: a redelivered update is answered once, the bot's own messages are ignored, user text is
 * shown literally (never as markup), and a button from a reply round-trips to the right handler.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import type { Database } from '../../src/db/database.js';

export interface SeenReply {
  /** What the person sees, with platform markup removed and entities decoded. */
  visible: string;
  /** Opaque values of the buttons under it, to press them again. */
  buttons: string[];
}

export interface AdapterHarness {
  /** Delivers a text message from user `chat` with a fixed update id (a redelivery reuses it). */
  sendText(chat: string, text: string, updateId: string): Promise<void>;
  /** Delivers a message written by the bot itself, as the platform would echo it; undefined = not applicable. */
  sendOwnMessage?(chat: string, text: string, updateId: string): Promise<void>;
  press(chat: string, button: string, updateId: string): Promise<void>;
  /** Replies sent to `chat` so far, oldest first; waits up to `count` when given. */
  replies(chat: string, count?: number): Promise<SeenReply[]>;
  /**
   * For channels whose inbox row is the dedupe (keyed by the platform's unique id): how many rows
   * this channel has in the pipeline's dedupe log (processed_updates), which must stay empty.
   */
  dedupeLogRows?(): Promise<number>;
}

/** The rows `platform` has in the pipeline's dedupe log. */
export async function dedupeLogRows(database: Database, platform: string): Promise<number> {
  const rows = await database.rows<{ n: number }>(sql`select count(*)::int as n from processed_updates where platform = ${platform}`);
  return Number(rows[0]?.n ?? 0);
}

let seq = 0;
const fresh = (p: string) => `${p}${Date.now() % 100000}${++seq}`;
const settle = () => new Promise((r) => setTimeout(r, 400));

export function adapterContract(name: string, harness: () => AdapterHarness) {
  describe(`${name} adapter contract`, () => {
    it('answers an update delivered three times exactly once', async () => {
      const h = harness();
      const chat = fresh('7');
      const id = fresh('9');
      await Promise.all([h.sendText(chat, '/help', id), h.sendText(chat, '/help', id), h.sendText(chat, '/help', id)]);
      expect(await h.replies(chat, 1)).toHaveLength(1);
      await settle();
      expect(await h.replies(chat)).toHaveLength(1);
      // Redelivered once more after it was answered: still the one answer, and the inbox row was the only dedupe.
      await h.sendText(chat, '/help', id);
      await settle();
      expect(await h.replies(chat)).toHaveLength(1);
      if (h.dedupeLogRows) expect(await h.dedupeLogRows()).toBe(0);
    });

    it('ignores its own messages', async (ctx) => {
      const h = harness();
      if (!h.sendOwnMessage) return ctx.skip();
      const chat = fresh('7');
      await h.sendOwnMessage(chat, '湖北 锂电池 专利', fresh('9'));
      await settle();
      expect(await h.replies(chat)).toEqual([]);
    });

    it('shows user text literally, never as markup', async () => {
      const h = harness();
      const chat = fresh('7');
      const typed = 'zzqx <bold>zzqw</bold> & <!here> <@U123> *zzqy*';
      await h.sendText(chat, `/search ${typed}`, fresh('9'));
      const [r] = await h.replies(chat, 1);
      expect(r!.visible).toContain(typed);
    });

    it('round-trips a button to the right handler', async () => {
      const h = harness();
      const chat = fresh('7');
      await h.sendText(chat, '湖北 锂电池 专利', fresh('9'));
      const [list] = await h.replies(chat, 1);
      const detail = list!.buttons.find((b) => b.startsWith('d:'));
      expect(detail).toBeDefined();
      await h.press(chat, detail!, fresh('9'));
      const replies = await h.replies(chat, 2);
      expect(replies[1]!.visible).toContain(detail!.slice(2));
      expect(replies[1]!.visible).toMatch(/申请人|Applicant/);
    });
  });
}

/** Polls until `get` returns at least `count` items (or the timeout), then returns them. */
export async function waitForCount<T>(get: () => T[] | Promise<T[]>, count: number | undefined, timeoutMs = 10_000): Promise<T[]> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const items = await get();
    if (count === undefined || items.length >= count || Date.now() > end) return items;
    await new Promise((r) => setTimeout(r, 25));
  }
}
