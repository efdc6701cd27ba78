/** The audit trail of a lead (lead_events): one row per change, written in the change's transaction. */
import type { Db } from '../db/database.js';
import { leadEvents } from '../db/schema.js';

type Tx = Parameters<Parameters<Db['transaction']>[0]>[0];

export function recordLeadEvent(tx: Tx, leadId: number, actor: string, action: string, from: string | null, to: string | null, agencySlug: string | null = null) {
  return tx.insert(leadEvents).values({ leadId, actor, action, fromStatus: from, toStatus: to, agencySlug });
}
