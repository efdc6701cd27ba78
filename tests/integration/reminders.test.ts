/** Expo reminders as a durable pg-boss job, on PGlite and (with TEST_DATABASE_URL) the Postgres server. */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ExpoCalendar } from '../../src/domain/expo.js';
import { Jobs, jobId, reminderTime } from '../../src/services/jobs.js';
import { Notifier } from '../../src/services/notifier.js';
import { RegistrationStore } from '../../src/services/registration-store.js';
import { sendExpoReminders } from '../../src/services/reminders.js';
import { UserStore } from '../../src/services/user-store.js';
import { createLogger } from '../../src/util/log.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';

const cal = (starts: string): ExpoCalendar => ({
  sample: true,
  expos: [
    {
      slug: 'expo-r',
      name: { zh: '测试博览会', en: 'Test Expo' },
      province: 'Hunan',
      city: { zh: '长沙', en: 'Changsha' },
      venue: { zh: '会展中心', en: 'Expo Centre' },
      starts,
      ends: starts,
      capacity: 2,
      registration: { opens: '2026-01-01', closes: starts },
      tickets: { zh: '免费', en: 'Free' },
      schedule: [],
    },
  ],
});

describe('reminder timing', () => {
  it('is due at 09:00 China time the day before, with one id per edition', () => {
    expect(reminderTime('2026-12-10').toISOString()).toBe('2026-12-09T01:00:00.000Z');
    expect(jobId('reminder:a')).toBe(jobId('reminder:a'));
    expect(jobId('reminder:a')).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-a[0-9a-f]{3}-[0-9a-f]{12}$/);
  });
});

/**
 * A fixed instant: Tuesday 10 March 2026, 10:00 in China. The edition below starts the next day, so
 * its reminder (09:00 China on 10 March) is due by this clock; being in the past for the database's
 * clock too, pg-boss runs it at once, whatever the time of day the test runs.
 */
const NOW = new Date('2026-03-10T02:00:00Z');

describe.each(DB_KINDS)('reminder job on %s', (kind) => {
  let tdb: TestDb;
  let jobs: Jobs;
  beforeAll(async () => {
    tdb = await openTestDb(kind);
    jobs = new Jobs(tdb.database, createLogger('silent'), () => NOW);
    await jobs.start();
  });
  afterAll(async () => {
    await jobs?.stop();
    await tdb?.drop();
  });

  it('is scheduled once, runs when due, and reaches each confirmed registrant through their channel', async () => {
    const users = new UserStore(tdb.database.db);
    const regs = new RegistrationStore(tdb.database.db);
    const web = await users.upsert('web', 'sess-reminder-1', 'zh');
    const tg = await users.upsert('telegram', '4242', 'en');
    const waiting = await users.upsert('web', 'sess-reminder-2', 'zh');
    for (const u of [web, tg, waiting]) await regs.register({ expoSlug: 'expo-r', capacity: 2, userId: u.id, name: '某人', organisation: '某单位', role: 'visitor', phone: '13812345678' });

    // Starts tomorrow in China time (by the fixed clock); an edition that started yesterday is not queued.
    const calendar = cal('2026-03-11');
    const started = cal('2026-03-09');
    started.expos[0]!.slug = 'expo-started';
    expect(await jobs.scheduleReminders({ ...calendar, expos: [...calendar.expos, ...started.expos] })).toBe(1);
    expect(await jobs.scheduleReminders(calendar)).toBe(0); // a restart does not queue it again
    const queued = await tdb.database.rows<{ start_after: Date | string; data: { slug: string } }>(sql`select start_after, data from pgboss.job where name = 'expo-reminder'`);
    expect(queued.map((r) => [r.data.slug, new Date(r.start_after).toISOString()])).toEqual([['expo-r', '2026-03-10T01:00:00.000Z']]);

    const pushed: [string, string][] = [];
    const notifier = new Notifier(tdb.database.db, { telegram: async (id, text) => (pushed.push([id, text]), true) });
    const done = new Promise<number>((resolve) => jobs.workReminders((slug) => sendExpoReminders(tdb.database.db, calendar, notifier, slug).then((n) => (resolve(n), n)), 0.5));
    expect(await done).toBe(2);
    expect(pushed).toEqual([['4242', expect.stringMatching(/^Reminder: "Test Expo" opens tomorrow .* Your confirmation code is [2-9A-HJ-NP-Z]{6}\.$/)]]);
    const rows = await tdb.database.rows<{ user_id: number; text_zh: string }>(sql`select user_id, text_zh from notices`);
    expect(rows).toEqual([{ user_id: web.id, text_zh: expect.stringMatching(/^提醒：「测试博览会」明天/) }]);
  });
});
