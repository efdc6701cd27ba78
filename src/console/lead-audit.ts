/**
 * A lead's audit trail as the operator reads it: who (the author as "用户 #61", a staff member as
 * "机构 X 的员工", the system, the operator), what (the action in words) and the status change in
 * the status labels the rest of the console uses. The stored rows stay machine values
 * (`user:61`, `claimed`); only the page words them. An action or actor this file does not know
 * yet (a later feature's) is shown as stored rather than hidden.
 */
import { LEAD_STATUS_LABEL } from '../core/lead-strings.js';
import type { Locale } from '../core/types.js';
import type { AgencyDirectory } from '../domain/policy.js';
import { agencyName } from '../services/lead-service.js';
import type { LeadEvent } from '../services/lead-store.js';
import type { StaffMember } from '../services/staff-store.js';

const ACTIONS: Record<string, Record<Locale, string>> = {
  created: { zh: '提交线索', en: 'Lead submitted' },
  offered: { zh: '推送给机构', en: 'Offered to an agency' },
  notified: { zh: '通知已送达机构', en: 'Notice delivered to the agency' },
  notice_failed: { zh: '通知发送失败', en: 'Notice could not be delivered' },
  claimed: { zh: '机构认领', en: 'Claimed by the agency' },
  passed: { zh: '机构转出', en: 'Passed on by the agency' },
  expired: { zh: '超时未认领，转下一家', en: 'Not claimed in time; moved on' },
  status: { zh: '更新进展', en: 'Progress updated' },
  retried: { zh: '重新发送通知', en: 'Notice sent again' },
  assigned: { zh: '运营人员人工分派', en: 'Assigned by the operator' },
};

export const actionLabel = (action: string, l: Locale): string => ACTIONS[action]?.[l] ?? action;

export const statusLabel = (status: string | null, l: Locale): string => (status ? (LEAD_STATUS_LABEL[status]?.[l] ?? status) : '—');

/** "— → 待分派", or just the status when it did not change. */
export function statusChange(e: Pick<LeadEvent, 'fromStatus' | 'toStatus'>, l: Locale): string {
  if (e.fromStatus === e.toStatus) return statusLabel(e.toStatus, l);
  return `${statusLabel(e.fromStatus, l)} → ${statusLabel(e.toStatus, l)}`;
}

/**
 * The actor in words. `staff` holds the members the trail names (looked up by the page); a member
 * no longer on record is still "staff #id".
 */
export function actorLabel(actor: string, l: Locale, staff: ReadonlyMap<number, StaffMember>, agencies: AgencyDirectory): string {
  if (actor === 'system') return l === 'zh' ? '系统' : 'System';
  if (actor === 'admin') return l === 'zh' ? '运营人员' : 'Operator';
  const m = /^(user|staff):(\d+)$/.exec(actor);
  if (!m) return actor;
  const id = Number(m[2]);
  if (m[1] === 'user') return l === 'zh' ? `用户 #${id}` : `User #${id}`;
  const member = staff.get(id);
  if (!member) return l === 'zh' ? `员工 #${id}` : `Staff #${id}`;
  const agency = agencyName(agencies, member.scope, l);
  const name = member.displayName?.trim();
  if (l === 'zh') return `${agency} 的员工${name ? `（${name}）` : ''}`;
  return `Staff of ${agency}${name ? ` (${name})` : ''}`;
}

/** The staff ids a trail names, for one lookup each. */
export const staffIdsOf = (events: readonly Pick<LeadEvent, 'actor'>[]): number[] => [
  ...new Set(events.flatMap((e) => (/^staff:(\d+)$/.exec(e.actor) ? [Number(e.actor.slice(6))] : []))),
];
