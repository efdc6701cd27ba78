/**
 * The admin API's counterparts of the database CLI commands (which refuse while the service holds
 * the embedded database): invites for staff and organisers, leads list and detail, the
 * registrations export. Authenticated like every /admin/api route (Bearer ADMIN_TOKEN).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, openHarness, type Harness } from './console-harness.js';

const now = new Date('2026-11-23T02:00:00Z');
let h: Harness;

const post = (path: string, body: unknown, token = ADMIN) =>
  h.app.request(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' } });
const get = (path: string, token = ADMIN) => h.app.request(path, { headers: { authorization: `Bearer ${token}` } });
const newUser = async (id: string) => (await h.services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', ${id}) returning id`))[0]!.id;

beforeAll(async () => {
  h = await openHarness({ clock: () => now, pages: () => [] });
});
afterAll(async () => {
  await h?.close();
});

describe('admin API for what the CLI does', () => {
  it('makes staff and organiser invites that redeem once, as `invite` does', async () => {
    expect((await post('/admin/api/invites', { role: 'staff', agency: 'xiangjiang-ip-trading' }, 'wrong-token-wrong-token')).status).toBe(401);
    const res = await post('/admin/api/invites', { role: 'staff', agency: 'xiangjiang-ip-trading', days: 3 });
    expect(res.status).toBe(201);
    const staff = (await res.json()) as { code: string; role: string; scope: string; expiresAt: string };
    expect(staff).toMatchObject({ role: 'staff', scope: 'xiangjiang-ip-trading' });
    expect(staff.code).toMatch(/^[A-Z0-9]{5}-[A-Z0-9]{5}$/);
    const joined = await h.services.staff.join(await newUser('invitee-1'), staff.code, 'Invitee', now);
    expect(joined.kind === 'joined' && [joined.member.role, joined.member.scope]).toEqual(['staff', 'xiangjiang-ip-trading']);
    expect((await h.services.staff.join(await newUser('invitee-2'), staff.code, 'Late', now)).kind).toBe('invalid');

    const org = (await (await post('/admin/api/invites', { role: 'organiser', expo: 'expo-2026-wuhan' })).json()) as { code: string; scope: string };
    expect(org.scope).toBe('expo-2026-wuhan');
    const o = await h.services.staff.join(await newUser('invitee-3'), org.code, null, now);
    expect(o.kind === 'joined' && o.member.role).toBe('organiser');
    expect((await post('/admin/api/invites', { role: 'staff', agency: 'coordinator' })).status).toBe(201);
  });

  it('refuses a malformed invite request with a clear 400', async () => {
    const refusal = async (body: unknown) => {
      const res = await post('/admin/api/invites', body);
      return [res.status, ((await res.json()) as { error: { code: string } }).error.code];
    };
    expect(await refusal('not json')).toEqual([400, 'BAD_JSON']);
    expect(await refusal([1])).toEqual([400, 'BAD_REQUEST']);
    expect(await refusal({ role: 'admin' })).toEqual([400, 'BAD_ROLE']);
    expect(await refusal({ role: 'staff', agency: 'nope' })).toEqual([400, 'BAD_AGENCY']);
    expect(await refusal({ role: 'staff', expo: 'expo-2026-wuhan' })).toEqual([400, 'BAD_REQUEST']);
    expect(await refusal({ role: 'organiser', expo: 'expo-1999-nowhere' })).toEqual([400, 'BAD_EXPO']);
    expect(await refusal({ role: 'organiser', expo: 'expo-2026-wuhan', days: 0 })).toEqual([400, 'BAD_DAYS']);
    expect(await refusal({ role: 'organiser', expo: 'expo-2026-wuhan', days: 2.5 })).toEqual([400, 'BAD_DAYS']);
    expect(await refusal({ role: 'organiser', expo: 'expo-2026-wuhan', days: '7' })).toEqual([400, 'BAD_DAYS']);
  });

  it('lists leads and shows one, and exports registrations, while the service runs', async () => {
    const made = await h.services.leads.store.create({ userId: await newUser('admin-ops-author'), type: 'buy', province: 'Hubei', need: '求购', phone: '13800138000', locale: 'zh' }, now);
    if (made.kind !== 'created') throw new Error('lead not created');
    const list = (await (await get('/admin/api/leads?status=new')).json()) as { leads: { ref: string; phone?: string }[] };
    expect(list.leads.map((l) => l.ref)).toContain(made.lead.ref);
    expect(JSON.stringify(list)).not.toContain('13800138000');
    const one = (await (await get(`/admin/api/leads/${made.lead.ref}`)).json()) as { lead: { phone: string } };
    expect(one.lead.phone).toBe('13800138000');
    const reg = await h.services.registrations.register({ expoSlug: 'expo-2026-wuhan', capacity: 10, userId: await newUser('admin-ops-reg'), name: '赵六', organisation: '某公司', role: 'visitor' });
    const csv = await (await get('/admin/api/expos/expo-2026-wuhan/registrations.csv')).text();
    expect(csv.replace(/^\ufeff/, '').split('\r\n')[0]).toBe('确认码,状态,候补位次,姓名,单位,身份,电话,邮箱,报名时间,取消时间');
    expect(csv).toContain(`${reg.registration.code},已确认,,赵六`);
  });
});
