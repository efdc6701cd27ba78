/**
 * The database send clock shared by replicas: one chat's spacing and the overall slots hold across
 * two clocks (two processes' worth of SendSlots) on one database, on PGlite and the server.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src/db/database.js';
import { DbRateClock, type RateClock } from '../../src/services/rate-clock.js';
import { InboxStore, type InboxRow } from '../../src/services/inbox-store.js';
import { SendSlots, type Prebooked } from '../../src/services/send-slots.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';

/** Two handles on one database: a second pool where there is a server (PGlite has one connection). */
async function twoHandles(t: TestDb): Promise<[Database, Database, () => Promise<void>]> {
  if (!t.url) return [t.database, t.database, async () => {}];
  const other = await openDatabase({ url: t.url, maxConnections: 2 });
  return [t.database, other, () => other.close()];
}

for (const kind of DB_KINDS) {
  describe(`database send clock (${kind})`, () => {
    // One database for the file: the tests use keys of their own.
    let t: TestDb;
    beforeAll(async () => {
      t = await openTestDb(kind);
    });
    afterAll(async () => {
      await t?.drop();
    });

    it('a chat booked by one clock is busy for the other until its interval has passed', async () => {
      const [d1, d2, close] = await twoHandles(t);
      try {
        const a = new DbRateClock(d1);
        const b = new DbRateClock(d2);
        const first = await a.book('telegram', 50, 'telegram:42', 1000);
        expect(first).toMatchObject({ wait: expect.any(Number) });
        const second = await b.book('telegram', 50, 'telegram:42', 1000);
        expect('busy' in second && second.busy).toBeGreaterThan(800);
        // Another chat is free and gets the next overall slot, at least 50 ms after the first.
        expect(await b.book('telegram', 50, 'telegram:43', 1000)).toMatchObject({ wait: expect.any(Number) });
        // A 429 for the whole platform: the next slot waits it out, whoever asks.
        await a.pause('telegram', 2000);
        expect(await b.book('telegram', 50, 'telegram:44', 1000)).toMatchObject({ wait: expect.any(Number) });
        // Each chat's row is its slot + 1 s: the slots as booked, free of how long each statement took.
        const slot = async (chat: string) =>
          Number((await d1.rows<{ ms: number }>(sql`select (extract(epoch from next_at) * 1000 - 1000)::float8 as ms from send_clock where key = ${chat}`))[0]!.ms);
        expect((await slot('telegram:43')) - (await slot('telegram:42'))).toBeGreaterThanOrEqual(50);
        expect((await slot('telegram:44')) - (await slot('telegram:43'))).toBeGreaterThanOrEqual(1950);
      } finally {
        await close();
      }
    });

    it("holds one chat's interval across two SendSlots on one database", async () => {
      const [d1, d2, close] = await twoHandles(t);
      try {
        const INTERVAL = 250;
        // The slot each take was booked: on a loaded machine PGlite's statements hold the event loop,
        // and timers after them say little.
        const used: number[] = [];
        const recording = (clock: RateClock): RateClock => ({
          pause: (key, ms) => clock.pause(key, ms),
          async book(scope, interval, key, keyInterval) {
            const b = await clock.book(scope, interval, key, keyInterval);
            if ('wait' in b) used.push(Date.now() + b.wait);
            return b;
          },
        });
        const slots = [d1, d2].map((d) => new SendSlots({ perSecond: 30, perKeyIntervalMs: INTERVAL, shared: { clock: recording(new DbRateClock(d)), key: 'relay' } }));
        await Promise.all([0, 1, 2].flatMap(() => slots.map((s) => s.take('812345'))));
        used.sort((x, y) => x - y);
        expect(used).toHaveLength(6);
        for (let i = 1; i < used.length; i++) expect(used[i]! - used[i - 1]!).toBeGreaterThanOrEqual(INTERVAL);
      } finally {
        await close();
      }
    });

    it("a slot booked in the statement that stores the replies keeps the chat's interval with plain bookings", async () => {
      const [d1, d2, close] = await twoHandles(t);
      try {
        const INTERVAL = 250;
        const used: number[] = [];
        const recording = (clock: DbRateClock): RateClock => ({
          pause: (key, ms) => clock.pause(key, ms),
          statement: (...a) => clock.statement(...a),
          async book(scope, interval, key, keyInterval) {
            const b = await clock.book(scope, interval, key, keyInterval);
            if ('wait' in b) used.push(Date.now() + b.wait);
            return b;
          },
        });
        const slots = [d1, d2].map((d) => new SendSlots({ perSecond: 30, perKeyIntervalMs: INTERVAL, shared: { clock: recording(new DbRateClock(d)), key: 'relay2' } }));
        const inboxes = [d1, d2].map((d) => new InboxStore(d));
        let n = 0;
        // One inbox row answered on replica i: replies stored with the first one's slot, then sent on it.
        const answered = async (i: number) => {
          const row: InboxRow = { platform: 'telegram', updateId: `pre-${n++}`, chatId: '912345', payload: {}, status: 'pending', attempts: 1, replies: null, sent: 0 };
          await inboxes[i]!.accept(row.platform, row.updateId, row.chatId, {});
          const pre = slots[i]!.prebook('912345')!;
          let booked: Prebooked | undefined;
          const also = { ...pre, read: (r: Record<string, unknown>) => (booked = pre.read(r)) };
          expect(await inboxes[i]!.saveReplies(row, [{ text: 'a' }], undefined, also)).toBe('stored');
          const mine = booked;
          // Stored before: another attempt stores and sends nothing.
          expect(await inboxes[i]!.saveReplies(row, [{ text: 'b' }])).toBe('taken');
          if (mine) used.push(mine.readAt + mine.wait);
          if (mine) prebooked++;
          await slots[i]!.take('912345', mine);
        };
        let prebooked = 0;
        // The chat is free for the first: its slot comes from the replies' statement.
        await answered(0);
        expect(prebooked).toBe(1);
        await Promise.all([answered(1), answered(0), answered(1), ...[0, 1, 0, 1].map((i) => slots[i]!.take('912345'))]);
        used.sort((x, y) => x - y);
        // Eight sends; a prebooked slot that a plain take of the same replica overtook is left
        // unused and its send books afresh (one more booking each, see the next test).
        expect(used.length).toBeGreaterThanOrEqual(8);
        expect(used.length).toBeLessThanOrEqual(12);
        for (let i = 1; i < used.length; i++) expect(used[i]! - used[i - 1]!).toBeGreaterThanOrEqual(INTERVAL);
        const stored = await d1.rows<{ replies: unknown }>(sql`select replies from inbound_updates where update_id like 'pre-%' order by update_id`);
        expect(stored.map((r) => r.replies)).toEqual(Array.from({ length: 4 }, () => [{ text: 'a' }]));
      } finally {
        await close();
      }
    });

    it('a prebooked send that another send of the process overtook books afresh behind it', async () => {
      const INTERVAL = 300;
      const slots = new SendSlots({ perSecond: 30, perKeyIntervalMs: INTERVAL, shared: { clock: new DbRateClock(t.database), key: 'relay3' } });
      // The reply's slot is booked with its statement (the chat is free) ...
      const pre = slots.prebook('712345')!;
      const [row] = await t.database.rows<Record<string, unknown>>(sql`with ${pre.ctes} select ${pre.columns}`);
      const booked = pre.read(row!);
      expect(booked).toBeDefined();
      // ... but a progress message to the same chat asks for its turn before the reply's take.
      const left: Record<string, number> = {};
      await Promise.all([
        slots.take('712345').then(() => (left.progress = Date.now())),
        slots.take('712345', booked).then(() => (left.reply = Date.now())),
      ]);
      // Before: the reply went out on its passed slot right behind the progress message (~0 ms apart).
      expect(left.reply! - left.progress!).toBeGreaterThanOrEqual(INTERVAL - 5);
    });

    it('prunes clock rows whose time has passed', async () => {
      const clock = new DbRateClock(t.database);
      await clock.book('slack', 50, 'slack:C1', 1000);
      await t.database.rows(sql`insert into send_clock (key, next_at) values ('slack:C0', now() - interval '2 minutes')`);
      expect(await clock.prune()).toBe(1);
      const keys = await t.database.rows<{ key: string }>(sql`select key from send_clock where key like 'slack%' order by key`);
      expect(keys.map((r) => r.key)).toEqual(['slack', 'slack:C1']);
    });
  });
}
