/**
 * Broadcasts: the list with delivery counts, compose → preview (the exact texts recipients get and
 * the audience counts; nothing created) → confirm, which creates through BroadcastService.create —
 * the code path of the chat dialogue — with the chat dialogue's and admin API's validation. One
 * broadcast shows live progress and every recipient's outcome, refreshing itself while it sends
 * (a meta refresh: no script needed), with a Stop button.
 *
 * Organisers write to their own expo's registrants or to all subscribers, and see and stop the
 * broadcasts to their expo's registrants and those they created; the operator sees all.
 */
import { randomBytes } from 'node:crypto';
import { ROLES } from '../../core/actions.js';
import { bt } from '../../core/broadcast-strings.js';
import { ROLE_LABEL } from '../../core/strings.js';
import type { ExpoCalendar } from '../../domain/expo.js';
import { broadcastRequestSchema } from '../../http/admin-broadcasts.js';
import { renderBroadcast, type BroadcastService } from '../../services/broadcast-service.js';
import type { Audience, Broadcast, Counts } from '../../services/broadcast-store.js';
import { chinaTime } from '../../services/lead-notice.js';
import type { Logger } from '../../util/log.js';
import type { Locale } from '../../core/types.js';
import type { ConsoleSession } from '../console-auth.js';
import { allow, respond, type ConsoleApp, type ConsoleContext } from '../console-app.js';
import { ct } from '../console-strings.js';
import { html, raw, type Html } from '../html.js';
import { csrfField } from '../layout.js';
import { recipientsByPlatform } from '../../core/platforms.js';
import { anyoneToPush } from '../../services/broadcast-service.js';

export interface BroadcastsPageDeps {
  broadcasts: BroadcastService;
  expos: ExpoCalendar;
  log: Logger;
}

const AUDIENCES = ['confirmed', 'waitlisted', 'active', 'subscribers'] as const;
type AudienceChoice = (typeof AUDIENCES)[number];
const AUD_KEY = { confirmed: 'audConfirmed', waitlisted: 'audWaitlisted', active: 'audActive', subscribers: 'audSubscribers' } as const;
const B_KEY = { sending: 'bSending', done: 'bDone', cancelled: 'bCancelled' } as const;
const D_KEY = { pending: 'dPending', sending: 'dSending', sent: 'dSent', unreachable: 'dUnreachable', failed: 'dFailed', skipped: 'dSkipped', cancelled: 'dCancelled' } as const;
const D_ORDER = ['sent', 'unreachable', 'failed', 'skipped', 'cancelled', 'pending', 'sending'] as const;
const PAGE = 200;
const PRE = raw('style="white-space:pre-wrap;font:inherit;margin:0"');

/** The compose form as submitted (organisers' expo is always their own). */
interface FormValues {
  expo: string;
  audience: string;
  role: string;
  zh: string;
  en: string;
  link: string;
}
interface Draft {
  audience: Audience;
  textZh?: string;
  textEn?: string;
  linkUrl?: string;
}

/** Browsers send textarea line breaks as CRLF; recipients get LF, as from the chat. */
const nl = (v: string | undefined) => (v ?? '').replace(/\r\n?/g, '\n');

export const maskChat = (id: string): string => (id.length > 4 ? `***${id.slice(-4)}` : '***');
export const percentDone = (c: Counts, total: number): number => {
  const done = c.sent + c.unreachable + c.failed + c.skipped + c.cancelled;
  return total ? Math.min(100, Math.floor((done / total) * 100)) : 100;
};

/** Whether a session may see and stop a broadcast: the operator; an organiser of its expo, or its creator. */
export function mayHandle(s: ConsoleSession, b: Pick<Broadcast, 'audience' | 'createdBy'>): boolean {
  if (s.kind === 'operator') return true;
  if (s.kind !== 'organiser') return false;
  return (b.audience.kind === 'registrants' && b.audience.expo === s.scope) || (s.staffId !== null && b.createdBy === s.staffId);
}

export function broadcastsPage(d: BroadcastsPageDeps) {
  /** Confirm-form tokens already used → the broadcast they created (0 while creating): a double click creates one broadcast. */
  const used = new Map<string, number>();

  const expoName = (slug: string, l: Locale) => d.expos.expos.find((e) => e.slug === slug)?.name[l] ?? slug;
  const describe = (a: Audience, l: Locale): string =>
    a.kind === 'subscribers' ? bt(l, 'audSubscribers') : `${expoName(a.expo, l)} · ${bt(l, AUD_KEY[a.status])} · ${a.role ? (ROLE_LABEL[a.role]?.[l] ?? a.role) : bt(l, 'allRoles')}`;

  const readForm = (c: ConsoleContext): FormValues => {
    const f = c.get('form');
    const s = c.get('session');
    return { expo: s.kind === 'organiser' ? s.scope! : (f.expo ?? ''), audience: f.audience ?? '', role: f.role ?? '', zh: nl(f.zh), en: nl(f.en), link: (f.link ?? '').trim() };
  };

  /** The same rules as the chat dialogue and the admin API; the message says what to fix. */
  const validate = (v: FormValues, s: ConsoleSession, l: Locale): { draft: Draft } | { error: string } => {
    if (!(AUDIENCES as readonly string[]).includes(v.audience)) return { error: ct(l, 'badAudience') };
    const choice = v.audience as AudienceChoice;
    if (v.role && !(ROLES as readonly string[]).includes(v.role)) return { error: ct(l, 'badAudience') };
    if (choice !== 'subscribers' && s.kind === 'operator' && !d.expos.expos.some((e) => e.slug === v.expo)) return { error: ct(l, 'badAudience') };
    const audience = choice === 'subscribers' ? { kind: 'subscribers' } : { kind: 'registrants', expo: v.expo, status: choice, ...(v.role ? { role: v.role } : {}) };
    if (!v.zh.trim() && !v.en.trim()) return { error: bt(l, 'needOneText') };
    const parsed = broadcastRequestSchema.safeParse({
      audience,
      ...(v.zh.trim() ? { textZh: v.zh } : {}),
      ...(v.en.trim() ? { textEn: v.en } : {}),
      ...(v.link ? { linkUrl: v.link } : {}),
    });
    if (!parsed.success) {
      const field = String(parsed.error.issues[0]?.path[0] ?? '');
      return { error: field === 'audience' ? ct(l, 'badAudience') : field === 'linkUrl' ? bt(l, 'badLink') : bt(l, 'badText') };
    }
    const { textZh, textEn, linkUrl } = parsed.data;
    return { draft: { audience: parsed.data.audience, ...(textZh !== undefined ? { textZh } : {}), ...(textEn !== undefined ? { textEn } : {}), ...(linkUrl !== undefined ? { linkUrl } : {}) } };
  };

  const compose = (s: ConsoleSession, l: Locale, v?: FormValues, error?: string): Html => {
    const opt = (value: string, text: string, current: string | undefined) => html`<option value="${value}" ${value === (current ?? '') ? html`selected` : ''}>${text}</option>`;
    return html`<form class="card" method="post" action="/console/broadcasts/preview" data-test="compose">${csrfField(s)}
<h2>${ct(l, 'newBroadcast')}</h2>${error ? html`<p class="note" data-test="error">${error}</p>` : ''}
<div class="filters">
${s.kind === 'operator' ? html`<label>${ct(l, 'expo')}<select name="expo">${d.expos.expos.map((e) => opt(e.slug, e.name[l], v?.expo))}</select></label>` : html`<span>${ct(l, 'expo')}: ${expoName(s.scope!, l)}</span>`}
<label>${ct(l, 'audience')}<select name="audience">${AUDIENCES.map((a) => opt(a, bt(l, AUD_KEY[a]), v?.audience))}</select></label>
<label>${ct(l, 'role')}<select name="role">${opt('', bt(l, 'allRoles'), v?.role)}${ROLES.map((r) => opt(r, ROLE_LABEL[r]![l], v?.role))}</select></label></div>
<p><label>${ct(l, 'textZh')}<br><textarea name="zh" rows="5" cols="70" maxlength="3000">${v?.zh ?? ''}</textarea></label></p>
<p><label>${ct(l, 'textEn')}<br><textarea name="en" rows="5" cols="70" maxlength="3000">${v?.en ?? ''}</textarea></label></p>
<p><label>${ct(l, 'link')}<br><input type="url" name="link" size="70" maxlength="500" placeholder="https://" value="${v?.link ?? ''}"></label></p>
<button type="submit" data-test="preview-button">${ct(l, 'preview')}</button></form>`;
  };

  const list = async (c: ConsoleContext, note?: Html, status: 200 | 400 | 409 = 200, v?: FormValues, error?: string) => {
    const s = c.get('session');
    const l = c.get('locale');
    const rows = await d.broadcasts.store.list(100, s.kind === 'operator' ? undefined : { expo: s.scope!, staffId: s.staffId });
    const withCounts = await Promise.all(rows.map(async (b) => ({ b, counts: await d.broadcasts.store.counts(b.id) })));
    const body = html`${note ?? ''}${c.req.query('gone') ? html`<p class="note">${bt(l, 'cancelGone')}</p>` : ''}
<div class="wrap"><table data-test="broadcasts"><thead><tr><th>#</th><th>${ct(l, 'created')}</th><th>${ct(l, 'audience')}</th><th>${ct(l, 'status')}</th><th>${ct(l, 'total')}</th>${D_ORDER.slice(0, 5).map((k) => html`<th>${ct(l, D_KEY[k])}</th>`)}<th>${ct(l, 'progress')}</th></tr></thead><tbody>
${withCounts.length
  ? withCounts.map(
      ({ b, counts }) => html`<tr><td><a href="/console/broadcasts/${b.id}">${b.id}</a></td><td>${chinaTime(new Date(b.createdAt))}</td><td>${describe(b.audience, l)}</td><td>${ct(l, B_KEY[b.status] ?? 'bDone')}</td><td>${b.total}</td>${D_ORDER.slice(0, 5).map((k) => html`<td>${counts[k]}</td>`)}<td>${percentDone(counts, b.total)}%</td></tr>`,
    )
  : html`<tr><td colspan="11">${ct(l, 'none')}</td></tr>`}
</tbody></table></div>
${compose(s, l, v, error)}`;
    return respond(c, ct(l, 'navBroadcasts'), body, 'broadcasts', status);
  };

  const preview = async (c: ConsoleContext, v: FormValues, draft: Draft) => {
    const s = c.get('session');
    const l = c.get('locale');
    const counts = await d.broadcasts.store.audienceCounts(draft.audience);
    const reachable = anyoneToPush(counts);
    const fields = { textZh: draft.textZh ?? null, textEn: draft.textEn ?? null, linkUrl: draft.linkUrl ?? null };
    const versions = (['zh', 'en'] as const)
      .filter((lang) => (lang === 'zh' ? draft.textZh : draft.textEn) !== undefined)
      .map((lang) => {
        const r = renderBroadcast(fields, lang);
        return html`<div class="card" data-test="preview-${lang}"><p><strong>${bt(l, 'previewOf')(lang === 'zh' ? '中文' : 'English')}</strong></p>
<pre ${PRE} data-test="text-${lang}">${r.text}</pre>
<p>${ct(l, 'buttons')}: ${(r.buttons ?? []).flat().map((b) => html`<span>[${b.label}]</span> `)}${r.link ? html`<a href="${r.link.url}" target="_blank" rel="noopener noreferrer">[${r.link.label}]</a>` : ''}</p></div>`;
      });
    const hidden = (name: string, value: string) => html`<input type="hidden" name="${name}" value="${value}">`;
    const body = html`<p class="note">${ct(l, 'previewHelp')}</p>
<p><strong>${ct(l, 'audience')}:</strong> ${describe(draft.audience, l)}</p>
<p data-test="audience-counts">${ct(l, 'recipientCounts')(recipientsByPlatform(counts, l), counts.unsubscribed, counts.noPush)}</p>
${versions}
${reachable
  ? html`<form method="post" action="/console/broadcasts" data-test="confirm">${csrfField(s)}${hidden('nonce', randomBytes(18).toString('base64url'))}${hidden('expo', v.expo)}${hidden('audience', v.audience)}${hidden('role', v.role)}${hidden('zh', v.zh)}${hidden('en', v.en)}${hidden('link', v.link)}
<button type="submit" data-test="confirm-button">${bt(l, 'btnSend')}</button></form>`
  : html`<p class="note" data-test="no-recipients">${bt(l, 'noRecipients')}</p>`}
<h2>${ct(l, 'edit')}</h2>${compose(s, l, v)}<p><a href="/console/broadcasts">${ct(l, 'back')}</a></p>`;
    return respond(c, `${ct(l, 'navBroadcasts')} · ${ct(l, 'preview')}`, body, 'broadcasts');
  };

  const loadVisible = async (c: ConsoleContext): Promise<Broadcast | undefined> => {
    const id = Number(c.req.param('id'));
    const b = Number.isSafeInteger(id) && id >= 1 && id <= 2_147_483_647 ? await d.broadcasts.store.get(id) : undefined;
    return b && mayHandle(c.get('session'), b) ? b : undefined;
  };

  return (app: ConsoleApp) => {
    app.get('/console/broadcasts', async (c) => {
      const denied = allow(c, 'broadcasts');
      if (denied) return denied;
      return list(c);
    });

    /** Shows exactly what recipients get and how many; creates nothing. */
    app.post('/console/broadcasts/preview', async (c) => {
      const denied = allow(c, 'broadcasts');
      if (denied) return denied;
      const l = c.get('locale');
      const v = readForm(c);
      const res = validate(v, c.get('session'), l);
      if ('error' in res) return list(c, undefined, 400, v, res.error);
      return preview(c, v, res.draft);
    });

    /** Confirm: the same BroadcastService.create as the chat dialogue's Send button. */
    app.post('/console/broadcasts', async (c) => {
      const denied = allow(c, 'broadcasts');
      if (denied) return denied;
      const s = c.get('session');
      const l = c.get('locale');
      const v = readForm(c);
      const res = validate(v, s, l);
      if ('error' in res) return list(c, undefined, 400, v, res.error);
      const nonce = c.get('form').nonce ?? '';
      if (!/^[\w-]{16,64}$/.test(nonce)) return list(c, undefined, 400, v, ct(l, 'csrf'));
      const earlier = used.get(nonce);
      if (earlier !== undefined) return c.redirect(earlier ? `/console/broadcasts/${earlier}` : '/console/broadcasts', 303);
      used.set(nonce, 0);
      if (used.size > 1000) used.delete(used.keys().next().value!);
      const b = await d.broadcasts
        .create({ ...res.draft, ...(s.kind === 'organiser' && s.staffId !== null ? { createdBy: s.staffId } : {}) })
        .catch((err: unknown) => {
          used.delete(nonce);
          throw err;
        });
      if (!b) {
        used.delete(nonce);
        return list(c, html`<p class="note" data-test="no-recipients">${bt(l, 'noRecipients')}</p>`, 409, v);
      }
      used.set(nonce, b.id);
      d.log.info('console created broadcast', { id: b.id, total: b.total, audience: b.audience.kind, by: s.kind, staffId: s.staffId });
      return c.redirect(`/console/broadcasts/${b.id}`, 303);
    });

    app.get('/console/broadcasts/:id{[0-9]{1,10}}', async (c) => {
      const denied = allow(c, 'broadcasts');
      if (denied) return denied;
      const s = c.get('session');
      const l = c.get('locale');
      const b = await loadVisible(c);
      if (!b) return respond(c, ct(l, 'navBroadcasts'), html`<p class="note">${ct(l, 'forbidden')}</p>`, 'broadcasts', 404);
      const counts = await d.broadcasts.store.counts(b.id);
      const pct = percentDone(counts, b.total);
      const done = b.total - counts.pending - counts.sending;
      const pageNo = Math.max(1, Math.min(100_000, Number.parseInt(c.req.query('page') ?? '1', 10) || 1));
      const rows = await d.broadcasts.store.deliveries(b.id, { limit: PAGE, offset: (pageNo - 1) * PAGE });
      const from = rows.length ? (pageNo - 1) * PAGE + 1 : 0;
      const to = (pageNo - 1) * PAGE + rows.length;
      const sending = b.status === 'sending';
      const at = (x: Date | null) => (x ? chinaTime(new Date(x)) : '—');
      const body = html`${sending ? raw('<meta http-equiv="refresh" content="2">') : ''}
${c.req.query('done') ? html`<p class="note ok">${bt(l, 'cancelDone')(b.id)}</p>` : ''}${c.req.query('gone') ? html`<p class="note">${bt(l, 'cancelGone')}</p>` : ''}
<div class="card" data-test="broadcast" data-status="${b.status}">
<p><strong>${ct(l, 'status')}:</strong> <span data-test="status">${ct(l, B_KEY[b.status] ?? 'bDone')}</span> · <strong>${ct(l, 'audience')}:</strong> ${describe(b.audience, l)}</p>
<p><strong>${ct(l, 'progress')}:</strong> <progress value="${Math.max(0, done)}" max="${Math.max(1, b.total)}"></progress> <strong data-test="progress">${pct}%</strong> (${Math.max(0, done)} / ${b.total})</p>
<p data-test="counts">${D_ORDER.map((k) => html`${ct(l, D_KEY[k])} <span data-count="${k}">${counts[k]}</span> · `)}${ct(l, 'total')} ${b.total}</p>
<p>${ct(l, 'created')}: ${at(b.createdAt)} · ${ct(l, 'finished')}: ${at(b.finishedAt)}</p>
${sending ? html`<p><small>${ct(l, 'refreshes')}</small></p>` : ''}
${sending ? html`<form method="post" action="/console/broadcasts/${b.id}/cancel">${csrfField(s)}<button type="submit" data-test="cancel">${bt(l, 'btnStop')}</button></form>` : ''}
</div>
<div class="grid">${b.textZh !== null ? html`<div class="card"><p><strong>${ct(l, 'textZh')}</strong></p><pre ${PRE}>${b.textZh}</pre></div>` : ''}${b.textEn !== null ? html`<div class="card"><p><strong>${ct(l, 'textEn')}</strong></p><pre ${PRE}>${b.textEn}</pre></div>` : ''}</div>
${b.linkUrl ? html`<p>${ct(l, 'link')}: ${b.linkUrl}</p>` : ''}
<p>${ct(l, 'shown')(from, to, b.total)}</p>
<div class="wrap"><table data-test="deliveries"><thead><tr><th>${ct(l, 'recipient')}</th><th>${ct(l, 'platform')}</th><th>${ct(l, 'status')}</th><th>${ct(l, 'error')}</th><th>${ct(l, 'sentAt')}</th></tr></thead><tbody>
${rows.length
  ? rows.map((r) => html`<tr><td>${maskChat(r.chatId)}</td><td>${r.platform}</td><td data-status="${r.status}">${ct(l, D_KEY[r.status] ?? 'dPending')}</td><td>${r.error ?? ''}</td><td>${at(r.sentAt)}</td></tr>`)
  : html`<tr><td colspan="5">${ct(l, 'none')}</td></tr>`}
</tbody></table></div>
<p>${pageNo > 1 ? html`<a href="/console/broadcasts/${b.id}?page=${pageNo - 1}">${ct(l, 'prev')}</a> ` : ''}${to < b.total ? html`<a href="/console/broadcasts/${b.id}?page=${pageNo + 1}">${ct(l, 'next')}</a>` : ''}</p>
<p><a href="/console/broadcasts">${ct(l, 'back')}</a></p>`;
      return respond(c, ct(l, 'broadcastNo')(b.id), body, 'broadcasts');
    });

    /** Stop: BroadcastService.cancel, as the chat's Stop button. */
    app.post('/console/broadcasts/:id{[0-9]{1,10}}/cancel', async (c) => {
      const denied = allow(c, 'broadcasts');
      if (denied) return denied;
      const s = c.get('session');
      const l = c.get('locale');
      const b = await loadVisible(c);
      if (!b) return respond(c, ct(l, 'navBroadcasts'), html`<p class="note">${ct(l, 'forbidden')}</p>`, 'broadcasts', 404);
      const ok = await d.broadcasts.cancel(b.id);
      if (ok) d.log.info('console cancelled broadcast', { id: b.id, by: s.kind, staffId: s.staffId });
      return c.redirect(`/console/broadcasts/${b.id}?${ok ? 'done=1' : 'gone=1'}`, 303);
    });
  };
}
