/**
 * Button actions. They travel through platforms as short strings (Telegram callback data is limited
 * to 64 bytes), so each action has a compact, versionless encoding and a strict decoder: anything
 * that does not decode is rejected, never guessed.
 */
export type Action =
  | { type: 'detail'; patentId: string }
  | { type: 'interest'; patentId: string }
  | { type: 'more'; page: number }
  | { type: 'help' }
  | { type: 'subscribe' }
  | { type: 'unsubscribe' }
  | { type: 'forget_confirm' }
  | { type: 'forget_cancel' }
  | { type: 'new_chat' }
  | { type: 'lang'; locale: 'zh' | 'en' }
  | { type: 'policy_topics'; province: Province }
  | { type: 'policy'; id: string }
  | { type: 'reg_expo'; slug: string }
  | { type: 'reg_role'; role: (typeof ROLES)[number] }
  | { type: 'reg_yes' }
  | { type: 'reg_no' }
  | { type: 'reg_cancel'; id: number }
  | { type: 'reg_cancel_yes'; id: number }
  | { type: 'lead_type'; leadType: LeadType }
  | { type: 'lead_province'; province: Province | 'any' }
  | { type: 'lead_skip' }
  | { type: 'lead_yes' }
  | { type: 'lead_no' }
  | { type: 'lead_demand' }
  | { type: 'lead_consult' }
  | { type: 'lead_claim'; offerId: number }
  | { type: 'lead_pass'; offerId: number }
  | { type: 'lead_status'; leadId: number; status: 'contacted' | 'won' | 'lost' }
  | { type: 'broadcast_cancel'; id: number }
  | { type: 'bcast_audience'; audience: 'confirmed' | 'waitlisted' | 'active' | 'subscribers' }
  | { type: 'bcast_role'; role: (typeof ROLES)[number] | 'all' }
  | { type: 'bcast_skip' }
  | { type: 'bcast_yes' }
  | { type: 'bcast_no' };

import { LEAD_TYPES, PROVINCES, type LeadType, type Province } from './intents.js';

const STATUS_CODE = { contacted: 'c', won: 'w', lost: 'l' } as const;
const CODE_STATUS = { c: 'contacted', w: 'won', l: 'lost' } as const;

const ID = /^[A-Z0-9.]{4,32}$/;
const SECTION_ID = /^[a-z0-9-]{3,40}$/;
export const ROLES = ['patentee', 'buyer', 'investor', 'agency', 'visitor', 'exhibitor'] as const;
/** Row ids are Postgres `serial` (int4): anything larger is refused here, not by the database. */
const regId = (arg: string | undefined) => (arg && /^[1-9]\d{0,9}$/.test(arg) && Number(arg) <= 2_147_483_647 ? Number(arg) : undefined);

export function encodeAction(a: Action): string {
  switch (a.type) {
    case 'detail':
      return `d:${a.patentId}`;
    case 'interest':
      return `i:${a.patentId}`;
    case 'more':
      return `m:${a.page}`;
    case 'help':
      return 'h';
    case 'subscribe':
      return 's';
    case 'unsubscribe':
      return 'u';
    case 'forget_confirm':
      return 'fy';
    case 'forget_cancel':
      return 'fn';
    case 'new_chat':
      return 'nc';
    case 'lang':
      return `l:${a.locale}`;
    case 'policy_topics':
      return `pt:${a.province}`;
    case 'policy':
      return `ps:${a.id}`;
    case 'reg_expo':
      return `rx:${a.slug}`;
    case 'reg_role':
      return `rr:${a.role}`;
    case 'reg_yes':
      return 'ry';
    case 'reg_no':
      return 'rn';
    case 'reg_cancel':
      return `rc:${a.id}`;
    case 'reg_cancel_yes':
      return `rk:${a.id}`;
    case 'lead_type':
      return `lt:${a.leadType}`;
    case 'lead_province':
      return `lv:${a.province}`;
    case 'lead_skip':
      return 'lk';
    case 'lead_yes':
      return 'ly';
    case 'lead_no':
      return 'ln';
    case 'lead_demand':
      return 'ld';
    case 'lead_consult':
      return 'lq';
    case 'lead_claim':
      return `lc:${a.offerId}`;
    case 'lead_pass':
      return `lp:${a.offerId}`;
    case 'lead_status':
      return `ls:${a.leadId}.${STATUS_CODE[a.status]}`;
    case 'broadcast_cancel':
      return `bc:${a.id}`;
    case 'bcast_audience':
      return `ba:${a.audience}`;
    case 'bcast_role':
      return `br:${a.role}`;
    case 'bcast_skip':
      return 'bk';
    case 'bcast_yes':
      return 'by';
    case 'bcast_no':
      return 'bn';
  }
}

export function decodeAction(s: string): Action | undefined {
  if (typeof s !== 'string' || s.length > 64) return undefined;
  // Split at the first ':' only, so trailing segments reach the argument checks and are refused.
  const colon = s.indexOf(':');
  const tag = colon < 0 ? s : s.slice(0, colon);
  const arg = colon < 0 ? undefined : s.slice(colon + 1);
  switch (tag) {
    case 'd':
      return arg && ID.test(arg) ? { type: 'detail', patentId: arg } : undefined;
    case 'i':
      return arg && ID.test(arg) ? { type: 'interest', patentId: arg } : undefined;
    case 'm': {
      const page = Number(arg);
      return Number.isInteger(page) && page >= 1 && page <= 50 ? { type: 'more', page } : undefined;
    }
    case 'h':
      return arg === undefined ? { type: 'help' } : undefined;
    case 's':
      return arg === undefined ? { type: 'subscribe' } : undefined;
    case 'u':
      return arg === undefined ? { type: 'unsubscribe' } : undefined;
    case 'fy':
      return arg === undefined ? { type: 'forget_confirm' } : undefined;
    case 'fn':
      return arg === undefined ? { type: 'forget_cancel' } : undefined;
    case 'nc':
      return arg === undefined ? { type: 'new_chat' } : undefined;
    case 'l':
      return arg === 'zh' || arg === 'en' ? { type: 'lang', locale: arg } : undefined;
    case 'pt':
      return (PROVINCES as readonly string[]).includes(arg ?? '') ? { type: 'policy_topics', province: arg as Province } : undefined;
    case 'ps':
      return arg && SECTION_ID.test(arg) ? { type: 'policy', id: arg } : undefined;
    case 'rx':
      return arg && SECTION_ID.test(arg) ? { type: 'reg_expo', slug: arg } : undefined;
    case 'rr':
      return (ROLES as readonly string[]).includes(arg ?? '') ? { type: 'reg_role', role: arg as (typeof ROLES)[number] } : undefined;
    case 'ry':
      return arg === undefined ? { type: 'reg_yes' } : undefined;
    case 'rn':
      return arg === undefined ? { type: 'reg_no' } : undefined;
    case 'rc': {
      const id = regId(arg);
      return id ? { type: 'reg_cancel', id } : undefined;
    }
    case 'rk': {
      const id = regId(arg);
      return id ? { type: 'reg_cancel_yes', id } : undefined;
    }
    case 'lt':
      return (LEAD_TYPES as readonly string[]).includes(arg ?? '') ? { type: 'lead_type', leadType: arg as LeadType } : undefined;
    case 'lv':
      return arg === 'any' || (PROVINCES as readonly string[]).includes(arg ?? '') ? { type: 'lead_province', province: arg as Province | 'any' } : undefined;
    case 'lk':
    case 'ly':
    case 'ln':
    case 'ld':
    case 'lq':
      return arg === undefined ? ({ lk: { type: 'lead_skip' }, ly: { type: 'lead_yes' }, ln: { type: 'lead_no' }, ld: { type: 'lead_demand' }, lq: { type: 'lead_consult' } } as const)[tag] : undefined;
    case 'lc':
    case 'lp': {
      const offerId = regId(arg);
      return offerId ? { type: tag === 'lc' ? 'lead_claim' : 'lead_pass', offerId } : undefined;
    }
    case 'ls': {
      const m = /^([1-9]\d{0,9})\.([cwl])$/.exec(arg ?? '');
      const leadId = regId(m?.[1]);
      return m && leadId ? { type: 'lead_status', leadId, status: CODE_STATUS[m[2] as 'c' | 'w' | 'l'] } : undefined;
    }
    case 'ba':
      return ['confirmed', 'waitlisted', 'active', 'subscribers'].includes(arg ?? '') ? { type: 'bcast_audience', audience: arg as 'confirmed' } : undefined;
    case 'br':
      return arg === 'all' || (ROLES as readonly string[]).includes(arg ?? '') ? { type: 'bcast_role', role: arg as 'all' } : undefined;
    case 'bk':
    case 'by':
    case 'bn':
      return arg === undefined ? ({ bk: { type: 'bcast_skip' }, by: { type: 'bcast_yes' }, bn: { type: 'bcast_no' } } as const)[tag] : undefined;
    case 'bc': {
      const id = regId(arg);
      return id ? { type: 'broadcast_cancel', id } : undefined;
    }
    default:
      return undefined;
  }
}
