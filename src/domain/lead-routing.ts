/**
 * Which agency gets a lead (SPEC §7): lead type → service field; agencies covering the lead's
 * province first, then the rest of the field; within each group round-robin (the agency whose last
 * offer is oldest first, by offer id: ids only grow, so simultaneous leads still take turns). Only agencies with a bound inbox can receive; after every candidate has
 * had its chance the alliance coordinator is last.
 */
import type { LeadType, Province } from '../core/intents.js';
import type { Agency, AgencyField } from './policy.js';

export const COORDINATOR = 'coordinator';

export const LEAD_FIELDS: Record<LeadType, readonly AgencyField[]> = {
  buy: ['trading'],
  license: ['trading'],
  sell: ['trading'],
  demand: ['trading'],
  invest: ['investment'],
  protect: ['protection'],
  cooperate: ['trading', 'information'],
  consult: ['information'],
};

export interface RoutingInput {
  type: LeadType;
  province?: Province | null;
  /** Agencies already offered this lead (passed, expired or failed). */
  tried: ReadonlySet<string>;
  /** Agency slug → the id of its latest offer (null: never offered); only agencies with an inbox. */
  inboxes: ReadonlyMap<string, number | null>;
}

/** Candidates in the order they should be offered the lead, without the coordinator. */
export function rankAgencies(agencies: readonly Agency[], input: RoutingInput): Agency[] {
  const fields = LEAD_FIELDS[input.type];
  const eligible = agencies.filter(
    (a) => a.slug !== COORDINATOR && input.inboxes.has(a.slug) && !input.tried.has(a.slug) && a.fields.some((f) => fields.includes(f)),
  );
  const last = (a: Agency) => input.inboxes.get(a.slug) ?? -Infinity;
  const order = (a: Agency, b: Agency) => last(a) - last(b) || agencies.indexOf(a) - agencies.indexOf(b);
  const local = eligible.filter((a) => input.province && (a.provinces as readonly string[]).includes(input.province)).sort(order);
  const rest = eligible.filter((a) => !local.includes(a)).sort(order);
  return [...local, ...rest];
}

/** The next agency slug to offer the lead to, the coordinator when no agency is left, or undefined when even that is used up or unbound. */
export function nextAgency(agencies: readonly Agency[], input: RoutingInput): string | undefined {
  const first = rankAgencies(agencies, input)[0];
  if (first) return first.slug;
  return input.inboxes.has(COORDINATOR) && !input.tried.has(COORDINATOR) ? COORDINATOR : undefined;
}
