/**
 * The operator's dashboard: every number in its tables against seeded rows (China-time week and
 * day boundaries included), SVG charts with <title>/<desc> and patterns, operator-only access, and
 * the SQL at volume (10,000 leads, 20,000 registrations) checked against a plain recomputation —
 * on PGlite, and on the Postgres server when TEST_DATABASE_URL is set.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleAuth } from '../../src/console/console-auth.js';
import { createConsole } from '../../src/console/console-app.js';
import { dashboardData, dashboardPage, DAYS, WEEKS } from '../../src/console/pages/dashboard-page.js';
import { createLogger } from '../../src/util/log.js';
import { seedConsole } from '../../scripts/seed-console.js';
import { DB_KINDS, openTestDb, type TestDb } from '../support/db.js';

const ADMIN = 'admin-token-for-dashboard-tests';
/** Wednesday 2026-11-25, 12:00 China time: the current week starts Monday 2026-11-23. */
const NOW = new Date('2026-11-25T04:00:00Z');
const H = 3600_000;

/** The rows of the table with this data-test: header cells, and each row's cells by its first cell. */
function table(page: string, id: string): { head: string[]; rows: Map<string, string[]>; foot: string[] } {
  const m = new RegExp(`<table data-test="${id}"[^>]*>([\\s\\S]*?)</table>`).exec(page);
  if (!m) throw new Error(`no table ${id}`);
  const cells = (tr: string) => [...tr.matchAll(/<t[hd][^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => c[1]!.trim());
  const head = cells(/<thead>([\s\S]*?)<\/thead>/.exec(m[1]!)![1]!);
  const body = /<tbody>([\s\S]*?)<\/tbody>/.exec(m[1]!)![1]!;
  const rows = new Map([...body.matchAll(/<tr>([\s\S]*?)<\/tr>/g)].map((r) => cells(r[1]!)).map((c) => [c[0]!, c.slice(1)]));
  const foot = cells(/<tfoot>([\s\S]*?)<\/tfoot>/.exec(m[1]!)?.[1] ?? '');
  return { head, rows, foot };
}
/** One column of a table as { rowLabel: value }, only rows whose value is not 0 / — (and no total). */
function column(t: ReturnType<typeof table>, header: string): Record<string, string> {
  const i = t.head.indexOf(header) - 1;
  if (i < 0) throw new Error(`no column ${header} in ${t.head.join(', ')}`);
  return Object.fromEntries([...t.rows].filter(([, c]) => c[i] !== '0' && c[i] !== '—').map(([k, c]) => [k, c[i]!]));
}

describe.each(DB_KINDS)('dashboard (%s)', (kind) => {
  let t: TestDb;
  let app: ReturnType<typeof createConsole>;
  let auth: ConsoleAuth;

  /** Signs in (operator with the token, else with a chat link) and returns a GET that keeps the cookie. */
  async function signIn(as: 'operator' | { role: 'staff' | 'organiser'; scope: string }, lang = 'en') {
    let res: Response;
    if (as === 'operator') {
      res = await app.request('/console/login', { method: 'POST', body: new URLSearchParams({ token: ADMIN }), headers: { 'content-type': 'application/x-www-form-urlencoded', 'accept-language': lang } });
    } else {
      const [u] = await t.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', ${`dash-${Math.random()}`}) returning id`);
      const [m] = await t.database.rows<{ id: number }>(sql`insert into staff (user_id, role, scope) values (${u!.id}, ${as.role}, ${as.scope}) returning id`);
      res = await app.request(`/console/link/${await auth.createLink(m!.id)}`, { method: 'POST', headers: { 'accept-language': lang } });
    }
    expect(res.status).toBe(303);
    const cookie = res.headers.get('set-cookie')!.split(';')[0]!;
    return (p: string) => app.request(p, { headers: { cookie, host: 'localhost' } });
  }

  beforeAll(async () => {
    t = await openTestDb(kind);
    auth = new ConsoleAuth(t.database.db, ADMIN);
    app = createConsole({ auth, log: createLogger('silent'), secure: false, pages: [dashboardPage({ database: t.database, clock: () => NOW })] });
  });
  afterAll(async () => {
    await t?.drop();
  });

  describe('numbers', () => {
    beforeAll(async () => {
      const lead = (ref: string, type: string, status: string, created: string, claimAfterH?: number) =>
        t.database.rows(sql`insert into leads (ref, type, status, locale, consent_at, created_at, claimed_at)
          values (${ref}, ${type}, ${status}, 'zh', ${created}::timestamptz, ${created}::timestamptz, ${claimAfterH === undefined ? null : new Date(Date.parse(created) + claimAfterH * H).toISOString()}::timestamptz)`);
      await lead('L-T00001', 'buy', 'won', '2026-11-23T01:00:00Z', 2); // Mon 09:00 China
      await lead('L-T00002', 'buy', 'lost', '2026-11-22T15:30:00Z', 4); // Sun 23:30 China: the week before
      await lead('L-T00003', 'license', 'notified', '2026-11-22T16:10:00Z'); // Mon 00:10 China: this week
      await lead('L-T00004', 'sell', 'claimed', '2026-11-10T00:00:00Z', 1);
      await lead('L-T00005', 'sell', 'contacted', '2026-11-11T00:00:00Z', 3);
      await lead('L-T00006', 'demand', 'won', '2026-09-07T00:00:00Z', 10); // first day of the first week
      await lead('L-T00007', 'buy', 'new', '2026-09-06T15:00:00Z'); // Sun 23:00 China: before the 12 weeks
      await lead('L-T00008', 'consult', 'lost', '2026-11-24T00:00:00Z', 5);
      await lead('L-T00009', 'consult', 'new', '2026-11-24T00:00:00Z');

      const reg = (code: string, role: string | null, status: string, created: string) =>
        t.database.rows(sql`insert into registrations (expo_slug, role, status, code, created_at) values ('expo-2026-wuhan', ${role}, ${status}, ${code}, ${created}::timestamptz)`);
      await reg('R00001', 'buyer', 'confirmed', '2026-11-22T16:30:00Z'); // 11-23 00:30 China
      await reg('R00002', 'buyer', 'waitlisted', '2026-11-23T03:00:00Z');
      await reg('R00003', 'investor', 'confirmed', '2026-11-23T15:59:00Z'); // 11-23 23:59 China
      await reg('R00004', null, 'confirmed', '2026-10-26T16:00:00Z'); // 10-27 00:00 China: first of the 30 days
      await reg('R00005', 'visitor', 'confirmed', '2026-10-26T15:59:00Z'); // 10-26: before them
      await reg('R00006', 'exhibitor', 'cancelled', '2026-11-25T03:00:00Z');

      const bcast = async (statuses: string[]) => {
        const [b] = await t.database.rows<{ id: number }>(sql`insert into broadcasts (audience, status, total, created_at) values ('{"kind":"subscribers"}'::jsonb, 'done', ${statuses.length}, '2026-11-20T02:00:00Z') returning id`);
        for (const [i, s] of statuses.entries()) await t.database.rows(sql`insert into broadcast_deliveries (broadcast_id, platform, chat_id, status) values (${b!.id}, 'telegram', ${String(1000 + i)}, ${s})`);
        return b!.id;
      };
      await bcast(['sent', 'sent', 'sent', 'unreachable', 'failed', 'skipped', 'skipped']);
      await bcast(['sent', 'pending', 'sending', 'cancelled', 'cancelled']);
      await bcast([]);
    });

    it('leads per week by type and by outcome, in China-time weeks', async () => {
      const page = await (await (await signIn('operator'))('/console/dashboard')).text();
      const byType = table(page, 'leads-by-type');
      expect(byType.rows.size).toBe(WEEKS);
      expect([...byType.rows.keys()][0]).toBe('2026-09-07');
      expect([...byType.rows.keys()].at(-1)).toBe('2026-11-23');
      expect(column(byType, 'Total')).toEqual({ '2026-09-07': '1', '2026-11-09': '2', '2026-11-16': '1', '2026-11-23': '4' });
      expect(column(byType, 'Buy a patent')).toEqual({ '2026-11-16': '1', '2026-11-23': '1' });
      expect(column(byType, 'License a patent')).toEqual({ '2026-11-23': '1' });
      expect(column(byType, 'Sell a patent')).toEqual({ '2026-11-09': '2' });
      expect(column(byType, 'Consultation')).toEqual({ '2026-11-23': '2' });
      expect(column(byType, 'Post a technology demand')).toEqual({ '2026-09-07': '1' });
      expect(byType.foot.at(-1)).toBe('8');

      const byOutcome = table(page, 'leads-by-outcome');
      expect(byOutcome.head).toEqual(['Week of', 'won', 'lost', 'open', 'Total']);
      expect(byOutcome.rows.get('2026-11-23')).toEqual(['1', '1', '2', '4']);
      expect(byOutcome.rows.get('2026-11-16')).toEqual(['0', '1', '0', '1']);
      expect(byOutcome.rows.get('2026-11-09')).toEqual(['0', '0', '2', '2']);
      expect(byOutcome.rows.get('2026-09-07')).toEqual(['1', '0', '0', '1']);
      expect(byOutcome.foot).toEqual(['Total', '2', '2', '4', '8']);
    });

    it('median time to claim per week, with how many claims it is of', async () => {
      const page = await (await (await signIn('operator'))('/console/dashboard')).text();
      const claim = table(page, 'claim-median');
      expect(claim.head).toEqual(['Week of', 'Median (hours)', 'Leads claimed']);
      expect(column(claim, 'Median (hours)')).toEqual({ '2026-11-23': '3.5', '2026-11-16': '4.0', '2026-11-09': '2.0', '2026-09-07': '10.0' });
      expect(column(claim, 'Leads claimed')).toEqual({ '2026-11-23': '2', '2026-11-16': '1', '2026-11-09': '2', '2026-09-07': '1' });
      expect(claim.rows.get('2026-10-05')).toEqual(['—', '0']);
    });

    it('registrations per day by role over 30 China-time days', async () => {
      const page = await (await (await signIn('operator'))('/console/dashboard')).text();
      const regs = table(page, 'registrations-by-role');
      expect(regs.rows.size).toBe(DAYS);
      expect([...regs.rows.keys()][0]).toBe('2026-10-27');
      expect([...regs.rows.keys()].at(-1)).toBe('2026-11-25');
      expect(column(regs, 'Total')).toEqual({ '2026-10-27': '1', '2026-11-23': '3', '2026-11-25': '1' });
      expect(column(regs, 'Buyer')).toEqual({ '2026-11-23': '2' });
      expect(column(regs, 'Investor')).toEqual({ '2026-11-23': '1' });
      expect(column(regs, 'Exhibitor')).toEqual({ '2026-11-25': '1' });
      expect(column(regs, 'not given')).toEqual({ '2026-10-27': '1' });
      expect(column(regs, 'Visitor')).toEqual({});
      expect(regs.foot.at(-1)).toBe('5');
    });

    it('delivery outcomes per broadcast', async () => {
      const page = await (await (await signIn('operator'))('/console/dashboard')).text();
      const b = table(page, 'broadcast-outcomes');
      expect(b.head).toEqual(['Broadcast', 'delivered', 'unreachable', 'failed', 'skipped (unsubscribed)', 'stopped, not sent', 'pending', 'Total']);
      const rows = [...b.rows.values()];
      expect(rows).toEqual([
        ['3', '1', '1', '2', '0', '0', '7'],
        ['1', '0', '0', '0', '2', '2', '5'],
        ['0', '0', '0', '0', '0', '0', '0'],
      ]);
      expect([...b.rows.keys()][0]).toMatch(/^#\d+ · 2026-11-20 10:00$/);
      expect(b.foot).toEqual(['Total', '4', '1', '1', '2', '2', '2', '12']);
    });

    it('draws each chart as SVG with a title, a description, patterns and values on the bars', async () => {
      const page = await (await (await signIn('operator', 'zh'))('/console/dashboard')).text();
      const svgs = [...page.matchAll(/<svg [^>]*role="img"[^>]*>([\s\S]*?)<\/svg>/g)];
      expect(svgs).toHaveLength(5);
      for (const [, inner] of svgs) {
        expect(inner).toMatch(/^\s*<title id="[\w-]+-title">[^<]+<\/title><desc id="[\w-]+-desc">[^<]+<\/desc>/);
      }
      const byType = /<svg [^>]*data-test="chart-leads-by-type"[^>]*>[\s\S]*?<\/svg>/.exec(page)![0];
      expect(byType).toContain('<title id="leads-by-type-title">近 12 周每周新线索（按类型）</title>');
      expect(byType).toMatch(/<pattern id="leads-by-type-p1"/);
      expect(byType).toMatch(/fill="url\(#leads-by-type-p\d\)"/);
      // Every bar's total is written on it, and each segment has a tooltip with its value.
      expect(byType).toMatch(/font-weight="600" fill="#1d2733">4<\/text>/);
      expect(byType).toContain('<title>2026-11-23 · 咨询: 2</title>');
      // The week without claims is a dash, not a zero.
      const claim = /<svg [^>]*data-test="chart-claim-median"[^>]*>[\s\S]*?<\/svg>/.exec(page)![0];
      expect(claim).toMatch(/>—<\/text>/);
      expect(claim).toMatch(/>3\.5<\/text>/);
      expect(page).toContain('<h1>概览</h1>');
    });

    it('is for the operator only', async () => {
      expect((await app.request('/console/dashboard')).headers.get('location')).toBe('/console/login');
      const staff = await signIn({ role: 'staff', scope: 'xiangjiang-ip-trading' });
      const s = await staff('/console/dashboard');
      expect(s.status).toBe(403);
      expect(await s.text()).not.toContain('<svg');
      const organiser = await signIn({ role: 'organiser', scope: 'expo-2026-wuhan' });
      expect((await organiser('/console/dashboard')).status).toBe(403);
      // The operator lands on it.
      const op = await signIn('operator');
      expect((await op('/console')).headers.get('location')).toBe('/console/dashboard');
    });
  });

  describe('at volume', () => {
    let other: TestDb;
    beforeAll(async () => {
      other = await openTestDb(kind);
      await seedConsole(other.database, { now: NOW, agencies: ['xiangjiang-ip-trading', 'jingchu-tech-transfer', 'zhongyuan-ip-exchange'], expos: ['expo-2026-wuhan', 'expo-2027-changsha'] });
    }, 300_000);
    afterAll(async () => {
      await other?.drop();
    });

    // How fast is `npm run bench:console`'s figure; here only that the aggregates are right at this size.
    it('10,000 leads and 20,000 registrations: the aggregates match a plain recount', async () => {
      const d = await dashboardData(other.database, NOW);

      const day = 86_400_000;
      const cnDay = (ms: number) => Math.floor((ms + 8 * H) / day); // days since 1970 in China time
      const today = cnDay(NOW.getTime());
      const mondayOf = (dn: number) => dn - ((new Date(dn * day).getUTCDay() + 6) % 7);
      const iso = (dn: number) => new Date(dn * day).toISOString().slice(0, 10);
      const leads = await other.database.rows<{ created_at: string | Date; claimed_at: string | Date | null; type: string; status: string }>(sql`select created_at, claimed_at, type, status from leads`);
      const byType = new Map<string, number>();
      const byOutcome = new Map<string, number>();
      const waits = new Map<string, number[]>();
      let inWeeks = 0;
      for (const l of leads) {
        const created = new Date(l.created_at).getTime();
        const week = iso(mondayOf(cnDay(created)));
        if (!d.weeks.includes(week)) continue;
        inWeeks++;
        byType.set(`${week} ${l.type}`, (byType.get(`${week} ${l.type}`) ?? 0) + 1);
        const o = l.status === 'won' || l.status === 'lost' ? l.status : 'open';
        byOutcome.set(`${week} ${o}`, (byOutcome.get(`${week} ${o}`) ?? 0) + 1);
        if (l.claimed_at) waits.set(week, [...(waits.get(week) ?? []), (new Date(l.claimed_at).getTime() - created) / H]);
      }
      expect(d.weeks[WEEKS - 1]).toBe(iso(mondayOf(today)));
      let total = 0;
      d.weeks.forEach((w, i) => {
        for (const [type, counts] of d.leadsByType) expect(counts[i], `${w} ${type}`).toBe(byType.get(`${w} ${type}`) ?? 0);
        for (const o of ['won', 'lost', 'open'] as const) expect(d.leadsByOutcome[o][i], `${w} ${o}`).toBe(byOutcome.get(`${w} ${o}`) ?? 0);
        const ws = (waits.get(w) ?? []).sort((a, b) => a - b);
        const median = ws.length ? (ws.length % 2 ? ws[(ws.length - 1) / 2]! : (ws[ws.length / 2 - 1]! + ws[ws.length / 2]!) / 2) : null;
        expect(d.claimed[i]).toBe(ws.length);
        if (median === null) expect(d.medianClaimHours[i]).toBeNull();
        else expect(d.medianClaimHours[i]).toBeCloseTo(median, 6);
        total += [...d.leadsByType.values()].reduce((a, c) => a + c[i]!, 0);
      });
      expect(total).toBe(inWeeks);
      expect(total).toBeGreaterThan(9000); // seeded over the last 84 days

      const regs = await other.database.rows<{ created_at: string | Date; role: string | null }>(sql`select created_at, role from registrations`);
      const byRole = new Map<string, number>();
      for (const r of regs) {
        const dn = cnDay(new Date(r.created_at).getTime());
        if (dn < today - (DAYS - 1) || dn > today) continue;
        byRole.set(`${iso(dn)} ${r.role ?? ''}`, (byRole.get(`${iso(dn)} ${r.role ?? ''}`) ?? 0) + 1);
      }
      let regTotal = 0;
      d.days.forEach((day, i) => {
        for (const [role, counts] of d.registrationsByRole) {
          expect(counts[i], `${day} ${role}`).toBe(byRole.get(`${day} ${role}`) ?? 0);
          regTotal += counts[i]!;
        }
      });
      expect(regTotal).toBe([...byRole.values()].reduce((a, b) => a + b, 0));
      expect(regTotal).toBeGreaterThan(19_000);

      const deliveries = await other.database.rows<{ broadcast_id: number; status: string; n: number }>(sql`select broadcast_id, status, count(*)::int as n from broadcast_deliveries group by 1, 2`);
      expect(d.broadcasts).toHaveLength(6);
      for (const b of d.broadcasts) {
        const of = (s: string) => deliveries.filter((x) => Number(x.broadcast_id) === b.id && x.status === s).reduce((a, x) => a + Number(x.n), 0);
        expect(b.counts).toEqual({ sent: of('sent'), unreachable: of('unreachable'), failed: of('failed'), skipped: of('skipped'), cancelled: of('cancelled'), pending: of('pending') + of('sending') });
        expect(Object.values(b.counts).reduce((a, c) => a + c, 0)).toBe(b.total);
      }
    });
  });
});
