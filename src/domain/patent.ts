import type { PatentType, Province } from '../core/intents.js';

/** A patent as the system of record holds it (mirrors the `patents` table). */
export interface PatentRecord {
  id: string;
  title: string;
  titleEn: string | null;
  abstract: string | null;
  applicants: string[];
  inventors: string[];
  applicationNumber: string | null;
  grantPublicationNumber: string | null;
  applicationDate: string | null;
  publicationDate: string | null;
  grantDate: string | null;
  ipc: string[];
  patentType: PatentType | null;
  legalStatus: string | null;
  applicantAddress: string | null;
  province: Province | null;
  provinceRaw: string | null;
  city: string | null;
  language: string | null;
  source: string | null;
  sourceCategory: string[];
  tradeModes: string[];
  demo: boolean;
}

export const TRADE_MODES = ['transfer', 'license', 'pledge', 'cooperate', 'invest'] as const;
export type TradeMode = (typeof TRADE_MODES)[number];
