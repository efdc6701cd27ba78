/**
 * A lead passed on during 国庆 (1–8 October 2025) keeps its claim window over the holiday: the
 * deadline is 4 working hours of China's calendar, so it is due on the 9th, not the next morning.
 * An injected clock walks through the holiday.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { users } from '../../src/db/schema.js';
import type { Agency } from '../../src/domain/policy.js';
import { LeadService } from '../../src/services/lead-service.js';
import { LeadStore } from '../../src/services/lead-store.js';
import { Notifier } from '../../src/services/notifier.js';
import { PatentStore } from '../../src/services/patent-store.js';
import { StaffStore } from '../../src/services/staff-store.js';
import { createLogger } from '../../src/util/log.js';
import { openTestDb, type TestDb } from '../support/db.js';

const agency = (slug: string): Agency =>
  ({ slug, name: { zh: slug, en: slug }, fields: ['trading'], provinces: ['Hunan'], services: { zh: 'x', en: 'x' }, contact: {} }) as unknown as Agency;
const AGENCIES = [agency('first'), agency('second')];
const cn = (local: string) => new Date(`${local}:00+08:00`);

describe('claim deadlines over 国庆', () => {
  let t: TestDb;
  let service: LeadService;
  let store: LeadStore;
  let now = cn('2025-10-02T10:00');
  const sent: string[] = [];

  beforeAll(async () => {
    t = await openTestDb('pglite');
    const db = t.database.db;
    store = new LeadStore(db, { agencies: AGENCIES, claimedNotice: (l) => ({ zh: l.ref, en: l.ref }) });
    const staff = new StaffStore(db);
    for (const slug of ['first', 'second']) await staff.bindInbox(slug, 'telegram', `-100${slug}`, null);
    service = new LeadService({ store, staff, patents: new PatentStore(db), agencies: { sample: true, agencies: AGENCIES }, notifier: new Notifier(db), log: createLogger('silent'), clock: () => now });
    service.registerOutlet('telegram', {
      send: async (chatId) => (sent.push(chatId), String(sent.length)),
      edit: async () => {},
      post: async () => 'sent',
    });
  }, 60_000);
  afterAll(async () => t?.drop());

  it('is due after the holiday, and does not move on overnight', async () => {
    const [author] = await t.database.db.insert(users).values({ platform: 'telegram', platformUserId: 'holiday-1' }).returning({ id: users.id });
    const made = await service.submit({ userId: author!.id, type: 'buy', province: 'Hunan', need: '锂电池', phone: '13800138000', locale: 'zh' });
    if (made.kind !== 'created') throw new Error('no lead');
    await service.idle();
    await service.deliverDue();
    const [offer] = await store.offersOf(made.lead.id);
    expect(offer).toMatchObject({ agencySlug: 'first', status: 'sent' });
    expect(offer!.deadlineAt?.toISOString()).toBe(cn('2025-10-09T13:00').toISOString());

    for (const later of ['2025-10-03T09:30', '2025-10-06T12:00', '2025-10-08T18:00', '2025-10-09T12:59']) {
      now = cn(later);
      expect(await service.sweep(), later).toBe(0);
    }
    now = cn('2025-10-09T13:00');
    expect(await service.sweep()).toBe(1);
    expect((await store.offersOf(made.lead.id)).map((o) => [o.agencySlug, o.status])).toEqual([
      ['first', 'expired'],
      ['second', 'pending'],
    ]);
  });
});
