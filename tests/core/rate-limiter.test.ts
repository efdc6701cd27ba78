/**
 * The per-person (or per-address) token bucket: in memory on an injected clock, and in the
 * database shared by two limiters ("replicas") on PGlite and the server.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RateLimiter } from '../../src/core/rate-limiter.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { UserStore } from '../../src/services/user-store.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';

describe('RateLimiter in memory', () => {
  it('allows a burst of `capacity`, then refills at the rate', async () => {
    let now = 0;
    const l = new RateLimiter({ capacity: 3, refillPerSecond: 1, now: () => now });
    expect([await l.take('a'), await l.take('a'), await l.take('a'), await l.take('a')]).toEqual([true, true, true, false]);
    expect(await l.take('b')).toBe(true);
    now += 999;
    expect(await l.take('a')).toBe(false);
    now += 1;
    expect([await l.take('a'), await l.take('a')]).toEqual([true, false]);
  });
});

for (const kind of DB_KINDS) {
  describe(`RateLimiter in the database (${kind})`, () => {
    let t: TestDb;
    let other: Database;
    beforeAll(async () => {
      t = await openTestDb(kind);
      // A second pool where there is a server: two processes' worth of connections.
      other = t.url ? await openDatabase({ url: t.url, maxConnections: 2 }) : t.database;
    });
    afterAll(async () => {
      if (other && other !== t?.database) await other.close();
      await t?.drop();
    });

    it('two limiters on one database hold one limit per key', async () => {
      const opts = { capacity: 3, refillPerSecond: 0.001, scope: 'user' };
      const a = new RateLimiter({ ...opts, database: t.database });
      const b = new RateLimiter({ ...opts, database: other });
      expect([await a.take('p1'), await b.take('p1'), await a.take('p1'), await b.take('p1'), await a.take('p1')]).toEqual([true, true, true, false, false]);
      expect(await b.take('p2')).toBe(true);
      // Another scope is another limit.
      expect(await new RateLimiter({ ...opts, scope: 'ip', database: other }).take('p1')).toBe(true);
    });

    it('concurrent takes from both never hand out more than the bucket holds', async () => {
      const opts = { capacity: 5, refillPerSecond: 0.001, scope: 'user' };
      const limiters = [new RateLimiter({ ...opts, database: t.database }), new RateLimiter({ ...opts, database: other })];
      const got = await Promise.all(Array.from({ length: 20 }, (_, i) => limiters[i % 2]!.take('burst')));
      expect(got.filter(Boolean)).toHaveLength(5);
    });

    it('a take run inside the person\'s entry statement shares the bucket with plain takes', async () => {
      const opts = { capacity: 4, refillPerSecond: 0.001, scope: 'user' };
      const a = new RateLimiter({ ...opts, database: t.database });
      const b = new RateLimiter({ ...opts, database: other });
      const users = [new UserStore(t.database.db), new UserStore(other.db)];
      // Ten messages of one person on two "replicas", half through the entry statement, half alone.
      const got = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          i % 2 ? users[i % 4 === 1 ? 0 : 1]!.enter('telegram', 'rl-1', 'zh', (i % 4 === 1 ? a : b).sharedTake('telegram:rl-1')).then((e) => e.allowed) : (i % 4 ? b : a).take('telegram:rl-1'),
        ),
      );
      expect(got.filter(Boolean)).toHaveLength(4);
      // The entry statement still gives the person (made on the first message) and says "no" when the bucket is empty.
      const e = await users[0]!.enter('telegram', 'rl-1', 'zh', a.sharedTake('telegram:rl-1'));
      expect([e.user.platformUserId, e.allowed]).toEqual(['rl-1', false]);
      // Without a take nothing is limited; memory buckets offer no statement to join.
      expect((await users[0]!.enter('telegram', 'rl-1', 'zh')).allowed).toBe(true);
      expect(new RateLimiter({ capacity: 1, refillPerSecond: 1 }).sharedTake('x')).toBeUndefined();
    });

    it("refills on the database's clock", async () => {
      const l = new RateLimiter({ capacity: 1, refillPerSecond: 4, scope: 'user', database: t.database });
      expect([await l.take('r'), await l.take('r')]).toEqual([true, false]);
      await new Promise((r) => setTimeout(r, 300));
      expect(await l.take('r')).toBe(true);
    });

    it('prunes buckets that are full again, keeps the others', async () => {
      const quick = new RateLimiter({ capacity: 2, refillPerSecond: 100, scope: 'quick', database: t.database });
      const slow = new RateLimiter({ capacity: 2, refillPerSecond: 0.001, scope: 'slow', database: t.database });
      await quick.take('x');
      await slow.take('x');
      await new Promise((r) => setTimeout(r, 100));
      await quick.prune();
      const keys = await t.database.rows<{ key: string }>(sql`select key from rate_buckets where key in ('quick:x', 'slow:x')`);
      expect(keys.map((r) => r.key)).toEqual(['slow:x']);
    });
  });
}
