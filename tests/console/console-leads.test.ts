/**
 * The console's sign-in, session and CSRF rules, role scoping, and the Leads page acting through
 * the same code path as the chat buttons (same audit records). Real pipeline, PGlite, Meilisearch.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createConsole } from '../../src/console/console-app.js';
import { leadsPage } from '../../src/console/pages/leads-page.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { agencyName } from '../../src/services/lead-service.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

const ADMIN = 'admin-token-for-console-tests';
let services: Services;
let dir: string;
let app: ReturnType<typeof createHttpApp>;
let now = new Date('2026-11-23T02:00:00Z');

/** A tiny browser: keeps the console cookie, follows nothing. */
function browser() {
  let cookie = '';
  const req = async (p: string, init: RequestInit = {}) => {
    const res = await app.request(p, { ...init, headers: { ...(init.headers as Record<string, string>), ...(cookie ? { cookie } : {}), host: 'localhost' } });
    const set = res.headers.get('set-cookie');
    if (set) cookie = set.split(';')[0]!.endsWith('=') ? '' : set.split(';')[0]!;
    return res;
  };
  const csrf = async (p: string) => /name="_csrf" value="([^"]+)"/.exec(await (await req(p)).text())?.[1];
  const post = (p: string, form: Record<string, string>) => req(p, { method: 'POST', body: new URLSearchParams(form), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' } });
  return { req, post, csrf, get cookie() { return cookie; } };
}

async function staffMember(agency: string, name: string) {
  const [u] = await services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', ${name}) returning id`);
  const [m] = await services.database.rows<{ id: number }>(sql`insert into staff (user_id, role, scope, display_name) values (${u!.id}, ${agency === 'expo-2026-wuhan' ? 'organiser' : 'staff'}, ${agency}, ${name}) returning id`);
  return m!.id;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-console-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent', ADMIN_TOKEN: ADMIN }), createLogger('silent'), { loadDemo: false, clock: () => now });
  const consoleApp = createConsole({
    auth: services.consoleAuth,
    log: createLogger('silent'),
    secure: false,
    pages: [leadsPage({ leads: services.leads, staff: services.staff, agencies: services.content.agencies, clock: () => now })],
  });
  app = createHttpApp({ pipeline: services.pipeline, log: createLogger('silent'), clock: () => now, readiness: {}, console: consoleApp });
  await services.staff.bindInbox('xiangjiang-ip-trading', 'telegram', '-100111', null);
  await services.staff.bindInbox('jingchu-tech-transfer', 'telegram', '-100222', null);
  const [author] = await services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('web', 'author-console-1') returning id`);
  for (const [i, province] of (['Hunan', 'Hubei', 'Hunan'] as const).entries())
    await services.leads.store.create({ userId: author!.id, type: 'buy', province, need: `需求 ${i}`, phone: '13800138000', locale: 'zh' }, now);
});
afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('console sign-in', () => {
  it('operators sign in with ADMIN_TOKEN; a wrong token is refused; pages need a session', async () => {
    const b = browser();
    expect((await b.req('/console/leads')).headers.get('location')).toBe('/console/login');
    expect((await b.post('/console/login', { token: 'wrong' })).status).toBe(401);
    const ok = await b.post('/console/login', { token: ADMIN });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('set-cookie')).toMatch(/pb_console=[\w-]+; Max-Age=28800; Path=\/console; HttpOnly; SameSite=Strict/);
    const page = await (await b.req('/console/leads')).text();
    expect(page.match(/<tr><td><a href="\/console\/leads\/L-/g)).toHaveLength(3);
    expect(page).toContain('运营人员');
  });

  it('a chat link signs a staff member in once; used or expired links are refused', async () => {
    const staffId = await staffMember('xiangjiang-ip-trading', 'Wang');
    const token = await services.consoleAuth.createLink(staffId);
    const b = browser();
    // A link preview (GET) does not use the link up; signing in is the POST behind the button.
    expect((await browser().req(`/console/link/${token}`)).status).toBe(200);
    expect((await b.req(`/console/link/${token}`, { method: 'POST' })).status).toBe(303);
    expect((await browser().req(`/console/link/${token}`, { method: 'POST' })).status).toBe(401);
    const late = await services.consoleAuth.createLink(staffId);
    now = new Date(now.getTime() + 11 * 60_000);
    expect((await browser().req(`/console/link/${late}`, { method: 'POST' })).status).toBe(401);
    // Staff see their agency's leads only.
    const page = await (await b.req('/console/leads')).text();
    const refs = [...page.matchAll(/href="\/console\/leads\/(L-\w+)"/g)].map((m) => m[1]);
    const mine = (await services.leads.store.list({ agency: 'xiangjiang-ip-trading' })).map((l) => l.ref);
    expect(refs.sort()).toEqual(mine.sort());
    expect(refs.length).toBeGreaterThan(0);
    const other = (await services.leads.store.list({ agency: 'jingchu-tech-transfer' }))[0]!;
    expect((await b.req(`/console/leads/${other.ref}`)).status).toBe(404);
  });

  it('refuses a POST without the CSRF token or from another origin; organisers cannot open leads', async () => {
    const b = browser();
    await b.req(`/console/link/${await services.consoleAuth.createLink(await staffMember('xiangjiang-ip-trading', 'Li'))}`, { method: 'POST' });
    const lead = (await services.leads.store.list({ agency: 'xiangjiang-ip-trading', status: 'new' }))[0]!;
    const offer = (await services.leads.store.offersOf(lead.id))[0]!;
    expect((await b.post(`/console/leads/${lead.ref}/claim`, { offer: String(offer.id) })).status).toBe(403);
    const token = await b.csrf(`/console/leads/${lead.ref}`);
    const foreign = await b.req(`/console/leads/${lead.ref}/claim`, { method: 'POST', body: new URLSearchParams({ offer: String(offer.id), _csrf: token! }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'https://evil.example' } });
    expect(foreign.status).toBe(403);
    expect((await services.leads.store.byRef(lead.ref))!.status).toBe('new');

    const o = browser();
    await o.req(`/console/link/${await services.consoleAuth.createLink(await staffMember('expo-2026-wuhan', 'Organiser'))}`, { method: 'POST' });
    expect((await o.req('/console/leads')).status).toBe(403);
  });

  it('claims and changes status through the chat buttons’ code path, with the same audit records', async () => {
    const b = browser();
    const staffId = await staffMember('xiangjiang-ip-trading', 'Zhao');
    await b.req(`/console/link/${await services.consoleAuth.createLink(staffId)}`, { method: 'POST' });
    const lead = (await services.leads.store.list({ agency: 'xiangjiang-ip-trading', status: 'new' }))[0]!;
    const token = await b.csrf(`/console/leads/${lead.ref}`);
    const offer = (await services.leads.store.offersOf(lead.id))[0]!;
    expect((await b.post(`/console/leads/${lead.ref}/claim`, { offer: String(offer.id), _csrf: token! })).headers.get('location')).toMatch(/done=1/);
    expect((await b.post(`/console/leads/${lead.ref}/status`, { to: 'won', _csrf: token! })).headers.get('location')).toMatch(/done=1/);
    expect((await b.post(`/console/leads/${lead.ref}/status`, { to: 'contacted', _csrf: token! })).headers.get('location')).toMatch(/refused=1/);
    const events = await services.leads.store.events(lead.id);
    expect(events.slice(-2).map((e) => [e.actor, e.action, e.fromStatus, e.toStatus])).toEqual([
      [`staff:${staffId}`, 'claimed', 'new', 'claimed'],
      [`staff:${staffId}`, 'status', 'claimed', 'won'],
    ]);
    const detail = await (await b.req(`/console/leads/${lead.ref}`)).text();
    expect(detail).toContain('13800138000');
    // The trail names the member by agency and name, not as the stored `staff:<id>`.
    expect(detail).toContain(`${agencyName(services.content.agencies, 'xiangjiang-ip-trading', 'zh')} 的员工（Zhao）`);
    expect(detail).not.toContain(`staff:${staffId}`);
  });

  it('switches language and escapes everything it shows', async () => {
    const b = browser();
    await b.post('/console/login', { token: ADMIN });
    const token = await b.csrf('/console/leads');
    const [author] = await services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('web', 'author-xss-1') returning id`);
    const made = await services.leads.store.create({ userId: author!.id, type: 'demand', need: '<script>alert(1)</script>', locale: 'zh' }, now);
    const ref = made.kind === 'created' ? made.lead.ref : '';
    const res = await b.req('/console/lang', { method: 'POST', body: new URLSearchParams({ lang: 'en', _csrf: token! }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', referer: `http://localhost/console/leads/${ref}` } });
    expect(res.headers.get('location')).toBe(`/console/leads/${ref}`);
    const page = await (await b.req(`/console/leads/${ref}`)).text();
    expect(page).toContain('Audit trail');
    expect(page).not.toContain('<script>alert(1)</script>');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    const evil = await b.req('/console/lang', { method: 'POST', body: new URLSearchParams({ lang: 'zh', _csrf: token! }), headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', referer: 'http://localhost//evil.example/x' } });
    expect(evil.headers.get('location')).toBe('/console');
  });
});
