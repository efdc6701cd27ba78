/**
 * The admin API for trade leads (behind the same Bearer ADMIN_TOKEN check as the rest of
 * /admin/api): the lead list without contact data, one lead with its contact data, offers and audit
 * trail, assigning a lead that waits for an agency by hand, and the dead-letter list of lead
 * notices with a retry.
 */
import type { Hono } from 'hono';
import type { LeadService } from '../services/lead-service.js';
import { LEAD_STATUSES, type Lead, type LeadEvent, type LeadOffer, type LeadStatus } from '../services/lead-store.js';
import { readJson } from './body-limit.js';
import type { Logger } from '../util/log.js';

/** What the routes need; `leadAdmin` builds it from the LeadService. */
export interface LeadAdmin {
  list(filter: { status?: LeadStatus; limit: number }): Promise<Lead[]>;
  lead(ref: string): Promise<{ lead: Lead; offers: LeadOffer[]; events: LeadEvent[] } | undefined>;
  deadNotices(): Promise<(LeadOffer & { ref: string })[]>;
  /** Hands a lead waiting for an agency (status new, no open offer) to an agency; audited as `admin`. */
  assign(ref: string, agency: string): Promise<{ kind: 'assigned'; lead: Lead } | { kind: 'not-waiting'; status: string } | { kind: 'unknown-agency'; valid: string[] } | { kind: 'gone' }>;
  /** Sends a failed notice again; false when there is no failed offer with that id. */
  retryNotice(offerId: number): Promise<boolean>;
}

export function leadAdmin(leads: LeadService, clock: () => Date = () => new Date()): LeadAdmin {
  const store = leads.store;
  return {
    list: (filter) => store.list(filter),
    async lead(ref) {
      const lead = await store.byRef(ref);
      if (!lead) return undefined;
      const [offers, events] = await Promise.all([store.offersOf(lead.id), store.events(lead.id)]);
      return { lead, offers, events };
    },
    deadNotices: () => store.deadLetters(),
    async assign(ref, agency) {
      const lead = await store.byRef(ref);
      if (!lead) return { kind: 'gone' };
      const res = await leads.assign(lead, agency);
      return res.kind === 'unknown-agency' ? { kind: 'unknown-agency', valid: leads.assignable() } : res;
    },
    async retryNotice(offerId) {
      const ok = await store.retry(offerId, clock());
      if (ok) leads.kick();
      return ok;
    },
  };
}

const MAX_LIMIT = 500;
const MAX_ID = 2_147_483_647;

function error(code: string, message: string) {
  return { error: { code, message } };
}

/** Mounts the lead routes; the caller has already put the admin token check on /admin/api/*. */
export function mountLeadAdmin(app: Hono, api: LeadAdmin, log: Logger): void {
  app.get('/admin/api/leads', async (c) => {
    const status = c.req.query('status');
    if (status !== undefined && !(LEAD_STATUSES as readonly string[]).includes(status))
      return c.json(error('BAD_STATUS', `status must be one of ${LEAD_STATUSES.join(', ')}`), 400);
    const limitText = c.req.query('limit');
    const limit = limitText === undefined ? 100 : /^\d{1,4}$/.test(limitText) ? Number(limitText) : NaN;
    if (!(limit >= 1 && limit <= MAX_LIMIT)) return c.json(error('BAD_LIMIT', `limit must be a whole number from 1 to ${MAX_LIMIT}`), 400);
    const rows = await api.list({ ...(status ? { status: status as LeadStatus } : {}), limit });
    return c.json({
      leads: rows.map((l) => ({ ref: l.ref, type: l.type, province: l.province, status: l.status, agency: l.agencySlug, createdAt: l.createdAt, updatedAt: l.updatedAt })),
    });
  });

  app.get('/admin/api/leads/:ref', async (c) => {
    const ref = c.req.param('ref');
    const found = ref.length <= 40 ? await api.lead(ref) : undefined;
    if (!found) return c.json(error('NOT_FOUND', `no lead ${ref.slice(0, 40)}`), 404);
    const { lead: l, offers, events } = found;
    // Contact data leaves the service here: the access is logged (reference only, never the data).
    log.info('admin read lead', { ref: l.ref });
    return c.json({
      lead: {
        ref: l.ref,
        type: l.type,
        patentId: l.patentId,
        need: l.need,
        province: l.province,
        phone: l.phone,
        email: l.email,
        notes: l.notes,
        locale: l.locale,
        status: l.status,
        agency: l.agencySlug,
        consentAt: l.consentAt,
        claimedAt: l.claimedAt,
        createdAt: l.createdAt,
        updatedAt: l.updatedAt,
      },
      offers: offers.map((o) => ({ id: o.id, agency: o.agencySlug, platform: o.platform, status: o.status, attempts: o.attempts, error: o.error, sentAt: o.sentAt, deadlineAt: o.deadlineAt })),
      events: events.map((e) => ({ actor: e.actor, action: e.action, from: e.fromStatus, to: e.toStatus, agency: e.agencySlug, at: e.at })),
    });
  });

  app.post('/admin/api/leads/:ref/assign', async (c) => {
    const ref = c.req.param('ref');
    const body = (await readJson(c)) as { agency?: unknown } | null;
    const agency = body && typeof body === 'object' ? body.agency : undefined;
    if (typeof agency !== 'string' || !agency) return c.json(error('BAD_REQUEST', 'send {"agency": "<slug from content/agencies.yaml>"}'), 400);
    const res = ref.length <= 40 ? await api.assign(ref, agency.slice(0, 80)) : ({ kind: 'gone' } as const);
    if (res.kind === 'gone') return c.json(error('NOT_FOUND', `no lead ${ref.slice(0, 40)}`), 404);
    if (res.kind === 'unknown-agency') return c.json(error('BAD_AGENCY', `agency must be one of ${res.valid.join(', ')}`), 400);
    if (res.kind === 'not-waiting') return c.json(error('NOT_WAITING', `lead ${ref} is ${res.status}, not waiting for an agency: only a new lead without an open offer can be assigned by hand`), 409);
    log.info('admin assigned lead', { ref: res.lead.ref, agency: res.lead.agencySlug });
    return c.json({ ref: res.lead.ref, status: res.lead.status, agency: res.lead.agencySlug });
  });

  app.get('/admin/api/lead-notices/dead', async (c) => {
    const dead = await api.deadNotices();
    return c.json({
      dead: dead.map((o) => ({ offerId: o.id, ref: o.ref, agency: o.agencySlug, platform: o.platform, attempts: o.attempts, error: o.error, updatedAt: o.updatedAt })),
    });
  });

  app.post('/admin/api/lead-notices/:id/retry', async (c) => {
    const idText = c.req.param('id');
    if (!/^\d{1,12}$/.test(idText)) return c.json(error('BAD_REQUEST', 'notice id must be a whole number (offerId from /admin/api/lead-notices/dead)'), 400);
    const id = Number(idText);
    const ok = id >= 1 && id <= MAX_ID && (await api.retryNotice(id));
    if (!ok) return c.json(error('NOT_FOUND', `no failed lead notice ${idText}`), 404);
    log.info('admin retried lead notice', { offerId: id });
    return c.json({ retried: true }, 202);
  });
}
