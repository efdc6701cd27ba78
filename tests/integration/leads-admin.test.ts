/**
 * Operators' view of trade leads: the admin API (on PGlite and, with TEST_DATABASE_URL, Postgres)
 * and the `invite` / `leads` commands run through the CLI's `main`.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '../../src/cli/main.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import type { Reply } from '../../src/core/types.js';
import { openDatabase, type Database } from '../../src/db/database.js';
import { loadContent } from '../../src/domain/policy.js';
import { leadAdmin } from '../../src/http/admin-leads.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { LeadService } from '../../src/services/lead-service.js';
import { LeadStore, type LeadInput } from '../../src/services/lead-store.js';
import { Notifier } from '../../src/services/notifier.js';
import { PatentStore } from '../../src/services/patent-store.js';
import { StaffStore } from '../../src/services/staff-store.js';
import { UserStore } from '../../src/services/user-store.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';

const CONTENT_DIR = path.join(PACKAGE_ROOT, 'content');
const content = loadContent(CONTENT_DIR);
const TOKEN = 'admin-token-0123456789';
const AGENCY = 'xiangjiang-ip-trading'; // trading, Hunan: first in line for a Hunan "buy" lead
const SECRET = { phone: '13812345678', email: 'buyer@example.cn', notes: 'call after 6pm', need: 'need-sodium-battery-licence' };
/**
 * The one instant the lead service, the admin API and the seeded rows read: a Tuesday, 14:00 China
 * time. Claim deadlines count China's working hours, so the wall clock would make them (and what
 * is due when) depend on the time of day the suite runs.
 */
const NOW = new Date('2026-03-10T06:00:00Z');
const clock = () => NOW;

function leadStore(db: Database['db']): LeadStore {
  return new LeadStore(db, { agencies: content.agencies.agencies, dailyLimit: 50, claimedNotice: () => ({ zh: '已认领', en: 'claimed' }) });
}

async function seedLead(db: Database['db'], users: UserStore, who: string, extra: Partial<LeadInput> = {}, at = NOW) {
  const user = await users.upsert('web', who, 'zh');
  const res = await leadStore(db).create({ userId: user.id, type: 'buy', province: 'Hunan', locale: 'zh', ...SECRET, ...extra }, at);
  if (res.kind !== 'created') throw new Error('lead not created');
  return res;
}

describe.each(DB_KINDS)('lead admin API on %s', (kind) => {
  let tdb: TestDb;
  let service: LeadService;
  let app: ReturnType<typeof createHttpApp>;
  const sent: { chatId: string; text: string }[] = [];
  const get = (url: string, token: string | null = TOKEN) => app.request(url, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  const post = (url: string, token: string | null = TOKEN) => app.request(url, { method: 'POST', ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
  let failedRef = '';
  let notifiedRef = '';
  let failedOfferId = 0;

  beforeAll(async () => {
    tdb = await openTestDb(kind);
    const db = tdb.database.db;
    const staff = new StaffStore(db);
    const users = new UserStore(db);
    const store = leadStore(db);
    service = new LeadService({
      store,
      staff,
      patents: new PatentStore(db),
      agencies: content.agencies,
      notifier: new Notifier(db),
      log: createLogger('silent'),
      clock,
    });
    service.registerOutlet('telegram', {
      send: async (chatId: string, reply: Reply) => {
        sent.push({ chatId, text: reply.text });
        return String(sent.length);
      },
      edit: async () => {},
      post: async () => 'sent',
    });
    await staff.bindInbox(AGENCY, 'telegram', '-1001', null);

    const failed = await seedLead(db, users, `${kind}-a`, {}, new Date(NOW.getTime() - 60_000));
    failedRef = failed.lead.ref;
    failedOfferId = failed.offer!.id;
    expect(failed.offer?.agencySlug).toBe(AGENCY);
    expect(await store.markFailed(failed.offer!, 'OutletError: bot was removed from the group', false, new Date(NOW.getTime() - 60_000))).toBeUndefined();

    const notified = await seedLead(db, users, `${kind}-b`, { type: 'license', province: 'Hubei' });
    notifiedRef = notified.lead.ref;
    // Notified, with an hour left to claim it: never overdue on this clock.
    await store.markSent(notified.offer!, '42', new Date(NOW.getTime() + 3_600_000), NOW);

    app = createHttpApp({
      pipeline: {} as Pipeline,
      log: createLogger('silent'),
      clock,
      readiness: {},
      admin: { token: TOKEN, exportCsv: async () => undefined, leads: leadAdmin(service, clock) },
    });
  });
  afterAll(async () => {
    await service?.stop();
    await tdb?.drop();
  });

  it('refuses every lead route without the admin token', async () => {
    for (const token of [null, 'wrong-token-0123456789']) {
      expect((await get('/admin/api/leads', token)).status).toBe(401);
      expect((await get(`/admin/api/leads/${failedRef}`, token)).status).toBe(401);
      expect((await get('/admin/api/lead-notices/dead', token)).status).toBe(401);
      expect((await post(`/admin/api/lead-notices/${failedOfferId}/retry`, token)).status).toBe(401);
    }
    // Nothing was retried by the refused request.
    expect((await service.store.offer(failedOfferId))?.status).toBe('failed');
  });

  it('lists leads newest first without contact data, filtered by status', async () => {
    const res = await get('/admin/api/leads');
    expect(res.status).toBe(200);
    const body = (await res.json()) as { leads: Record<string, unknown>[] };
    expect(body.leads.map((l) => l.ref)).toEqual([notifiedRef, failedRef]);
    expect(body.leads[0]).toEqual({ ref: notifiedRef, type: 'license', province: 'Hubei', status: 'notified', agency: AGENCY, createdAt: expect.any(String), updatedAt: expect.any(String) });
    const raw = JSON.stringify(body);
    for (const v of Object.values(SECRET)) expect(raw).not.toContain(v);

    const onlyNew = (await (await get('/admin/api/leads?status=new')).json()) as { leads: { ref: string }[] };
    expect(onlyNew.leads.map((l) => l.ref)).toEqual([failedRef]);
    expect(((await (await get('/admin/api/leads?status=won')).json()) as { leads: unknown[] }).leads).toEqual([]);
    expect(((await (await get('/admin/api/leads?limit=1')).json()) as { leads: { ref: string }[] }).leads.map((l) => l.ref)).toEqual([notifiedRef]);

    const bad = await get('/admin/api/leads?status=open');
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: 'BAD_STATUS', message: expect.stringContaining('contacted') } });
    expect((await get('/admin/api/leads?limit=0')).status).toBe(400);
    expect((await get('/admin/api/leads?limit=ten')).status).toBe(400);
  });

  it('shows one lead with its contact data, offers and audit trail; 404 for an unknown ref', async () => {
    const res = await get(`/admin/api/leads/${failedRef.toLowerCase()}`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { lead: Record<string, unknown>; offers: Record<string, unknown>[]; events: Record<string, unknown>[] };
    expect(body.lead).toMatchObject({ ref: failedRef, type: 'buy', province: 'Hunan', status: 'new', agency: AGENCY, ...SECRET });
    expect(body.offers).toEqual([
      { id: failedOfferId, agency: AGENCY, platform: 'telegram', status: 'failed', attempts: 0, error: 'OutletError: bot was removed from the group', sentAt: null, deadlineAt: null },
    ]);
    expect(body.events.map((e) => [e.actor, e.action, e.from, e.to, e.agency])).toEqual([
      [expect.stringMatching(/^user:\d+$/), 'created', null, 'new', null],
      ['system', 'offered', 'new', 'new', AGENCY],
      ['system', 'notice_failed', 'new', 'new', AGENCY],
    ]);
    expect(body.events.every((e) => typeof e.at === 'string' && !Number.isNaN(Date.parse(e.at as string)))).toBe(true);

    const missing = await get('/admin/api/leads/L-NOSUCH');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('lists dead-lettered notices and sends one again on retry', async () => {
    const dead = (await (await get('/admin/api/lead-notices/dead')).json()) as { dead: Record<string, unknown>[] };
    expect(dead.dead).toEqual([
      { offerId: failedOfferId, ref: failedRef, agency: AGENCY, platform: 'telegram', attempts: 0, error: 'OutletError: bot was removed from the group', updatedAt: expect.any(String) },
    ]);

    expect((await post('/admin/api/lead-notices/abc/retry')).status).toBe(400);
    expect((await post('/admin/api/lead-notices/1.5/retry')).status).toBe(400);
    expect((await post('/admin/api/lead-notices/999999/retry')).status).toBe(404);
    expect((await post('/admin/api/lead-notices/99999999999/retry')).status).toBe(404);

    const before = sent.length;
    const res = await post(`/admin/api/lead-notices/${failedOfferId}/retry`);
    expect(res.status).toBe(202);
    expect(await res.json()).toEqual({ retried: true });
    // The retry kicked a delivery pass: the notice reaches the inbox and the offer is sent.
    await vi.waitFor(async () => expect((await service.store.offer(failedOfferId))?.status).toBe('sent'), { timeout: 10_000, interval: 50 });
    expect(sent.slice(before).map((s) => s.chatId)).toEqual(['-1001']);
    expect(sent.at(-1)!.text).toContain(failedRef);
    expect((await service.store.byRef(failedRef))?.status).toBe('notified');

    expect(((await (await get('/admin/api/lead-notices/dead')).json()) as { dead: unknown[] }).dead).toEqual([]);
    // Not failed any more: a second retry finds nothing.
    const again = await post(`/admin/api/lead-notices/${failedOfferId}/retry`);
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: 'NOT_FOUND' } });
  });

  it('has no lead routes when the admin API is built without them', async () => {
    const bare = createHttpApp({ pipeline: {} as Pipeline, log: createLogger('silent'), clock, readiness: {}, admin: { token: TOKEN, exportCsv: async () => undefined } });
    expect((await bare.request('/admin/api/leads', { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(404);
  });
});

/** Runs `patent-bridge <argv>` in-process with the environment given; captures stdout and stderr. */
async function cli(argv: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  for (const [k, v] of Object.entries({ DATABASE_URL: undefined, MEILI_URL: undefined, MEILI_MASTER_KEY: undefined, LOG_LEVEL: 'silent', CONTENT_DIR: CONTENT_DIR, ...env })) vi.stubEnv(k, v);
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    const code = await main(argv);
    return { code, out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    vi.unstubAllEnvs();
  }
}

describe('invite and leads: argument checks', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pb-cli-args-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const run = (...argv: string[]) => cli(argv, { DATA_DIR: dir });

  it('rejects a missing or unknown role with exit 2', async () => {
    for (const argv of [['invite'], ['invite', 'admin', '--agency', AGENCY], ['invite', 'staff', 'organiser', '--agency', AGENCY]]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err).toMatch(/invite/);
      expect(r.out).toBe('');
    }
    expect((await run('invite')).err).toContain('staff or organiser');
  });

  it('rejects a missing or unknown slug with exit 2 and lists the valid ones', async () => {
    const agencies = content.agencies.agencies.map((a) => a.slug);
    for (const argv of [['invite', 'staff'], ['invite', 'staff', '--agency', 'no-such-agency'], ['invite', 'staff', '--agency', 'expo-2026-wuhan']]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      for (const slug of [...agencies, 'coordinator']) expect(r.err).toContain(slug);
      expect(r.out).toBe('');
    }
    expect((await run('invite', 'staff', '--agency', 'no-such-agency')).err).toContain('"no-such-agency" is not in');
    for (const argv of [['invite', 'organiser'], ['invite', 'organiser', '--expo', AGENCY]]) {
      const r = await run(...argv);
      expect(r.code, argv.join(' ')).toBe(2);
      for (const e of content.expos.expos) expect(r.err).toContain(e.slug);
      expect(r.err).not.toContain('coordinator');
    }
    // The wrong flag for the role, a flag without its value, a bad --days.
    expect((await run('invite', 'organiser', '--agency', AGENCY)).code).toBe(2);
    expect((await run('invite', 'staff', '--agency')).code).toBe(2);
    expect((await run('invite', 'staff', '--agency', AGENCY, '--days', '0')).code).toBe(2);
    expect((await run('invite', 'staff', '--agency', AGENCY, '--days', 'week')).code).toBe(2);
  });

  it('rejects a bad --status or --limit for leads with exit 2, listing the statuses', async () => {
    const r = await run('leads', '--status', 'open');
    expect(r.code).toBe(2);
    expect(r.err).toContain('new, notified, claimed, contacted, won, lost');
    expect((await run('leads', '--limit', '0')).code).toBe(2);
    expect((await run('leads', '--limit', 'all')).code).toBe(2);
  });

  it('checked all that without opening the database', () => {
    expect(readdirSync(dir)).toEqual([]);
  });
});

/**
 * Each command starts the services (PGlite, Meilisearch) and the lead listing runs six: ~40 s on
 * an idle 2-core machine, past the default 60 s at load 7. A deadline for finishing, not a measure.
 */
const COMMANDS_MS = 180_000;

describe.each(DB_KINDS)('invite and leads commands on %s', (kind) => {
  let dir: string;
  let tdb: TestDb | undefined;
  let env: Record<string, string | undefined>;
  /** The database the command used, opened after it has closed it. */
  const withDb = async <T>(fn: (db: Database) => Promise<T>): Promise<T> => {
    if (tdb) return fn(tdb.database);
    const db = await openDatabase({ pgliteDir: path.join(dir, 'pg') });
    try {
      await db.migrate();
      return await fn(db);
    } finally {
      await db.close();
    }
  };

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pb-cli-'));
    if (kind === 'postgres') tdb = await openTestDb('postgres');
    env = { DATA_DIR: dir, ...(tdb ? { DATABASE_URL: tdb.url } : {}) };
    // The embedded database is created here, in the hook: a fresh on-disk PGlite (initdb) costs ~7 s
    // of CPU, 50 s of wall time at load 18 on 2 cores, which left the first command's test no room
    // in its 60 s; a reopen costs ~0.5 s. The commands below find it as a second run would.
    await withDb(async () => {});
  });
  afterAll(async () => {
    await tdb?.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints a staff invite code that works once, and never logs it', async () => {
    // The command runs on the wall clock (main takes no clock): its expiry lies 3 days after an
    // instant between these two, however long the command took and whatever the time of day.
    const before = Date.now();
    const r = await cli(['invite', 'staff', '--agency', AGENCY, '--days', '3'], { ...env, LOG_LEVEL: 'debug' });
    const after = Date.now();
    expect(r.code, r.err).toBe(0);
    const code = /invite code: ([2-9A-HJ-NP-Z]{5}-[2-9A-HJ-NP-Z]{5})/.exec(r.out)?.[1];
    expect(code).toBeDefined();
    expect(r.out).toContain(`send /join ${code} to the bot in Telegram, or /patent join ${code} in Slack`);
    const expires = Date.parse(/expires:\s+(\S+)/.exec(r.out)![1]!);
    expect(expires).toBeGreaterThanOrEqual(before + 3 * 86_400_000);
    expect(expires).toBeLessThanOrEqual(after + 3 * 86_400_000);
    // The log (stderr) tells that an invite was made, never the code.
    expect(r.err).toContain('invite created');
    expect(r.err).not.toContain(code!);
    expect(r.err).not.toContain(code!.replace('-', ''));

    await withDb(async (db) => {
      const user = await new UserStore(db.db).upsert('telegram', `${kind}-staff-1`, 'zh');
      const staff = new StaffStore(db.db);
      const joined = await staff.join(user.id, code!.toLowerCase(), 'Li', new Date(after));
      expect(joined).toMatchObject({ kind: 'joined', member: { role: 'staff', scope: AGENCY } });
      const other = await new UserStore(db.db).upsert('telegram', `${kind}-staff-2`, 'zh');
      expect((await staff.join(other.id, code!, 'Wang', new Date(after))).kind).toBe('invalid');
    });
  }, COMMANDS_MS);

  it('prints organiser and coordinator invites scoped to what was asked', async () => {
    const expo = content.expos.expos[0]!.slug;
    const issued = new Date();
    const org = await cli(['invite', 'organiser', '--expo', expo], env);
    expect(org.code, org.err).toBe(0);
    const coord = await cli(['invite', 'staff', '--agency', 'coordinator'], env);
    expect(coord.code, coord.err).toBe(0);
    const codeOf = (out: string) => /invite code: (\S+)/.exec(out)![1]!;
    await withDb(async (db) => {
      const users = new UserStore(db.db);
      const staff = new StaffStore(db.db);
      const a = await users.upsert('slack', `${kind}-org`, 'en');
      expect(await staff.join(a.id, codeOf(org.out), null, issued)).toMatchObject({ kind: 'joined', member: { role: 'organiser', scope: expo } });
      const b = await users.upsert('slack', `${kind}-coord`, 'en');
      expect(await staff.join(b.id, codeOf(coord.out), null, issued)).toMatchObject({ kind: 'joined', member: { role: 'staff', scope: 'coordinator' } });
    });
  }, COMMANDS_MS);

  it('lists leads newest first without contact data, as a table and as JSON lines', async () => {
    expect((await cli(['leads'], env)).out).toBe('no leads\n');
    const refs = await withDb(async (db) => {
      const users = new UserStore(db.db);
      await new StaffStore(db.db).bindInbox(AGENCY, 'telegram', '-1002', null);
      // A second apart on the injected instant: "newest first" cannot hang on two rows' milliseconds.
      const first = await seedLead(db.db, users, `${kind}-cli-a`);
      const second = await seedLead(db.db, users, `${kind}-cli-b`, { type: 'invest', province: undefined }, new Date(NOW.getTime() + 1000));
      await leadStore(db.db).markSent(first.offer!, '1', null, NOW);
      return { first: first.lead, second: second.lead };
    });

    const table = await cli(['leads'], env);
    expect(table.code, table.err).toBe(0);
    const lines = table.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^REF\s+CREATED\s+TYPE\s+PROVINCE\s+STATUS\s+AGENCY$/);
    expect(lines).toHaveLength(3);
    expect(lines[1]!.split(/\s+/)).toEqual([refs.second.ref, refs.second.createdAt.toISOString().replace(/\.\d{3}Z$/, 'Z'), 'invest', '-', 'new', '-']);
    expect(lines[2]!.split(/\s+/)).toEqual([refs.first.ref, expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/), 'buy', 'Hunan', 'notified', AGENCY]);
    for (const v of Object.values(SECRET)) expect(table.out).not.toContain(v);

    const json = await cli(['leads', '--json'], env);
    expect(json.code).toBe(0);
    const rows = json.out.trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows).toEqual([
      { ref: refs.second.ref, created: expect.any(String), type: 'invest', province: null, status: 'new', agency: null },
      { ref: refs.first.ref, created: expect.any(String), type: 'buy', province: 'Hunan', status: 'notified', agency: AGENCY },
    ]);
    for (const v of Object.values(SECRET)) expect(json.out).not.toContain(v);

    const filtered = await cli(['leads', '--status', 'notified', '--json'], env);
    expect(filtered.out.trimEnd().split('\n').map((l) => (JSON.parse(l) as { ref: string }).ref)).toEqual([refs.first.ref]);
    expect((await cli(['leads', '--limit', '1', '--json'], env)).out.trimEnd().split('\n')).toHaveLength(1);
    expect((await cli(['leads', '--status', 'won'], env)).out).toBe('no won leads\n');
  }, COMMANDS_MS);
});
