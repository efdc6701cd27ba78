/**
 * Invites on the admin API (behind the Bearer ADMIN_TOKEN check of /admin/api), the running
 * service's `patent-bridge invite`: the CLI cannot open the embedded database while the service
 * holds it. `POST /admin/api/invites` with `{"role":"staff","agency":SLUG}` or
 * `{"role":"organiser","expo":SLUG}` and optionally `"days"` (1–90, default 7) answers the one-time
 * code. The code is in the answer only, never in the log.
 */
import type { Hono } from 'hono';
import { COORDINATOR } from '../domain/lead-routing.js';
import type { AgencyDirectory } from '../domain/policy.js';
import type { ExpoCalendar } from '../domain/expo.js';
import type { StaffRole, StaffStore } from '../services/staff-store.js';
import type { Logger } from '../util/log.js';
import { readJson } from './body-limit.js';

export interface InviteAdmin {
  /** The scopes a role may be invited to: agency slugs (and the coordinator) or edition slugs. */
  scopes(role: StaffRole): string[];
  create(role: StaffRole, scope: string, days: number): Promise<{ code: string; expiresAt: Date }>;
}

export function inviteAdmin(staff: StaffStore, agencies: AgencyDirectory, expos: ExpoCalendar): InviteAdmin {
  return {
    scopes: (role) => (role === 'staff' ? [...agencies.agencies.map((a) => a.slug), COORDINATOR] : expos.expos.map((e) => e.slug)),
    create: (role, scope, days) => staff.createInvite(role, scope, days),
  };
}

const error = (code: string, message: string) => ({ error: { code, message } });

export function mountInviteAdmin(app: Hono, api: InviteAdmin, log: Logger): void {
  app.post('/admin/api/invites', async (c) => {
    const body = await readJson(c);
    if (!body || typeof body !== 'object' || Array.isArray(body)) return c.json(error('BAD_REQUEST', 'send {"role":"staff","agency":SLUG} or {"role":"organiser","expo":SLUG}, optionally "days"'), 400);
    const { role, agency, expo, days } = body as Record<string, unknown>;
    if (role !== 'staff' && role !== 'organiser') return c.json(error('BAD_ROLE', 'role must be staff or organiser'), 400);
    const [field, other, scope] = role === 'staff' ? (['agency', 'expo', agency] as const) : (['expo', 'agency', expo] as const);
    if ((role === 'staff' ? expo : agency) !== undefined) return c.json(error('BAD_REQUEST', `an invite for ${role} takes "${field}", not "${other}"`), 400);
    const valid = api.scopes(role);
    if (typeof scope !== 'string' || !valid.includes(scope))
      return c.json(error(role === 'staff' ? 'BAD_AGENCY' : 'BAD_EXPO', `${field} must be one of ${valid.length ? valid.join(', ') : `(none: content/${role === 'staff' ? 'agencies' : 'expos'}.yaml lists none)`}`), 400);
    const n = days === undefined ? 7 : days;
    if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 90) return c.json(error('BAD_DAYS', 'days must be a whole number from 1 to 90'), 400);
    const { code, expiresAt } = await api.create(role, scope, n);
    log.info('invite created', { role, scope, expiresAt: expiresAt.toISOString() });
    return c.json({ code, role, scope, expiresAt, use: `send /join ${code} to the bot in Telegram (or /patent join ${code} in Slack); one use` }, 201);
  });
}
