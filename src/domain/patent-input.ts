/**
 * Validation and normalisation of one imported patent (JSONL object or CSV row) into a
 * PatentRecord. Every problem becomes a reason string; the importer reports it with the line number.
 */
import { createHash } from 'node:crypto';
import { PATENT_TYPES, PROVINCES, type PatentType, type Province } from '../core/intents.js';
import { PROVINCE_INFO } from './geo.js';
import type { PatentRecord } from './patent.js';
import { TRADE_MODES } from './patent.js';

const TYPE_ZH: Record<string, PatentType> = { 发明: 'invention', 实用新型: 'utility_model', 外观设计: 'design' };
const ID_RE = /^[A-Z]{2}\d{5,15}(?:[A-Z]\d?)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

export type InputResult = { ok: true; record: PatentRecord } | { ok: false; reason: string };

function str(v: unknown, field: string, max: number): string | null {
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string' && typeof v !== 'number') throw new Error(`${field} must be a string`);
  const s = String(v).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '').replace(/\s+/g, ' ').trim();
  if (s.length > max) throw new Error(`${field} is longer than ${max} characters`);
  return s === '' ? null : s;
}

function list(v: unknown, field: string): string[] {
  if (v === undefined || v === null || v === '') return [];
  const arr = Array.isArray(v) ? v : typeof v === 'string' ? v.split(/[;；]/) : null;
  if (!arr) throw new Error(`${field} must be a list or a ;-separated string`);
  const out: string[] = [];
  for (const x of arr) {
    const s = str(x, field, 500);
    if (s && !out.includes(s)) out.push(s);
  }
  if (out.length > 200) throw new Error(`${field} has more than 200 entries`);
  return out;
}

function day(v: unknown, field: string): string | null {
  const s = str(v, field, 10);
  if (!s) return null;
  const m = DATE_RE.exec(s);
  const d = m ? new Date(`${s}T00:00:00Z`) : null;
  if (!m || !d || Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== s) throw new Error(`${field} must be a date YYYY-MM-DD (got "${s.slice(0, 20)}")`);
  return s;
}

function patentType(v: unknown): PatentType | null {
  const s = str(v, 'patentType', 20);
  if (!s) return null;
  if ((PATENT_TYPES as readonly string[]).includes(s)) return s as PatentType;
  const t = TYPE_ZH[s.replace(/专利$/, '')];
  if (!t) throw new Error(`patentType "${s}" is not one of 发明/实用新型/外观设计 or ${PATENT_TYPES.join('/')}`);
  return t;
}

/** 湖北省 / 湖北 / Hubei → Hubei; other provinces → null (kept raw for display). */
export function canonicalProvince(raw: string | null): Province | null {
  if (!raw) return null;
  if ((PROVINCES as readonly string[]).includes(raw)) return raw as Province;
  for (const p of PROVINCES) {
    const info = PROVINCE_INFO[p];
    if (raw === info.zhFull || raw === info.zh || raw.toLowerCase() === info.en.toLowerCase()) return p;
  }
  return null;
}

function bool(v: unknown): boolean {
  return v === true || v === 'true' || v === '1' || v === 1;
}

export function parsePatentInput(input: unknown): InputResult {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return { ok: false, reason: 'not a JSON object' };
  const o = input as Record<string, unknown>;
  try {
    const rawId = str(o.id ?? o.publicationNumber, 'id', 40);
    if (!rawId) return { ok: false, reason: 'missing id / publicationNumber' };
    const id = rawId.toUpperCase().replace(/\s+/g, '');
    if (!ID_RE.test(id)) return { ok: false, reason: `id "${rawId.slice(0, 40)}" is not a publication number like CN218751475U` };
    const title = str(o.title, 'title', 1000);
    if (!title) return { ok: false, reason: 'missing title' };
    const provinceRaw = str(o.province, 'province', 50);
    const tradeModes = list(o.tradeModes, 'tradeModes');
    const badMode = tradeModes.find((m) => !(TRADE_MODES as readonly string[]).includes(m));
    if (badMode) return { ok: false, reason: `tradeModes "${badMode}" is not one of ${TRADE_MODES.join('/')}` };
    const record: PatentRecord = {
      id,
      title,
      titleEn: str(o.titleEn, 'titleEn', 1000),
      abstract: str(o.abstract, 'abstract', 20_000),
      applicants: list(o.applicants, 'applicants'),
      inventors: list(o.inventors, 'inventors'),
      applicationNumber: str(o.applicationNumber, 'applicationNumber', 40)?.toUpperCase().replace(/\s+/g, '') ?? null,
      grantPublicationNumber: str(o.grantPublicationNumber, 'grantPublicationNumber', 40)?.toUpperCase().replace(/\s+/g, '') ?? null,
      applicationDate: day(o.applicationDate, 'applicationDate'),
      publicationDate: day(o.publicationDate, 'publicationDate'),
      grantDate: day(o.grantDate, 'grantDate'),
      ipc: list(o.ipc, 'ipc'),
      patentType: patentType(o.patentType),
      legalStatus: str(o.legalStatus, 'legalStatus', 100),
      applicantAddress: str(o.applicantAddress, 'applicantAddress', 500),
      province: canonicalProvince(provinceRaw),
      provinceRaw,
      city: str(o.city, 'city', 50),
      language: str(o.language, 'language', 10),
      source: str(o.source, 'source', 200),
      sourceCategory: list(o.sourceCategory, 'sourceCategory'),
      tradeModes,
      demo: bool(o.demo),
    };
    return { ok: true, record };
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
}

/** Stable hash of the normalised record: equal hash ⇔ nothing to write. */
export function recordHash(r: PatentRecord): string {
  return createHash('sha256').update(JSON.stringify(r)).digest('base64url').slice(0, 22);
}
