/**
 * One invention, two publications. CNIPA publishes an invention application (kind A; older numbers
 * carry no kind code) and, when it is granted, the grant (kind B, C before 2010) under the same
 * number body: CN110801221A → CN110801221B. Search finds both; a reply shows one card per invention
 * with the grant (the publication that carries rights) first.
 *
 * The rule: two publications are one invention when their number bodies (CN + digits, kind code
 * dropped) are equal and both are invention publications (kind A, B, C, or no kind code on an
 * invention). Titles are not compared: the grant's title is the one amended in examination
 * (…方法及设备 → …设备), and in the 20k corpus 102 of the 2,690 same-body pairs differ in title only so.
 * A utility model (U, body 2…) and an invention (A, body 1…) filed the same day by one applicant are
 * two applications with two numbers: their bodies never match, so they are never merged. Neither are
 * pre-2010 grants numbered in their own series (CN1298741 / CN1101222C): nothing in a record proves
 * they are one application, and one applicant does file two applications with one title.
 */

const NUMBER = /^(CN\d{7,9})([A-Z]?)\d?$/;

export type PublicationRole = 'application' | 'grant';

interface Publication {
  id: string;
  patentType: string | null;
}

/** The number body and the publication's role, for an invention publication; undefined otherwise. */
export function inventionPublication(p: Publication): { body: string; role: PublicationRole } | undefined {
  const m = NUMBER.exec(p.id);
  if (!m) return undefined;
  const kind = m[2]!;
  if (p.patentType === 'utility_model' || p.patentType === 'design') return undefined;
  if (kind === 'B' || kind === 'C') return { body: m[1]!, role: 'grant' };
  if (kind === 'A' || (kind === '' && (p.patentType === 'invention' || (p.patentType === null && inventionDigits(m[1]!))))) return { body: m[1]!, role: 'application' };
  return undefined;
}

/** The numbering rule's type digit says invention: the first of 7 or 9 digits, the third of the 8-digit 1985–88 form (CN85102292). */
function inventionDigits(body: string): boolean {
  const d = body.slice(2);
  return (d.length === 8 ? d[2] : d[0]) === '1';
}

/** What identifies the invention: the number body of an invention publication, else the record itself (never equal to a body). */
export function familyKey(p: Publication): string {
  return inventionPublication(p)?.body ?? `record:${p.id}`;
}

export interface Family<T> {
  /** The grant when one is among the members, else the best-ranked member. */
  primary: T;
  /** The invention's other publications, in the order given. */
  others: T[];
}

/** Ranked publications → one family per invention, placed where its best-ranked member was. */
export function groupFamilies<T extends Publication>(ranked: readonly T[]): Family<T>[] {
  const groups = new Map<string, T[]>();
  for (const p of ranked) {
    const key = familyKey(p);
    const members = groups.get(key);
    if (!members) groups.set(key, [p]);
    else if (!members.some((m) => m.id === p.id)) members.push(p);
  }
  return [...groups.values()].map((members) => {
    const primary = members.find((m) => inventionPublication(m)?.role === 'grant') ?? members[0]!;
    return { primary, others: members.filter((m) => m !== primary) };
  });
}
