/**
 * Cities of the six provinces as search filters. A record's city comes from its own `city` field
 * (demo records) or else from its applicant's address; a query's city from a city the text names
 * (武汉, Wuhan). The value is always a name from PROVINCE_INFO, never user text.
 */
import type { Province } from '../src/core/intents.js';
import { findPlaces, PROVINCE_INFO } from '../src/domain/geo.js';

const BY_NAME = new Map<string, { zh: string; province: Province }>();
for (const [p, info] of Object.entries(PROVINCE_INFO) as [Province, (typeof PROVINCE_INFO)[Province]][]) {
  for (const c of info.cities) {
    BY_NAME.set(c.zh, { zh: c.zh, province: p });
    for (const en of c.en.split('|')) BY_NAME.set(en.toLowerCase(), { zh: c.zh, province: p });
  }
}

function canonical(surface: string): { zh: string; province: Province } | undefined {
  return BY_NAME.get(surface.toLowerCase().replace(/(?:市|州)$/, '')) ?? BY_NAME.get(surface.toLowerCase());
}

/** The first city of the six provinces that `text` names, as its Chinese name (武汉), with its province. */
export function cityIn(text: string): { zh: string; province: Province } | undefined {
  for (const m of findPlaces(text)) {
    if (!m.province) continue;
    const c = canonical(m.surface.trim());
    if (c && c.province === m.province) return c;
  }
  return undefined;
}

/** A record's city: its own field when it names a known city, else the first one in the applicant's address. */
export function recordCity(r: { city: string | null; applicantAddress: string | null; province: Province | null }): string | null {
  const own = r.city ? canonical(r.city.trim()) : undefined;
  if (own) return own.zh;
  const addr = r.applicantAddress ? cityIn(r.applicantAddress) : undefined;
  return addr && (!r.province || addr.province === r.province) ? addr.zh : null;
}
