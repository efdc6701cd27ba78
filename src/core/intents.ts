/**
 * The closed sets of SPEC §6. Every other module takes intents and entities from here, so adding an
 * intent is a compile error in each dispatch table until it is handled.
 */
export const INTENTS = [
  'greet',
  'help',
  'search_patents',
  'patent_detail',
  'explain_policy',
  'expo_info',
  'register_expo',
  'cancel_registration',
  'my_registrations',
  'submit_lead',
  'alliance_info',
  'subscribe',
  'unsubscribe',
  'forget_me',
  'unknown',
] as const;
export type Intent = (typeof INTENTS)[number];

export const PROVINCES = ['Shanxi', 'Henan', 'Hubei', 'Hunan', 'Anhui', 'Jiangxi'] as const;
export type Province = (typeof PROVINCES)[number];

export const PATENT_TYPES = ['invention', 'utility_model', 'design'] as const;
export type PatentType = (typeof PATENT_TYPES)[number];

export const LEAD_TYPES = ['buy', 'license', 'invest', 'cooperate', 'sell', 'demand', 'protect', 'consult'] as const;
export type LeadType = (typeof LEAD_TYPES)[number];

/**
 * Entities found in one utterance. A key is absent when the utterance says nothing about it;
 * `province: null` means a province was named but it is outside the six ("not covered").
 */
export interface Entities {
  province?: Province | null;
  patentType?: PatentType;
  leadType?: LeadType;
  /** Uppercase, no spaces, leading ZL removed: `CN112345678A`, `201910234567.8`. */
  patentNumber?: string;
  /** IPC symbol as written by the user, normalised to uppercase, e.g. `H01M` or `H01M10/052`. */
  ipc?: string;
  /** Topic words left for search after entity words and filler are removed. */
  query?: string;
}

export interface NluResult {
  intent: Intent;
  entities: Entities;
  /** 0..1; below the classifier's threshold the intent is `unknown`. */
  confidence: number;
}
