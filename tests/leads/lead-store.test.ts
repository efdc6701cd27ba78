/** LeadStore races on PGlite and on the Postgres server (many connections): one claim, one route. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { users } from '../../src/db/schema.js';
import type { Agency } from '../../src/domain/policy.js';
import { LeadStore } from '../../src/services/lead-store.js';
import { StaffStore } from '../../src/services/staff-store.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';

const agency = (slug: string, provinces: string[]): Agency =>
  ({ slug, name: { zh: slug, en: slug }, fields: ['trading'], provinces, services: { zh: 'x', en: 'x' }, contact: {} }) as unknown as Agency;
const AGENCIES = [agency('a', ['Hunan']), agency('b', ['Hunan']), agency('c', ['Hubei'])];

describe.each(DB_KINDS)('lead store on %s', (kind) => {
  let t: TestDb;
  let store: LeadStore;
  let staff: StaffStore;
  let author: number;
  const now = new Date('2026-11-23T02:00:00Z');

  beforeAll(async () => {
    t = await openTestDb(kind);
    store = new LeadStore(t.database.db, { agencies: AGENCIES, dailyLimit: 100, claimedNotice: (l) => ({ zh: l.ref, en: l.ref }) });
    staff = new StaffStore(t.database.db);
    const ids = await t.database.db.insert(users).values(Array.from({ length: 21 }, (_, i) => ({ platform: 'telegram', platformUserId: `u${i}` }))).returning({ id: users.id });
    author = ids[0]!.id;
    for (const slug of ['a', 'b', 'c']) await staff.bindInbox(slug, 'telegram', `-100${slug.charCodeAt(0)}`, null);
    for (const { id } of ids.slice(1)) await t.database.db.execute(sql`insert into staff (user_id, role, scope) values (${id}, 'staff', 'a')`);
  }, 60_000);
  afterAll(async () => t?.drop());

  it('twenty staff claiming one lead at once: exactly one claim, one author notice, one audit event', async () => {
    const res = await store.create({ userId: author, type: 'buy', province: 'Hunan', need: 'x', phone: '13800138000', locale: 'zh' }, now);
    if (res.kind !== 'created' || !res.offer) throw new Error('not routed');
    const members = await t.database.rows<{ id: number }>(sql`select id from staff order by id`);
    const results = await Promise.all(members.map((m) => store.claim(res.offer!.id, m.id, now)));
    expect(results.filter((r) => r.kind === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'taken')).toHaveLength(members.length - 1);
    expect((await store.events(res.lead.id)).filter((e) => e.action === 'claimed')).toHaveLength(1);
    expect((await t.database.rows<{ n: number }>(sql`select count(*)::int as n from notices where user_id = ${author}`))[0]!.n).toBe(1);
  });

  it('leads submitted at once are spread round-robin over the matching agencies, province first', async () => {
    const made = await Promise.all(Array.from({ length: 10 }, () => store.create({ userId: author, type: 'license', province: 'Hunan', need: 'y', email: 'a@b.cn', locale: 'en' }, now)));
    const slugs = made.map((m) => (m.kind === 'created' ? m.offer?.agencySlug : undefined));
    expect(slugs.filter((s) => s === 'a')).toHaveLength(5);
    expect(slugs.filter((s) => s === 'b')).toHaveLength(5);
  });

  it('a pass and an expiry racing on one offer move the lead on once', async () => {
    const res = await store.create({ userId: author, type: 'buy', province: 'Hubei', need: 'z', phone: '13900139000', locale: 'zh' }, now);
    if (res.kind !== 'created' || !res.offer) throw new Error('not routed');
    await store.markSent(res.offer, '1', now, now);
    const [p, e] = await Promise.all([store.release(res.offer.id, 'passed', 'staff:1', now), store.release(res.offer.id, 'expired', 'system', now)]);
    expect([p, e].filter(Boolean)).toHaveLength(1);
    const offers = await store.offersOf(res.lead.id);
    expect(offers).toHaveLength(2);
    expect(offers[1]!.status).toBe('pending');
  });
});
