/**
 * Registrations of one expo edition: search (name, organisation, code), status filter, counts
 * against the edition's capacity, and the CSV export organisers get from the admin API. Organisers
 * see their own edition only; the operator chooses any edition in content/expos.yaml. Phone and
 * email are shown to the operator and the organiser of that edition only.
 */
import { ROLE_LABEL } from '../../core/strings.js';
import type { Db } from '../../db/database.js';
import { nextExpo, type Expo, type ExpoCalendar } from '../../domain/expo.js';
import { chinaTime } from '../../services/lead-notice.js';
import { exportRegistrationsCsv } from '../../services/registration-export.js';
import { REGISTRATION_STATUSES, type RegistrationStatus, type RegistrationStore } from '../../services/registration-store.js';
import { allow, respond, type ConsoleApp, type ConsoleContext } from '../console-app.js';
import { ct } from '../console-strings.js';
import { html } from '../html.js';

export interface RegistrationsPageDeps {
  registrations: RegistrationStore;
  expos: ExpoCalendar;
  /** For the CSV export (the admin API's exporter). */
  db: Db;
  clock: () => Date;
}

const PAGE = 200;
const STATUS_KEY = { confirmed: 'regConfirmed', waitlisted: 'regWaitlisted', cancelled: 'regCancelled' } as const;

export function registrationsPage(d: RegistrationsPageDeps) {
  /**
   * The edition the request is about: an organiser's own (another one named in the query is
   * refused), or for the operator the one chosen, else the next edition.
   */
  const editionOf = (c: ConsoleContext): { slug: string; expo?: Expo } | Response => {
    const s = c.get('session');
    const l = c.get('locale');
    const asked = c.req.query('expo');
    if (s.kind === 'organiser') {
      if (asked && asked !== s.scope) return respond(c, ct(l, 'forbidden'), html`<p class="note">${ct(l, 'forbidden')}</p>`, 'registrations', 403);
      return { slug: s.scope!, expo: d.expos.expos.find((e) => e.slug === s.scope) };
    }
    const expo = asked ? d.expos.expos.find((e) => e.slug === asked) : (nextExpo(d.expos, d.clock()) ?? d.expos.expos.at(-1));
    if (!expo) return respond(c, ct(l, 'navRegistrations'), html`<p class="note">${ct(l, 'unknownExpo')}</p>`, 'registrations', 404);
    return { slug: expo.slug, expo };
  };

  return (app: ConsoleApp) => {
    app.get('/console/registrations', async (c) => {
      const denied = allow(c, 'registrations');
      if (denied) return denied;
      const edition = editionOf(c);
      if (edition instanceof Response) return edition;
      const s = c.get('session');
      const l = c.get('locale');
      const q = (c.req.query('q') ?? '').trim().slice(0, 100);
      const status = (REGISTRATION_STATUSES as readonly string[]).includes(c.req.query('status') ?? '') ? (c.req.query('status') as RegistrationStatus) : undefined;
      const pageNo = Math.max(1, Math.min(10_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
      const { rows, total } = await d.registrations.list(edition.slug, { ...(q ? { q } : {}), ...(status ? { status } : {}), limit: PAGE, offset: (pageNo - 1) * PAGE });
      const counts = await d.registrations.counts(edition.slug);
      const showContact = s.kind === 'operator' || (s.kind === 'organiser' && s.scope === edition.slug);
      const label = (x: string) => (x in STATUS_KEY ? ct(l, STATUS_KEY[x as RegistrationStatus]) : x);
      const opt = (value: string, text: string, current: string | undefined) => html`<option value="${value}" ${value === (current ?? '') ? html`selected` : ''}>${text}</option>`;
      const link = (page: number) => `/console/registrations?${new URLSearchParams({ expo: edition.slug, ...(q ? { q } : {}), ...(status ? { status } : {}), page: String(page) })}`;
      const from = total ? (pageNo - 1) * PAGE + 1 : 0;
      const to = (pageNo - 1) * PAGE + rows.length;
      const cols = showContact ? 9 : 7;
      const body = html`<form class="filters" method="get" action="/console/registrations">
${s.kind === 'operator'
  ? html`<label>${ct(l, 'expo')}<select name="expo">${d.expos.expos.map((e) => opt(e.slug, e.name[l], edition.slug))}</select></label>`
  : html`<input type="hidden" name="expo" value="${edition.slug}">`}
<label>${ct(l, 'search')}<input type="search" name="q" value="${q}" placeholder="${ct(l, 'searchHint')}" maxlength="100"></label>
<label>${ct(l, 'status')}<select name="status">${opt('', ct(l, 'all'), status)}${REGISTRATION_STATUSES.map((x) => opt(x, label(x), status))}</select></label>
<button type="submit">${ct(l, 'filter')}</button></form>
<div class="card"><p><strong>${edition.expo?.name[l] ?? edition.slug}</strong></p>
<p data-test="counts">${ct(l, 'regCounts')(counts.confirmed, edition.expo ? String(edition.expo.capacity) : '—', counts.waitlisted, counts.cancelled)}</p>
<p><a href="/console/registrations.csv?${new URLSearchParams({ expo: edition.slug }).toString()}" data-test="export" download>${ct(l, 'exportCsv')}</a></p></div>
<p>${ct(l, 'shown')(from, to, total)}</p>
<div class="wrap"><table data-test="registrations"><thead><tr><th>${ct(l, 'code')}</th><th>${ct(l, 'name')}</th><th>${ct(l, 'organisation')}</th><th>${ct(l, 'role')}</th><th>${ct(l, 'status')}</th><th>${ct(l, 'waitlistPos')}</th>${showContact ? html`<th>${ct(l, 'phone')}</th><th>${ct(l, 'email')}</th>` : ''}<th>${ct(l, 'created')}</th></tr></thead><tbody>
${rows.length
  ? rows.map(
      (r) => html`<tr data-code="${r.code}"><td>${r.code}</td><td>${r.name ?? '—'}</td><td>${r.organisation ?? '—'}</td><td>${r.role ? (ROLE_LABEL[r.role]?.[l] ?? r.role) : '—'}</td><td>${label(r.status)}</td><td>${r.position ?? '—'}</td>${showContact ? html`<td>${r.phone ?? '—'}</td><td>${r.email ?? '—'}</td>` : ''}<td>${chinaTime(new Date(r.createdAt))}</td></tr>`,
    )
  : html`<tr><td colspan="${cols}">${ct(l, 'none')}</td></tr>`}
</tbody></table></div>
<p>${pageNo > 1 ? html`<a href="${link(pageNo - 1)}">${ct(l, 'prev')}</a> ` : ''}${to < total ? html`<a href="${link(pageNo + 1)}">${ct(l, 'next')}</a>` : ''}</p>`;
      return respond(c, ct(l, 'navRegistrations'), body, 'registrations');
    });

    /** The admin API's export, for this session's edition, in the session's language; the file name says which edition. */
    app.get('/console/registrations.csv', async (c) => {
      const denied = allow(c, 'registrations');
      if (denied) return denied;
      const edition = editionOf(c);
      if (edition instanceof Response) return edition;
      const { csv } = await exportRegistrationsCsv(d.db, edition.slug, c.get('locale'));
      return c.body(csv, 200, {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="${edition.slug.replace(/[^A-Za-z0-9-]/g, '_')}-registrations.csv"`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      });
    });
  };
}
