/**
 * One lead in the console as the operator reads it, and a lead stuck at 待分派 handed to an agency
 * by hand (console button and admin API, the same LeadService.assign): the audit trail in the
 * operator's language (actors, actions, statuses described, never `user:61` or `created`),
 * labelled fields, and assignment only from "waiting for an agency", audited in lead_events.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { leadsPage } from '../../src/console/pages/leads-page.js';
import { agencyName } from '../../src/services/lead-service.js';
import { ADMIN, hiddenFields, openHarness, type Harness } from './console-harness.js';

const now = new Date('2026-11-23T02:00:00Z');
const XJ = 'xiangjiang-ip-trading';
let h: Harness;
let authorId: number;
let stuckRef: string;
let routedRef: string;

const api = (path: string, body?: unknown) =>
  h.app.request(path, body === undefined ? { headers: { authorization: `Bearer ${ADMIN}` } } : { method: 'POST', body: JSON.stringify(body), headers: { authorization: `Bearer ${ADMIN}`, 'content-type': 'application/json' } });
const auditRows = (page: string) => [...(/<table data-test="audit">([\s\S]*?)<\/table>/.exec(page)?.[1] ?? '').matchAll(/<tr><td>[^<]*<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><td>([^<]*)<\/td><\/tr>/g)].map((m) => m.slice(1, 5));

beforeAll(async () => {
  h = await openHarness({ clock: () => now, pages: (s) => [leadsPage({ leads: s.leads, staff: s.staff, agencies: s.content.agencies, clock: () => now })] });
  const [u] = await h.services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', 'lead-detail-author') returning id`);
  authorId = u!.id;
  // No agency inbox is bound yet: this lead waits at 待分派 with no offer.
  const stuck = await h.services.leads.store.create({ userId: authorId, type: 'buy', province: 'Hunan', patentId: 'CN114000001A', need: '求购锂电池隔膜专利', phone: '13800138000', notes: '预算 50 万', locale: 'zh' }, now);
  if (stuck.kind !== 'created' || stuck.offer) throw new Error('the first lead should wait for an agency');
  stuckRef = stuck.lead.ref;
  await h.services.staff.bindInbox(XJ, 'telegram', '-100111', null);
  const routed = await h.services.leads.store.create({ userId: authorId, type: 'buy', province: 'Hunan', need: '求购起重机专利', locale: 'zh' }, now);
  if (routed.kind !== 'created' || !routed.offer) throw new Error('the second lead should be offered to the bound inbox');
  routedRef = routed.lead.ref;
});
afterAll(async () => {
  await h?.close();
});

describe('a lead in the console', () => {
  it('words the audit trail and labels the fields in the operator’s language', async () => {
    const op = await h.operator();
    const page = await op.text(`/console/leads/${stuckRef}`);
    expect(page).toContain('<th>时间</th><th>操作人</th><th>事项</th><th>状态</th><th>机构</th>');
    expect(auditRows(page)).toEqual([[`用户 #${authorId}`, '提交线索', '— → 待分派', '—']]);
    expect(page).not.toMatch(/user:\d|>created<|>actor<|>action</);
    expect(page).toContain('<strong>专利号:</strong> CN114000001A');
    expect(page).toContain('<strong>需求:</strong> 求购锂电池隔膜专利');
    expect(page).toContain('<strong>联系方式:</strong> 13800138000');
    expect(page).toContain('<strong>备注:</strong> 预算 50 万');

    const routed = await op.text(`/console/leads/${routedRef}`);
    expect(auditRows(routed)).toEqual([
      [`用户 #${authorId}`, '提交线索', '— → 待分派', '—'],
      ['系统', '推送给机构', '待分派', agencyName(h.services.content.agencies, XJ, 'zh')],
    ]);
    // A lead on offer to an agency cannot be assigned by hand: no form.
    expect(routed).not.toContain('data-test="assign"');

    await op.post('/console/lang', { _csrf: await op.csrf('/console/leads'), lang: 'en' });
    const en = await op.text(`/console/leads/${stuckRef}`);
    expect(en).toContain('<th>When</th><th>By</th><th>What</th><th>Status</th><th>Agency</th>');
    expect(auditRows(en)[0]).toEqual([`User #${authorId}`, 'Lead submitted', '— → waiting for an agency', '—']);
    expect(en).toContain('<strong>Patent:</strong> CN114000001A');
  });

  it('lets the operator assign a lead waiting for an agency, once, audited; staff cannot', async () => {
    const staff = await h.member('staff', XJ);
    const staffPage = await staff.req(`/console/leads/${stuckRef}`);
    // Not offered to their agency: staff do not even see it, let alone assign it.
    expect(staffPage.status).toBe(404);
    const refusedByStaff = await staff.post(`/console/leads/${stuckRef}/assign`, { _csrf: await staff.csrf('/console/leads'), agency: XJ });
    expect(refusedByStaff.headers.get('location')).toMatch(/refused=1/);
    expect((await h.services.leads.store.byRef(stuckRef))!.status).toBe('new');

    const op = await h.operator();
    const page = await op.text(`/console/leads/${stuckRef}`);
    expect(page).toContain('人工分派');
    const form = hiddenFields(page, 'assign');
    expect((await op.post(`/console/leads/${stuckRef}/assign`, { ...form, agency: 'no-such-agency' })).headers.get('location')).toMatch(/unassignable=1/);
    const res = await op.post(`/console/leads/${stuckRef}/assign`, { ...form, agency: XJ });
    expect(res.headers.get('location')).toBe(`/console/leads/${stuckRef}?done=1`);
    const lead = (await h.services.leads.store.byRef(stuckRef))!;
    expect([lead.status, lead.agencySlug, lead.claimedAt?.toISOString()]).toEqual(['claimed', XJ, now.toISOString()]);
    const last = (await h.services.leads.store.events(lead.id)).at(-1)!;
    expect([last.actor, last.action, last.fromStatus, last.toStatus, last.agencySlug]).toEqual(['admin', 'assigned', 'new', 'claimed', XJ]);
    const after = await op.text(`/console/leads/${stuckRef}`);
    expect(auditRows(after).at(-1)).toEqual(['运营人员', '运营人员人工分派', '待分派 → 已认领', agencyName(h.services.content.agencies, XJ, 'zh')]);
    expect(after).not.toContain('data-test="assign"');
    // The author is told, as on a claim.
    const [notice] = await h.services.database.rows<{ text_zh: string }>(sql`select text_zh from notices where user_id = ${authorId} order by id desc limit 1`);
    expect(notice?.text_zh).toContain(stuckRef);
    // Forward only: a second assignment is refused and changes nothing.
    expect((await op.post(`/console/leads/${stuckRef}/assign`, { ...form, agency: 'coordinator' })).headers.get('location')).toMatch(/unassignable=1/);
    expect((await h.services.leads.store.byRef(stuckRef))!.agencySlug).toBe(XJ);
    // The agency's staff now hold it and move it on from the console.
    const mine = await staff.text(`/console/leads/${stuckRef}`);
    expect(mine).toContain('action="/console/leads/' + stuckRef + '/status"');
  });

  it('offers the same assignment on the admin API, with clear refusals', async () => {
    const [u] = await h.services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', 'lead-detail-author-2') returning id`);
    // Offered to the bound inbox at first (not assignable), then stuck once its notice is dead-lettered.
    const made = await h.services.leads.store.create({ userId: u!.id, type: 'consult', need: '请问专利转让流程', locale: 'zh' }, now);
    if (made.kind !== 'created') throw new Error('lead not created');
    expect((await api(`/admin/api/leads/${made.lead.ref}/assign`, { agency: 'coordinator' })).status).toBe(409);
    for (const o of await h.services.leads.store.offersOf(made.lead.id)) await h.services.leads.store.markFailed(o, 'inbox gone', false, now);
    expect((await h.app.request(`/admin/api/leads/${made.lead.ref}/assign`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
    expect((await api(`/admin/api/leads/${made.lead.ref}/assign`, {})).status).toBe(400);
    const bad = await api(`/admin/api/leads/${made.lead.ref}/assign`, { agency: 'nope' });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain(XJ);
    expect((await api('/admin/api/leads/L-NOSUCH/assign', { agency: XJ })).status).toBe(404);
    const ok = await api(`/admin/api/leads/${made.lead.ref}/assign`, { agency: 'coordinator' });
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ ref: made.lead.ref, status: 'claimed', agency: 'coordinator' });
    const detail = (await (await api(`/admin/api/leads/${made.lead.ref}`)).json()) as { events: { actor: string; action: string; from: string; to: string }[] };
    expect(detail.events.at(-1)).toMatchObject({ actor: 'admin', action: 'assigned', from: 'new', to: 'claimed' });
    expect((await api(`/admin/api/leads/${made.lead.ref}/assign`, { agency: XJ })).status).toBe(409);
  });
});
