/**
 * The read queries on leads, their offers and audit trail (chat, console, admin CLI): each one
 * statement, none changing anything. LeadStore extends it with the state changes.
 */
import { and, asc, desc, eq, gte } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { leadEvents, leadOffers, leads } from '../db/schema.js';
import type { Lead, LeadEvent, LeadOffer, LeadStatus } from './lead-store.js';

export class LeadReads {
  constructor(protected readonly db: Db) {}

  async byRef(ref: string): Promise<Lead | undefined> {
    const [l] = await this.db.select().from(leads).where(eq(leads.ref, ref.toUpperCase()));
    return l;
  }

  async byId(id: number): Promise<Lead | undefined> {
    const [l] = await this.db.select().from(leads).where(eq(leads.id, id));
    return l;
  }

  /** A person's own leads, newest first ("my leads" in chat). */
  async mine(userId: number, limit = 10): Promise<Lead[]> {
    return this.db.select().from(leads).where(eq(leads.userId, userId)).orderBy(desc(leads.createdAt), desc(leads.id)).limit(limit);
  }

  async offer(id: number): Promise<LeadOffer | undefined> {
    const [o] = await this.db.select().from(leadOffers).where(eq(leadOffers.id, id));
    return o;
  }

  async offersOf(leadId: number): Promise<LeadOffer[]> {
    return this.db.select().from(leadOffers).where(eq(leadOffers.leadId, leadId)).orderBy(asc(leadOffers.id));
  }

  async events(leadId: number): Promise<LeadEvent[]> {
    return this.db.select().from(leadEvents).where(eq(leadEvents.leadId, leadId)).orderBy(asc(leadEvents.id));
  }

  async list(filter: { status?: LeadStatus; type?: string; province?: string; agency?: string; since?: Date; limit?: number } = {}): Promise<Lead[]> {
    return this.db
      .select()
      .from(leads)
      .where(
        and(
          filter.status ? eq(leads.status, filter.status) : undefined,
          filter.type ? eq(leads.type, filter.type) : undefined,
          filter.province ? eq(leads.province, filter.province) : undefined,
          filter.agency ? eq(leads.agencySlug, filter.agency) : undefined,
          filter.since ? gte(leads.createdAt, filter.since) : undefined,
        ),
      )
      .orderBy(desc(leads.createdAt), desc(leads.id))
      .limit(filter.limit ?? 100);
  }

  /** Notification jobs that gave up: the dead-letter list. */
  async deadLetters(): Promise<(LeadOffer & { ref: string })[]> {
    const rows = await this.db.select({ offer: leadOffers, ref: leads.ref }).from(leadOffers).innerJoin(leads, eq(leads.id, leadOffers.leadId)).where(eq(leadOffers.status, 'failed')).orderBy(desc(leadOffers.updatedAt));
    return rows.map((r) => ({ ...r.offer, ref: r.ref }));
  }
}
