/**
 * Leads: filter by status, type, province, agency and age; one lead with its audit trail; claim,
 * pass and status changes through LeadService — the code path of the chat buttons, with the same
 * rules (only staff of the agency holding the offer) and the same audit records. Staff see their
 * agency's leads only; contacts only for the operator and the agency the lead is with.
 */
import { LEAD_STATUS_LABEL, LEAD_TYPE_LABEL } from '../../core/lead-strings.js';
import { LEAD_TYPES, PROVINCES, type LeadType, type Province } from '../../core/intents.js';
import type { Locale } from '../../core/types.js';
import { PROVINCE_INFO } from '../../domain/geo.js';
import { agencyName, type LeadService } from '../../services/lead-service.js';
import { LEAD_STATUSES, type Lead, type LeadStatus } from '../../services/lead-store.js';
import type { StaffStore } from '../../services/staff-store.js';
import type { AgencyDirectory } from '../../domain/policy.js';
import { chinaTime } from '../../services/lead-notice.js';
import { allow, respond, type ConsoleApp, type ConsoleContext } from '../console-app.js';
import { ct } from '../console-strings.js';
import { actionLabel, actorLabel, staffIdsOf, statusChange } from '../lead-audit.js';
import { html } from '../html.js';
import { csrfField } from '../layout.js';

export interface LeadsPageDeps {
  leads: LeadService;
  staff: StaffStore;
  agencies: AgencyDirectory;
  clock: () => Date;
}

const AGES: Record<string, number> = { '1d': 1, '7d': 7, '30d': 30 };
const pick = <T extends string>(v: string | undefined, allowed: readonly T[]): T | undefined => (allowed as readonly string[]).includes(v ?? '') ? (v as T) : undefined;
const prov = (p: string | null, l: Locale) => (p ? PROVINCE_INFO[p as Province]?.[l === 'zh' ? 'zh' : 'en'] ?? p : '—');
const ageOf = (d: Date, now: Date) => {
  const h = Math.floor((now.getTime() - d.getTime()) / 3600_000);
  return h < 48 ? `${h} h` : `${Math.floor(h / 24)} d`;
};

export function leadsPage(d: LeadsPageDeps) {
  return (app: ConsoleApp) => {
    app.get('/console/leads', async (c) => {
      const denied = allow(c, 'leads');
      if (denied) return denied;
      const s = c.get('session');
      const l = c.get('locale');
      const q = c.req.query();
      const status = pick(q.status, LEAD_STATUSES);
      const type = pick(q.type, LEAD_TYPES);
      const province = pick(q.province, PROVINCES);
      const agencySlugs = ['coordinator', ...d.agencies.agencies.map((a) => a.slug)];
      const agency = s.kind === 'staff' ? s.scope! : pick(q.agency, agencySlugs);
      const age = AGES[q.age ?? ''];
      const now = d.clock();
      const rows = await d.leads.store.list({ ...(status ? { status } : {}), ...(type ? { type } : {}), ...(province ? { province } : {}), ...(agency ? { agency } : {}), ...(age ? { since: new Date(now.getTime() - age * 86_400_000) } : {}), limit: 200 });
      const opt = (value: string, label: string, current?: string) => html`<option value="${value}" ${value === (current ?? '') ? html`selected` : ''}>${label}</option>`;
      const body = html`<form class="filters" method="get" action="/console/leads">
<label>${ct(l, 'status')}<select name="status">${opt('', ct(l, 'all'), status)}${LEAD_STATUSES.map((x) => opt(x, LEAD_STATUS_LABEL[x]![l], status))}</select></label>
<label>${ct(l, 'type')}<select name="type">${opt('', ct(l, 'all'), type)}${LEAD_TYPES.map((x) => opt(x, LEAD_TYPE_LABEL[x][l], type))}</select></label>
<label>${ct(l, 'province')}<select name="province">${opt('', ct(l, 'all'), province)}${PROVINCES.map((x) => opt(x, prov(x, l), province))}</select></label>
${s.kind === 'staff' ? '' : html`<label>${ct(l, 'agency')}<select name="agency">${opt('', ct(l, 'all'), agency)}${agencySlugs.map((x) => opt(x, agencyName(d.agencies, x, l), agency))}</select></label>`}
<label>${ct(l, 'age')}<select name="age">${opt('', ct(l, 'all'), q.age)}${Object.keys(AGES).map((x) => opt(x, `≤ ${x}`, q.age))}</select></label>
<button type="submit">${ct(l, 'filter')}</button></form>
<div class="wrap"><table data-test="leads"><thead><tr><th>${ct(l, 'ref')}</th><th>${ct(l, 'created')}</th><th>${ct(l, 'type')}</th><th>${ct(l, 'province')}</th><th>${ct(l, 'status')}</th><th>${ct(l, 'agency')}</th><th>${ct(l, 'age')}</th></tr></thead><tbody>
${rows.length ? rows.map((r) => html`<tr><td><a href="/console/leads/${r.ref}">${r.ref}</a></td><td>${chinaTime(r.createdAt)}</td><td>${LEAD_TYPE_LABEL[r.type as LeadType]?.[l] ?? r.type}</td><td>${prov(r.province, l)}</td><td>${LEAD_STATUS_LABEL[r.status]?.[l] ?? r.status}</td><td>${r.agencySlug ? agencyName(d.agencies, r.agencySlug, l) : '—'}</td><td>${ageOf(r.createdAt, now)}</td></tr>`) : html`<tr><td colspan="7">${ct(l, 'none')}</td></tr>`}
</tbody></table></div>`;
      return respond(c, ct(l, 'navLeads'), body, 'leads');
    });

    const load = async (c: ConsoleContext): Promise<Lead | undefined> => {
      const lead = await d.leads.store.byRef(c.req.param('ref') ?? '');
      const s = c.get('session');
      if (!lead) return undefined;
      // Staff see the leads of their own agency only (offered, claimed or passed by it).
      if (s.kind === 'staff' && lead.agencySlug !== s.scope && !(await d.leads.store.offersOf(lead.id)).some((o) => o.agencySlug === s.scope)) return undefined;
      return lead;
    };

    app.get('/console/leads/:ref', async (c) => {
      const denied = allow(c, 'leads');
      if (denied) return denied;
      const s = c.get('session');
      const l = c.get('locale');
      const lead = await load(c);
      if (!lead) return respond(c, ct(l, 'navLeads'), html`<p class="note">${ct(l, 'forbidden')}</p>`, 'leads', 404);
      const offers = await d.leads.store.offersOf(lead.id);
      const events = await d.leads.store.events(lead.id);
      const mine = s.kind === 'staff' && lead.agencySlug === s.scope;
      const open = s.kind === 'staff' ? offers.find((o) => o.agencySlug === s.scope && (o.status === 'sent' || o.status === 'pending')) : undefined;
      const next: LeadStatus[] = mine ? (lead.status === 'claimed' ? ['contacted', 'won', 'lost'] : lead.status === 'contacted' ? ['won', 'lost'] : []) : [];
      const showContact = s.kind === 'operator' || mine;
      const members = new Map((await Promise.all(staffIdsOf(events).map((id) => d.staff.byId(id)))).flatMap((m) => (m ? [[m.id, m] as const] : [])));
      // Waiting for an agency with nothing on offer: the operator may hand it over (LeadStore.assign decides).
      const assignable = s.kind === 'operator' && lead.status === 'new' && !offers.some((o) => ['pending', 'sent', 'claimed'].includes(o.status));
      const field = (label: string, value: string, test: string) => html`<p data-test="${test}"><strong>${label}:</strong> ${value}</p>`;
      const body = html`${c.req.query('done') ? html`<p class="note ok">${ct(l, 'done')}</p>` : ''}${c.req.query('refused') ? html`<p class="note">${ct(l, 'notAllowed')}</p>` : ''}${c.req.query('unassignable') ? html`<p class="note">${ct(l, 'assignRefused')}</p>` : ''}
<div class="card" data-test="lead"><p><strong>${lead.ref}</strong> · ${LEAD_TYPE_LABEL[lead.type as LeadType]?.[l] ?? lead.type} · ${LEAD_STATUS_LABEL[lead.status]?.[l] ?? lead.status}</p>
<p>${ct(l, 'province')}: ${prov(lead.province, l)} · ${ct(l, 'agency')}: ${lead.agencySlug ? agencyName(d.agencies, lead.agencySlug, l) : '—'} · ${ct(l, 'created')}: ${chinaTime(lead.createdAt)}</p>
${lead.patentId ? field(ct(l, 'patentNo'), lead.patentId, 'patent') : ''}${lead.need ? field(ct(l, 'need'), lead.need, 'need') : ''}
${showContact && (lead.phone || lead.email) ? field(ct(l, 'contact'), [lead.phone, lead.email].filter(Boolean).join(' · '), 'contact') : ''}
${lead.notes && showContact ? field(ct(l, 'note'), lead.notes, 'note') : ''}
${open ? html`<form class="inline" method="post" action="/console/leads/${lead.ref}/claim">${csrfField(s)}<input type="hidden" name="offer" value="${open.id}"><button type="submit" data-test="claim">${ct(l, 'claim')}</button></form>
<form class="inline" method="post" action="/console/leads/${lead.ref}/pass">${csrfField(s)}<input type="hidden" name="offer" value="${open.id}"><button class="secondary" type="submit">${ct(l, 'pass')}</button></form>` : ''}
${next.map((x) => html`<form class="inline" method="post" action="/console/leads/${lead.ref}/status">${csrfField(s)}<input type="hidden" name="to" value="${x}"><button class="secondary" type="submit">${LEAD_STATUS_LABEL[x]![l]}</button></form> `)}
</div>
${assignable
  ? html`<form class="card" method="post" action="/console/leads/${lead.ref}/assign" data-test="assign">${csrfField(s)}<h2>${ct(l, 'assignTitle')}</h2><p>${ct(l, 'assignHelp')}</p>
<label>${ct(l, 'agency')} <select name="agency" required>${d.leads.assignable().map((x) => html`<option value="${x}">${agencyName(d.agencies, x, l)}</option>`)}</select></label> <button type="submit">${ct(l, 'assign')}</button></form>`
  : ''}
<h2>${ct(l, 'audit')}</h2><div class="wrap"><table data-test="audit"><thead><tr><th>${ct(l, 'when')}</th><th>${ct(l, 'actor')}</th><th>${ct(l, 'action')}</th><th>${ct(l, 'status')}</th><th>${ct(l, 'agency')}</th></tr></thead><tbody>
${events.map((e) => html`<tr><td>${chinaTime(e.at)}</td><td>${actorLabel(e.actor, l, members, d.agencies)}</td><td>${actionLabel(e.action, l)}</td><td>${statusChange(e, l)}</td><td>${e.agencySlug ? agencyName(d.agencies, e.agencySlug, l) : '—'}</td></tr>`)}
</tbody></table></div><p><a href="/console/leads">${ct(l, 'back')}</a></p>`;
      return respond(c, `${ct(l, 'navLeads')} ${lead.ref}`, body, 'leads');
    });

    /** Claim, pass and status, as the chat buttons do them. */
    const act = (kind: 'claim' | 'pass' | 'status') =>
      app.post(`/console/leads/:ref/${kind}`, async (c) => {
        const denied = allow(c, 'leads');
        if (denied) return denied;
        const s = c.get('session');
        const lead = await load(c);
        const member = s.kind === 'staff' && s.staffId ? await d.staff.byId(s.staffId) : undefined;
        const back = (q: string) => c.redirect(`/console/leads/${lead?.ref ?? ''}?${q}`, 303);
        if (!lead || !member) return back('refused=1');
        const form = c.get('form');
        if (kind === 'status') {
          const to = pick(form.to, ['contacted', 'won', 'lost'] as const);
          if (!to) return back('refused=1');
          const res = await d.leads.setStatus(lead, member, to);
          return back(res.kind === 'ok' ? 'done=1' : 'refused=1');
        }
        const offer = (await d.leads.store.offersOf(lead.id)).find((o) => o.id === Number(form.offer) && o.agencySlug === member.scope);
        if (!offer) return back('refused=1');
        const ok = kind === 'claim' ? (await d.leads.claim(offer.id, member)).kind === 'claimed' : await d.leads.pass(offer.id, member);
        return back(ok ? 'done=1' : 'refused=1');
      });
    /** The operator hands a lead waiting for an agency to one (audited as `admin`, as the admin API does it). */
    app.post('/console/leads/:ref/assign', async (c) => {
      const denied = allow(c, 'leads');
      if (denied) return denied;
      const lead = c.get('session').kind === 'operator' ? await load(c) : undefined;
      if (!lead) return c.redirect(`/console/leads/${encodeURIComponent(c.req.param('ref'))}?refused=1`, 303);
      const res = await d.leads.assign(lead, c.get('form').agency ?? '');
      return c.redirect(`/console/leads/${lead.ref}?${res.kind === 'assigned' ? 'done=1' : 'unassignable=1'}`, 303);
    });
    act('claim');
    act('pass');
    act('status');
  };
}
