/**
 * The notice an agency inbox receives for a lead, and its later states (claimed, passed on). Plain
 * text and Actions only: each adapter escapes for its markup. The reference is always in the first
 * line, so a notice repeated after a crash is recognisably the same lead.
 */
import { LEAD_STATUS_LABEL, LEAD_TYPE_LABEL, lt } from '../core/lead-strings.js';
import type { LeadType, Province } from '../core/intents.js';
import type { Button, Locale, Reply } from '../core/types.js';
import { PROVINCE_INFO } from '../domain/geo.js';
import type { Lead, LeadOffer } from './lead-store.js';

export type NoticeState = { kind: 'open'; deadline: Date | null; coordinator: boolean } | { kind: 'claimed'; by: string; at: Date } | { kind: 'passed' } | { kind: 'expired' };

/** "2026-11-23 12:00" in China time. */
export function chinaTime(d: Date): string {
  return new Date(d.getTime() + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

export function renderLeadNotice(lead: Lead, offer: LeadOffer, patentTitle: string | undefined, locale: Locale, state: NoticeState): Reply {
  const L = (k: Parameters<typeof lt>[1]) => lt(locale, k) as string;
  const lines = [lt(locale, 'noticeTitle')(lead.ref, LEAD_TYPE_LABEL[lead.type as LeadType]?.[locale] ?? lead.type)];
  if (lead.patentId) lines.push(`${L('fPatent')}: ${patentTitle ? `${patentTitle} (${lead.patentId})` : lead.patentId}`);
  if (lead.need) lines.push(`${L('fNeed')}: ${lead.need}`);
  const p = lead.province as Province | null;
  lines.push(`${L('fProvince')}: ${p ? PROVINCE_INFO[p][locale === 'zh' ? 'zh' : 'en'] : lt(locale, 'anyProvince')}`);
  const contact = [lead.phone, lead.email].filter(Boolean).join(' · ');
  if (contact) lines.push(`${L('fContact')}: ${contact}`);
  if (lead.notes) lines.push(`${L('fNotes')}: ${lead.notes}`);
  const buttons: Button[][] = [];
  if (state.kind === 'open') {
    if (state.coordinator) lines.push(L('fCoordinator'));
    else if (state.deadline) lines.push(lt(locale, 'fDeadline')(chinaTime(state.deadline)));
    buttons.push([
      { label: L('btnClaim'), action: { type: 'lead_claim', offerId: offer.id } },
      ...(state.coordinator ? [] : [{ label: L('btnPass'), action: { type: 'lead_pass' as const, offerId: offer.id } }]),
    ]);
  } else if (state.kind === 'claimed') {
    lines.push(lt(locale, 'claimedBy')(state.by, chinaTime(state.at)));
    lines.push(lt(locale, 'statusLine')(LEAD_STATUS_LABEL[lead.status]?.[locale] ?? lead.status));
    const next = lead.status === 'claimed' ? (['contacted', 'won', 'lost'] as const) : lead.status === 'contacted' ? (['won', 'lost'] as const) : [];
    const label = { contacted: L('btnContacted'), won: L('btnWon'), lost: L('btnLost') };
    if (next.length) buttons.push(next.map((status) => ({ label: label[status], action: { type: 'lead_status' as const, leadId: lead.id, status } })));
  } else {
    lines.push(L(state.kind === 'passed' ? 'passedOn' : 'expiredOn'));
  }
  if (lead.patentId && state.kind !== 'passed' && state.kind !== 'expired') buttons.push([{ label: L('btnDetails'), action: { type: 'detail', patentId: lead.patentId } }]);
  return { text: lines.join('\n'), ...(buttons.length ? { buttons } : {}) };
}
