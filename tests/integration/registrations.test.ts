/** Registration rules against PGlite and, with TEST_DATABASE_URL, the Postgres server. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Notifier } from '../../src/services/notifier.js';
import { newCode, RegistrationStore } from '../../src/services/registration-store.js';
import { UserStore } from '../../src/services/user-store.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';

describe.each(DB_KINDS)('registrations on %s', (kind) => {
  let tdb: TestDb;
  let regs: RegistrationStore;
  let users: UserStore;
  const person = async (n: string) => (await users.upsert('web', `${kind}-${n}`, 'zh')).id;
  const input = (userId: number, capacity: number, expoSlug = 'expo-t') => ({ expoSlug, capacity, userId, name: '张三', organisation: '甲公司', role: 'buyer' as const, phone: '13812345678' });
  const notice = () => ({ zh: '已转正', en: 'promoted' });

  beforeAll(async () => {
    tdb = await openTestDb(kind);
    regs = new RegistrationStore(tdb.database.db);
    users = new UserStore(tdb.database.db);
  });
  afterAll(() => tdb?.drop());

  it('issues unambiguous codes', () => {
    for (let i = 0; i < 200; i++) expect(newCode()).toMatch(/^[2-9A-HJ-NP-Z]{6}$/);
  });

  it('confirms up to capacity, then waitlists with positions, and shows an existing registration again', async () => {
    const a = await person('a');
    const b = await person('b');
    const c = await person('c');
    expect((await regs.register(input(a, 1, 'expo-small'))).kind).toBe('confirmed');
    expect(await regs.register(input(b, 1, 'expo-small'))).toMatchObject({ kind: 'waitlisted', position: 1 });
    expect(await regs.register(input(c, 1, 'expo-small'))).toMatchObject({ kind: 'waitlisted', position: 2 });
    expect(await regs.register(input(b, 1, 'expo-small'))).toMatchObject({ kind: 'exists', position: 1 });
  });

  it('promotes the first waitlisted person when a confirmed one cancels, and leaves them a notice', async () => {
    const mine = await regs.mine(await person('a'));
    const res = await regs.cancel(await person('a'), mine[0]!.id, notice);
    expect(res?.cancelled.status).toBe('cancelled');
    expect(res?.promoted?.userId).toBe(await person('b'));
    expect(await regs.takeNotices(await person('b'))).toEqual([{ zh: '已转正', en: 'promoted' }]);
    expect(await regs.takeNotices(await person('b'))).toEqual([]);
    expect((await regs.mine(await person('c')))[0]).toMatchObject({ status: 'waitlisted', position: 1 });
    // Cancelling twice, or someone else's registration, does nothing.
    expect(await regs.cancel(await person('a'), mine[0]!.id, notice)).toBeUndefined();
    expect(await regs.cancel(await person('c'), mine[0]!.id, notice)).toBeUndefined();
  });

  it('pushes a promotion at once where the channel can, and marks the notice delivered', async () => {
    const first = await person('push-a');
    const tg = (await users.upsert('telegram', `${kind}-777`, 'en')).id;
    await regs.register(input(first, 1, 'expo-push'));
    await regs.register(input(tg, 1, 'expo-push'));
    const [mine] = await regs.mine(first);
    const res = await regs.cancel(first, mine!.id, () => ({ zh: '已转正', en: 'You are in' }));
    expect(res?.noticeId).toBeDefined();
    const pushed: string[] = [];
    const notifier = new Notifier(tdb.database.db);
    expect(await notifier.pushNotice(res!.noticeId!)).toBe(false); // no Telegram push registered yet
    notifier.register('telegram', async (id, text) => (pushed.push(`${id}:${text}`), true));
    expect(await notifier.pushNotice(res!.noticeId!)).toBe(true);
    expect(pushed).toEqual([`${kind}-777:You are in`]);
    expect(await regs.takeNotices(tg)).toEqual([]);
    expect(await notifier.pushNotice(res!.noticeId!)).toBe(false); // already delivered
  });

  it('gives exactly 10 seats to 50 simultaneous registrations for the last 10', async () => {
    const ids = await Promise.all(Array.from({ length: 50 }, (_, i) => person(`rush-${i}`)));
    const results = await Promise.all(ids.map((id) => regs.register(input(id, 10, 'expo-rush'))));
    expect(results.filter((r) => r.kind === 'confirmed')).toHaveLength(10);
    expect(results.filter((r) => r.kind === 'waitlisted')).toHaveLength(40);
    const positions = results.flatMap((r) => (r.kind === 'waitlisted' ? [r.position] : [])).sort((x, y) => x - y);
    expect(positions).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const codes = new Set(results.map((r) => r.registration.code));
    expect(codes.size).toBe(50);
  });

  it('anonymises a forgotten person’s registrations but keeps the seat counts', async () => {
    const d = await person('d');
    await regs.register(input(d, 100, 'expo-forget'));
    await regs.anonymise(d);
    await users.forget(d);
    const [row] = await tdb.database.rows<{ name: string | null; phone: string | null; user_id: number | null; status: string }>(
      sql`select name, phone, user_id, status from registrations where expo_slug = 'expo-forget'`,
    );
    expect(row).toEqual({ name: null, phone: null, user_id: null, status: 'confirmed' });
  });
});
