/**
 * The console's Registrations page and CSV export: who may see which edition, the rows with
 * waitlist positions, search (case-insensitive, LIKE wildcards taken literally), the status filter,
 * counts against capacity, contacts only for the operator and the edition's organiser.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registrationsPage } from '../../src/console/pages/registrations-page.js';
import { openHarness, type Harness } from './console-harness.js';

const WUHAN = 'expo-2026-wuhan';
const CHANGSHA = 'expo-2027-changsha';
let h: Harness;
const now = new Date('2026-11-23T02:00:00Z');
const codes: Record<string, string> = {};

const rowsOf = (page: string) => [...page.matchAll(/<tr data-code="([^"]+)">/g)].map((m) => m[1]!);

beforeAll(async () => {
  h = await openHarness({ clock: () => now, pages: (s) => [registrationsPage({ registrations: s.registrations, expos: s.expos, db: s.database.db, clock: () => now })] });
  const people = [
    { expo: WUHAN, name: 'Zhang San', organisation: '武汉光谷实验室', role: 'buyer', phone: '13800000001', email: 'zhang@example.com' },
    { expo: WUHAN, name: '李四', organisation: '50% Discount Ltd', role: 'patentee', phone: '13800000002' },
    { expo: WUHAN, name: 'Wang_Wu', organisation: '<b>Bold</b> Org', role: 'investor' },
    { expo: WUHAN, name: 'Zhao Liu', organisation: 'Late Co', role: 'visitor' },
    { expo: CHANGSHA, name: 'Chen Qi', organisation: '长沙某公司', role: 'exhibitor', phone: '13900000009' },
  ];
  for (const [i, p] of people.entries()) {
    const [u] = await h.services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', ${`reg-page-${i}`}) returning id`);
    // Capacity 3 for the test: the fourth in Wuhan is waitlisted.
    const res = await h.services.registrations.register({ expoSlug: p.expo, capacity: 3, userId: u!.id, name: p.name, organisation: p.organisation, role: p.role as 'buyer', ...(p.phone ? { phone: p.phone } : {}), ...(p.email ? { email: p.email } : {}) });
    codes[p.name] = res.registration.code;
  }
  // One cancelled registration in Wuhan.
  const [u] = await h.services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', 'reg-page-cancel') returning id`);
  const r = await h.services.registrations.register({ expoSlug: WUHAN, capacity: 3, userId: u!.id, name: 'Gone Person', organisation: 'X', role: 'visitor' });
  codes['Gone Person'] = r.registration.code;
  await h.services.registrations.cancel(u!.id, r.registration.id, () => ({ zh: '', en: '' }));
});
afterAll(async () => {
  await h?.close();
});

describe('console registrations', () => {
  it('shows the operator an edition with counts, waitlist positions and contacts; any edition can be chosen', async () => {
    const op = await h.operator();
    // The next edition (Wuhan, 2026) by default.
    const page = await op.text('/console/registrations');
    expect(rowsOf(page).sort()).toEqual([codes['Zhang San'], codes['李四'], codes['Wang_Wu'], codes['Zhao Liu'], codes['Gone Person']].sort());
    expect(page).toContain('data-test="counts">已确认 3 / 名额 800 · 候补 1 · 已取消 1<');
    const late = new RegExp(`<tr data-code="${codes['Zhao Liu']}">.*?</tr>`).exec(page)![0];
    expect(late).toContain('<td>候补</td><td>1</td>');
    expect(page).toContain('13800000001');
    expect(page).toContain('zhang@example.com');
    expect(page).toContain('&lt;b&gt;Bold&lt;/b&gt; Org');
    expect(page).not.toContain('<b>Bold</b>');
    expect(page).toContain(`href="/console/registrations.csv?expo=${WUHAN}"`);

    const other = await op.text(`/console/registrations?expo=${CHANGSHA}`);
    expect(rowsOf(other)).toEqual([codes['Chen Qi']]);
    expect(other).toContain('已确认 1 / 名额 1000 · 候补 0 · 已取消 0');
    expect((await op.req('/console/registrations?expo=expo-1999-nowhere')).status).toBe(404);
  });

  it('searches name, organisation and code case-insensitively, with % and _ taken literally; filters by status', async () => {
    const op = await h.operator();
    const q = async (query: Record<string, string>) => rowsOf(await op.text(`/console/registrations?${new URLSearchParams({ expo: WUHAN, ...query })}`));
    expect(await q({ q: 'zhang' })).toEqual([codes['Zhang San']]);
    expect(await q({ q: '光谷' })).toEqual([codes['Zhang San']]);
    expect(await q({ q: codes['Zhao Liu']!.toLowerCase() })).toEqual([codes['Zhao Liu']]);
    expect(await q({ q: '%' })).toEqual([codes['李四']]);
    expect(await q({ q: '_' })).toEqual([codes['Wang_Wu']]);
    expect(await q({ q: "' or 1=1 --" })).toEqual([]);
    expect(await q({ status: 'waitlisted' })).toEqual([codes['Zhao Liu']]);
    expect(await q({ status: 'cancelled' })).toEqual([codes['Gone Person']]);
    expect(await q({ status: 'confirmed', q: 'SAN' })).toEqual([codes['Zhang San']]);
    expect(await q({ status: 'waitlisted', q: 'san' })).toEqual([]);
    expect((await q({ status: 'bogus' })).length).toBe(5);
  });

  it('exports CSV with a download name, in the operator’s language, China time and waitlist positions', async () => {
    // A known registration time (the row's default is the database's clock).
    await h.services.database.rows(sql`update registrations set created_at = '2026-11-23T02:30:05Z' where code = ${codes['Zhang San']!}`);
    const op = await h.operator();
    const res = await op.req(`/console/registrations.csv?expo=${WUHAN}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe(`attachment; filename="${WUHAN}-registrations.csv"`);
    const bytes = Buffer.from(await res.arrayBuffer());
    // The BOM (Excel then reads UTF-8), then the exporter's header.
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const csv = bytes.subarray(3).toString('utf8');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('确认码,状态,候补位次,姓名,单位,身份,电话,邮箱,报名时间,取消时间');
    expect(lines).toHaveLength(6);
    const row = (name: string) => lines.find((x) => x.startsWith(`${codes[name]},`))!.split(',');
    expect(row('Zhang San')).toEqual([codes['Zhang San'], '已确认', '', 'Zhang San', '武汉光谷实验室', '技术需求方/买方', '13800000001', 'zhang@example.com', '2026-11-23 10:30:05+08:00', '']);
    expect(row('Zhao Liu').slice(1, 3)).toEqual(['候补', '1']);
    expect(row('Gone Person')[1]).toBe('已取消');
    expect(row('Gone Person')[9]).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+08:00$/);
    expect((await op.req('/console/registrations.csv?expo=expo-1999-nowhere')).status).toBe(404);

    // In English after the language switch.
    await op.post('/console/lang', { _csrf: await op.csrf('/console/registrations'), lang: 'en' });
    const en = (await (await op.req(`/console/registrations.csv?expo=${WUHAN}`)).text()).replace(/^\ufeff/, '').split('\r\n');
    expect(en[0]).toBe('Code,Status,Waitlist position,Name,Organisation,Role,Phone,Email,Registered at,Cancelled at');
    expect(en.find((x) => x.startsWith(`${codes['Zhao Liu']},`))).toContain(',Waitlisted,1,Zhao Liu,Late Co,Visitor,');
  });

  it('keeps organisers to their own edition and staff out', async () => {
    const org = await h.member('organiser', WUHAN);
    const page = await org.text('/console/registrations');
    expect(rowsOf(page)).toHaveLength(5);
    expect(page).toContain('13800000002');
    expect(page).not.toContain('<select name="expo">');
    expect((await org.req(`/console/registrations?expo=${CHANGSHA}`)).status).toBe(403);
    expect((await org.req(`/console/registrations.csv?expo=${CHANGSHA}`)).status).toBe(403);
    const own = await org.req(`/console/registrations.csv?expo=${WUHAN}`);
    expect(own.status).toBe(200);
    expect(own.headers.get('content-disposition')).toContain(`${WUHAN}-registrations.csv`);
    expect(await own.text()).not.toContain('Chen Qi');
    // Without ?expo the organiser gets their own edition.
    expect((await org.req('/console/registrations.csv')).headers.get('content-disposition')).toContain(WUHAN);

    const cs = await h.member('organiser', CHANGSHA);
    const theirs = await cs.text('/console/registrations');
    expect(rowsOf(theirs)).toEqual([codes['Chen Qi']]);
    expect(theirs).not.toContain('13800000001');

    const staff = await h.member('staff', 'xiangjiang-ip-trading');
    expect((await staff.req('/console/registrations')).status).toBe(403);
    expect((await staff.req(`/console/registrations.csv?expo=${WUHAN}`)).status).toBe(403);
    expect((await h.browser().req('/console/registrations.csv')).headers.get('location')).toBe('/console/login');
  });
});
