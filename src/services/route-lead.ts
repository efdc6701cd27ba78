/** Lead routing, shared by every LeadStore change that offers a lead (created, passed, expired, swept). */
import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/database.js';
import { leadInboxes, leadOffers, leads } from '../db/schema.js';
import type { LeadType, Province } from '../core/intents.js';
import { nextAgency } from '../domain/lead-routing.js';
import type { Agency } from '../domain/policy.js';
import { recordLeadEvent } from './record-lead-event.js';
import type { Lead, LeadOffer } from './lead-store.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

/**
 * Offers the lead to the next agency (or the coordinator) under the routing lock, or leaves it
 * `new` when no inbox can take it (the sweep tries again once one is bound).
 */
export async function routeLead(tx: Tx, agencies: readonly Agency[], lead: Lead, now: Date): Promise<LeadOffer | undefined> {
  await tx.execute(sql`select pg_advisory_xact_lock(hashtext('lead-routing'))`);
  const tried = await tx.select({ agency: leadOffers.agencySlug }).from(leadOffers).where(eq(leadOffers.leadId, lead.id));
  const inboxes = await tx.select().from(leadInboxes);
  const latest = await tx.select({ agency: leadOffers.agencySlug, id: sql<number>`max(${leadOffers.id})::int` }).from(leadOffers).groupBy(leadOffers.agencySlug);
  const slug = nextAgency(agencies, {
    type: lead.type as LeadType,
    province: lead.province as Province | null,
    tried: new Set(tried.map((r) => r.agency)),
    inboxes: new Map(inboxes.map((i) => [i.agencySlug, latest.find((l) => l.agency === i.agencySlug)?.id ?? null])),
  });
  const inbox = inboxes.find((i) => i.agencySlug === slug);
  if (!slug || !inbox) {
    await tx.update(leads).set({ agencySlug: null, updatedAt: now }).where(eq(leads.id, lead.id));
    return undefined;
  }
  await tx.update(leads).set({ agencySlug: slug, updatedAt: now }).where(eq(leads.id, lead.id));
  const [offer] = await tx.insert(leadOffers).values({ leadId: lead.id, agencySlug: slug, platform: inbox.platform, chatId: inbox.chatId, nextAttemptAt: now }).returning();
  await recordLeadEvent(tx, lead.id, 'system', 'offered', lead.status, lead.status, slug);
  return offer;
}
