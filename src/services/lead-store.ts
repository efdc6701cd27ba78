/**
 * Trade leads: the lead, its offers to agency inboxes (each offer is also the durable notification
 * job, an outbox row) and the audit trail. Every method is one short transaction; routing runs
 * under one advisory lock so concurrent leads, passes and expiries on any replica see the same
 * round-robin state (route-lead.ts). Nothing here calls a platform: the LeadDispatcher sends what
 * is pending. The read queries are LeadReads' (lead-reads.ts).
 */
import { and, asc, eq, gte, inArray, isNull, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { leadEvents, leadOffers, leads, notices } from '../db/schema.js';
import type { LeadType, Province } from '../core/intents.js';
import { COORDINATOR } from '../domain/lead-routing.js';
import type { Agency } from '../domain/policy.js';
import { LeadReads } from './lead-reads.js';
import { recordLeadEvent } from './record-lead-event.js';
import { newCode } from './registration-store.js';
import { routeLead } from './route-lead.js';

export type Lead = typeof leads.$inferSelect;
export type LeadOffer = typeof leadOffers.$inferSelect;
export type LeadEvent = typeof leadEvents.$inferSelect;
export const LEAD_STATUSES = ['new', 'notified', 'claimed', 'contacted', 'won', 'lost'] as const;
export type LeadStatus = (typeof LEAD_STATUSES)[number];
/** Status changes staff may make after claiming. */
const NEXT: Partial<Record<LeadStatus, readonly LeadStatus[]>> = { claimed: ['contacted', 'won', 'lost'], contacted: ['won', 'lost'] };

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export interface LeadInput {
  userId: number;
  type: LeadType;
  patentId?: string;
  need?: string;
  province?: Province;
  phone?: string;
  email?: string;
  notes?: string;
  locale: 'zh' | 'en';
  /** The submitting update (`platform:id`); the same update handled again returns the lead it made. */
  sourceKey?: string;
}

export type CreateResult = { kind: 'created'; lead: Lead; offer?: LeadOffer } | { kind: 'limit'; limit: number };
export type AssignResult = { kind: 'assigned'; lead: Lead; noticeId?: number } | { kind: 'not-waiting'; status: LeadStatus } | { kind: 'gone' };
export type ClaimResult =
  | { kind: 'claimed'; lead: Lead; offer: LeadOffer; noticeId?: number }
  | { kind: 'taken'; lead: Lead; offer: LeadOffer }
  | { kind: 'gone' };

export interface LeadStoreOptions {
  agencies: readonly Agency[];
  /** Open leads one person may submit per 24 hours. */
  dailyLimit?: number;
  /** The author's notice when an agency claims: `(lead, agency slug)` → both languages. */
  claimedNotice: (lead: Lead, agencySlug: string) => { zh: string; en: string };
}

/** The state changes; the read queries are LeadReads'. */
export class LeadStore extends LeadReads {
  constructor(
    db: Db,
    private readonly o: LeadStoreOptions,
  ) {
    super(db);
  }

  get dailyLimit(): number {
    return this.o.dailyLimit ?? 3;
  }

  /** Leads of a person in the last 24 hours that are still open: the abuse guard counts these. */
  async recentOpen(userId: number, now: Date, tx: Tx | Db = this.db): Promise<number> {
    const [count] = await tx
      .select({ n: sql<number>`count(*)::int` })
      .from(leads)
      .where(and(eq(leads.userId, userId), gte(leads.createdAt, new Date(now.getTime() - 86_400_000)), inArray(leads.status, ['new', 'notified', 'claimed', 'contacted'])));
    return count?.n ?? 0;
  }

  /** Saves the lead and its first notification job in one transaction. */
  async create(input: LeadInput, now: Date): Promise<CreateResult> {
    return this.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext(${'lead-user:' + input.userId}))`);
      if (input.sourceKey) {
        const [made] = await tx.select().from(leads).where(eq(leads.sourceKey, input.sourceKey));
        if (made) return { kind: 'created', lead: made } as const;
      }
      if ((await this.recentOpen(input.userId, now, tx)) >= this.dailyLimit) return { kind: 'limit', limit: this.dailyLimit } as const;
      let ref = `L-${newCode()}`;
      for (let i = 0; i < 5 && (await tx.select({ id: leads.id }).from(leads).where(eq(leads.ref, ref))).length; i++) ref = `L-${newCode()}`;
      const [lead] = await tx
        .insert(leads)
        .values({
          ref,
          sourceKey: input.sourceKey ?? null,
          userId: input.userId,
          type: input.type,
          patentId: input.patentId ?? null,
          need: input.need ?? null,
          province: input.province ?? null,
          phone: input.phone ?? null,
          email: input.email ?? null,
          notes: input.notes ?? null,
          locale: input.locale,
          consentAt: now,
          createdAt: now,
          updatedAt: now,
        })
        .returning();
      await recordLeadEvent(tx, lead!.id, `user:${input.userId}`, 'created', null, 'new');
      const offer = await routeLead(tx, this.o.agencies, lead!, now);
      return { kind: 'created', lead: lead!, ...(offer ? { offer } : {}) } as const;
    });
  }

  /** Takes due notification jobs with a lease (SKIP LOCKED: safe across workers and replicas). */
  async claimDue(now: Date, limit = 10, leaseMs = 60_000): Promise<(LeadOffer & { lead: Lead })[]> {
    const rows = await this.db.transaction(async (tx) => {
      const due = await tx
        .select({ id: leadOffers.id })
        .from(leadOffers)
        .where(and(eq(leadOffers.status, 'pending'), lte(leadOffers.nextAttemptAt, now), or(isNull(leadOffers.leaseUntil), lte(leadOffers.leaseUntil, now))))
        .orderBy(asc(leadOffers.nextAttemptAt))
        .limit(limit)
        .for('update', { skipLocked: true });
      if (!due.length) return [];
      return tx
        .update(leadOffers)
        .set({ leaseUntil: new Date(now.getTime() + leaseMs), attempts: sql`${leadOffers.attempts} + 1`, updatedAt: now })
        .where(inArray(leadOffers.id, due.map((d) => d.id)))
        .returning();
    });
    if (!rows.length) return [];
    const ls = await this.db.select().from(leads).where(inArray(leads.id, rows.map((r) => r.leadId)));
    return rows.map((r) => ({ ...r, lead: ls.find((l) => l.id === r.leadId)! }));
  }

  /** The notice is in the inbox: the claim deadline starts. A claim that came first (from a duplicate notice) stands. */
  async markSent(offer: LeadOffer, messageId: string, deadlineAt: Date | null, now: Date): Promise<void> {
    await this.db.transaction(async (tx) => {
      const [o] = await tx
        .update(leadOffers)
        .set({ status: 'sent', messageId, sentAt: now, deadlineAt, leaseUntil: null, error: null, updatedAt: now })
        .where(and(eq(leadOffers.id, offer.id), eq(leadOffers.status, 'pending')))
        .returning();
      if (!o) return;
      const [l] = await tx.update(leads).set({ status: 'notified', updatedAt: now }).where(and(eq(leads.id, o.leadId), eq(leads.status, 'new'))).returning();
      if (l) await recordLeadEvent(tx, o.leadId, 'system', 'notified', 'new', 'notified', o.agencySlug);
    });
  }

  async markRetry(offer: LeadOffer, error: string, at: Date): Promise<void> {
    await this.db
      .update(leadOffers)
      .set({ nextAttemptAt: at, leaseUntil: null, error: error.slice(0, 500), updatedAt: sql`now()` })
      .where(and(eq(leadOffers.id, offer.id), eq(leadOffers.status, 'pending')));
  }

  /**
   * The dead-letter case: retries exhausted, or the inbox refused the notice. With `escalate` (the
   * inbox itself is gone) the lead moves on to the next agency at once.
   */
  async markFailed(offer: LeadOffer, error: string, escalate: boolean, now: Date): Promise<LeadOffer | undefined> {
    return this.db.transaction(async (tx) => {
      const [o] = await tx
        .update(leadOffers)
        .set({ status: 'failed', leaseUntil: null, error: error.slice(0, 500), updatedAt: now })
        .where(and(eq(leadOffers.id, offer.id), eq(leadOffers.status, 'pending')))
        .returning();
      if (!o) return undefined;
      const [lead] = await tx.select().from(leads).where(eq(leads.id, o.leadId));
      await recordLeadEvent(tx, o.leadId, 'system', 'notice_failed', lead!.status, lead!.status, o.agencySlug);
      return escalate && (lead!.status === 'new' || lead!.status === 'notified') ? routeLead(tx, this.o.agencies, lead!, now) : undefined;
    });
  }

  /** First claim wins: the offer row's status flips once, whoever presses at the same moment. */
  async claim(offerId: number, staffId: number, now: Date): Promise<ClaimResult> {
    return this.db.transaction(async (tx) => {
      const [offer] = await tx
        .update(leadOffers)
        .set({ status: 'claimed', leaseUntil: null, updatedAt: now })
        .where(and(eq(leadOffers.id, offerId), inArray(leadOffers.status, ['pending', 'sent'])))
        .returning();
      if (!offer) {
        const [o] = await tx.select().from(leadOffers).where(eq(leadOffers.id, offerId));
        const [l] = o ? await tx.select().from(leads).where(eq(leads.id, o.leadId)) : [];
        return o && l && o.status === 'claimed' ? ({ kind: 'taken', lead: l, offer: o } as const) : ({ kind: 'gone' } as const);
      }
      const [before] = await tx.select().from(leads).where(eq(leads.id, offer.leadId));
      const [lead] = await tx
        .update(leads)
        .set({ status: 'claimed', agencySlug: offer.agencySlug, claimedBy: staffId, claimedAt: now, updatedAt: now })
        .where(eq(leads.id, offer.leadId))
        .returning();
      await recordLeadEvent(tx, lead!.id, `staff:${staffId}`, 'claimed', before!.status, 'claimed', offer.agencySlug);
      // The author's notice is written with the claim, so it cannot be lost; a push may deliver it sooner.
      let noticeId: number | undefined;
      if (lead!.userId) {
        const text = this.o.claimedNotice(lead!, offer.agencySlug);
        [{ id: noticeId }] = (await tx.insert(notices).values({ userId: lead!.userId, textZh: text.zh, textEn: text.en }).returning({ id: notices.id })) as [{ id: number }];
      }
      return { kind: 'claimed', lead: lead!, offer, ...(noticeId ? { noticeId } : {}) } as const;
    });
  }

  /**
   * An operator hands a lead that waits for an agency (status `new`, no open offer: no inbox could
   * take it) to an agency by hand: it becomes that agency's claimed lead, as if claimed, without a
   * staff member (its staff take it on from the console). Any other state is refused, so the
   * status only ever moves forward; the author is told as on a claim.
   */
  async assign(leadId: number, agencySlug: string, actor: string, now: Date): Promise<AssignResult> {
    return this.db.transaction(async (tx) => {
      const [lead] = await tx.select().from(leads).where(eq(leads.id, leadId)).for('update');
      if (!lead) return { kind: 'gone' } as const;
      const [open] = await tx.select({ id: leadOffers.id }).from(leadOffers).where(and(eq(leadOffers.leadId, leadId), inArray(leadOffers.status, ['pending', 'sent', 'claimed'])));
      if (lead.status !== 'new' || open) return { kind: 'not-waiting', status: lead.status as LeadStatus } as const;
      const [updated] = await tx.update(leads).set({ status: 'claimed', agencySlug, claimedBy: null, claimedAt: now, updatedAt: now }).where(eq(leads.id, leadId)).returning();
      await recordLeadEvent(tx, leadId, actor, 'assigned', 'new', 'claimed', agencySlug);
      let noticeId: number | undefined;
      if (updated!.userId) {
        const text = this.o.claimedNotice(updated!, agencySlug);
        [{ id: noticeId }] = (await tx.insert(notices).values({ userId: updated!.userId, textZh: text.zh, textEn: text.en }).returning({ id: notices.id })) as [{ id: number }];
      }
      return { kind: 'assigned', lead: updated!, ...(noticeId ? { noticeId } : {}) } as const;
    });
  }

  /** Pass (staff) or expiry (deadline): the offer ends and the lead goes to the next agency. */
  async release(offerId: number, how: 'passed' | 'expired', actor: string, now: Date): Promise<{ offer: LeadOffer; next?: LeadOffer } | undefined> {
    return this.db.transaction(async (tx) => {
      const [offer] = await tx
        .update(leadOffers)
        .set({ status: how, leaseUntil: null, updatedAt: now })
        .where(and(eq(leadOffers.id, offerId), inArray(leadOffers.status, how === 'passed' ? ['pending', 'sent'] : ['sent'])))
        .returning();
      if (!offer) return undefined;
      const [lead] = await tx.select().from(leads).where(eq(leads.id, offer.leadId));
      await recordLeadEvent(tx, lead!.id, actor, how, lead!.status, lead!.status, offer.agencySlug);
      const next = await routeLead(tx, this.o.agencies, lead!, now);
      return { offer, ...(next ? { next } : {}) };
    });
  }

  /** Offers past their claim deadline (never the coordinator's: it is the end of the line). */
  async overdue(now: Date, limit = 50): Promise<LeadOffer[]> {
    return this.db
      .select()
      .from(leadOffers)
      .where(and(eq(leadOffers.status, 'sent'), lte(leadOffers.deadlineAt, now), sql`${leadOffers.agencySlug} <> ${COORDINATOR}`))
      .orderBy(asc(leadOffers.deadlineAt))
      .limit(limit);
  }

  /** Leads saved while no inbox could take them, routed again (after an inbox is bound). */
  async routeWaiting(now: Date): Promise<LeadOffer[]> {
    const waiting = await this.db
      .select()
      .from(leads)
      .where(and(inArray(leads.status, ['new', 'notified']), sql`not exists (select 1 from ${leadOffers} o where o.lead_id = ${leads.id} and o.status in ('pending', 'sent', 'claimed'))`))
      .limit(50);
    const offers: LeadOffer[] = [];
    for (const lead of waiting) {
      const o = await this.db.transaction(async (tx) => {
        const [open] = await tx.select({ id: leadOffers.id }).from(leadOffers).where(and(eq(leadOffers.leadId, lead.id), inArray(leadOffers.status, ['pending', 'sent', 'claimed'])));
        return open ? undefined : routeLead(tx, this.o.agencies, lead, now);
      });
      if (o) offers.push(o);
    }
    return offers;
  }

  /** contacted / won / lost, by staff of the agency that claimed the lead. */
  async setStatus(leadId: number, staffId: number, agencySlug: string, to: LeadStatus, now: Date): Promise<{ kind: 'ok'; lead: Lead; from: LeadStatus } | { kind: 'not-yours' } | { kind: 'bad-transition'; from: LeadStatus }> {
    return this.db.transaction(async (tx) => {
      const [lead] = await tx.select().from(leads).where(eq(leads.id, leadId)).for('update');
      if (!lead || lead.agencySlug !== agencySlug || !['claimed', 'contacted', 'won', 'lost'].includes(lead.status)) return { kind: 'not-yours' } as const;
      const from = lead.status as LeadStatus;
      if (!NEXT[from]?.includes(to)) return { kind: 'bad-transition', from } as const;
      const [updated] = await tx.update(leads).set({ status: to, updatedAt: now }).where(eq(leads.id, leadId)).returning();
      await recordLeadEvent(tx, leadId, `staff:${staffId}`, 'status', from, to, agencySlug);
      return { kind: 'ok', lead: updated!, from } as const;
    });
  }

  /** An operator sends a dead letter again (after fixing the inbox). */
  async retry(offerId: number, now: Date): Promise<boolean> {
    return this.db.transaction(async (tx) => {
      const [o] = await tx
        .update(leadOffers)
        .set({ status: 'pending', attempts: 0, nextAttemptAt: now, error: null, updatedAt: now })
        .where(and(eq(leadOffers.id, offerId), eq(leadOffers.status, 'failed')))
        .returning();
      if (!o) return false;
      const [lead] = await tx.select({ status: leads.status }).from(leads).where(eq(leads.id, o.leadId));
      await recordLeadEvent(tx, o.leadId, 'admin', 'retried', lead!.status, lead!.status, o.agencySlug);
      return true;
    });
  }

  /** forget_me: the lead and its audit trail stay for the agencies' records, without the person's details. */
  async anonymise(userId: number): Promise<void> {
    await this.db.update(leads).set({ phone: null, email: null, notes: null, need: null, updatedAt: sql`now()` }).where(eq(leads.userId, userId));
  }
}
