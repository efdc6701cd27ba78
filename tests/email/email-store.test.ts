/**
 * The e-mail address table on PGlite and (with TEST_DATABASE_URL) the Postgres server: addresses
 * checked and normalised, replaced with a fresh consent, three permanent refusals in a row mark the
 * address bounced (an accepted mail resets the count), the audience counts web users with a usable
 * address as e-mail recipients, unsubscribe deletes it and forgetting the person cascades.
 */
import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { BroadcastStore } from '../../src/services/broadcast-store.js';
import { EmailStore, normaliseAddress } from '../../src/services/email-store.js';
import { UserStore } from '../../src/services/user-store.js';
import { DB_KINDS, openTestDb } from '../support/db.js';

describe('e-mail addresses', () => {
  it('checks and normalises addresses', () => {
    expect(normaliseAddress(' Li.Lei+expo@Mail.Example.CN ')).toBe('Li.Lei+expo@mail.example.cn');
    expect(normaliseAddress('mailto:a@b.example')).toBe('a@b.example');
    for (const bad of ['a@', '@b.example', 'a@b', 'a b@c.example', 'a@b..example', '<a@b.example>', `${'x'.repeat(65)}@b.example`, 'a@b.example,c@d.example']) expect(normaliseAddress(bad), bad).toBeUndefined();
  });

  for (const kind of DB_KINDS) {
    it(`stores, bounces, counts and deletes (${kind})`, async () => {
      const db = await openTestDb(kind);
      try {
        const users = new UserStore(db.database.db);
        const emails = new EmailStore(db.database.db);
        const audience = new BroadcastStore(db.database);
        const a = await users.upsert('web', 'w-a', 'en');
        const b = await users.upsert('web', 'w-b', 'zh');
        const t = await users.upsert('telegram', '4242', 'zh');
        for (const u of [a, b, t]) await users.setSubscribed(u.id, true);
        await emails.set(a.id, 'a@mail.example', new Date('2026-11-23T02:00:00Z'));
        expect(await audience.audienceCounts({ kind: 'subscribers' })).toMatchObject({ email: 1, telegram: 1, noPush: 1 });
        expect(await emails.mailboxOfWebUser('w-a')).toEqual({ userId: a.id, address: 'a@mail.example', locale: 'en' });

        expect(await emails.recordOutcome(a.id, 'permanent')).toBe(false);
        expect(await emails.recordOutcome(a.id, 'permanent')).toBe(false);
        await emails.recordOutcome(a.id, 'accepted');
        expect(await emails.recordOutcome(a.id, 'permanent')).toBe(false);
        expect(await emails.recordOutcome(a.id, 'permanent')).toBe(false);
        expect(await emails.recordOutcome(a.id, 'permanent')).toBe(true);
        expect(await emails.mailbox(a.id)).toBeUndefined();
        expect((await audience.audienceCounts({ kind: 'subscribers' })).email).toBe(0);
        // A new address (new consent) starts afresh.
        await emails.set(a.id, 'a2@mail.example', new Date('2026-11-24T02:00:00Z'));
        expect((await emails.mailbox(a.id))?.address).toBe('a2@mail.example');

        expect(await emails.unsubscribe(a.id)).toBe(true);
        expect(await emails.has(a.id)).toBe(false);
        const [row] = await db.database.rows<{ subscribed: boolean; unsub: boolean }>(sql`select subscribed, unsubscribed_at is not null as unsub from users where id = ${a.id}`);
        expect(row).toEqual({ subscribed: false, unsub: true });

        await emails.set(b.id, 'b@mail.example', new Date('2026-11-23T02:00:00Z'));
        await users.forget(b.id);
        const [left] = await db.database.rows<{ n: number }>(sql`select count(*)::int as n from email_addresses`);
        expect(left!.n).toBe(0);
      } finally {
        await db.drop();
      }
    });
  }
});
