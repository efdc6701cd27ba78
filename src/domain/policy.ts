/**
 * Operator-editable policy content (content/policies/*.md) and the alliance's agencies
 * (content/agencies.yaml). Parsing is strict: `check:content` and the start-up refuse a section
 * without sources or dates, an unknown topic or field, or a province outside the six.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { duplicateProblems, parseYamlFile } from './yaml-content.js';
import { z } from 'zod';
import { PROVINCES, type Province } from '../core/intents.js';
import { parseExpos, type ExpoCalendar } from './expo.js';
import { PROVINCE_INFO } from './geo.js';

export const POLICY_TOPICS = [
  'plan',
  'subsidy',
  'award',
  'pledge-financing',
  'tax',
  'fund',
  'incubator',
  'university',
  'cross-province',
  'matchmaking',
  'open-licence',
  'insurance',
  'transfer-institution',
  'talent',
  'protection',
  'results',
] as const;
export type PolicyTopic = (typeof POLICY_TOPICS)[number];
/** Who may apply, recorded only where the source says so; `any` = the source names a role (a seller, a patentee) but no kind. */
export const APPLICANT_KINDS = ['any', 'firm', 'sme', 'high-tech-firm', 'university', 'institute', 'individual', 'bank', 'agency'] as const;
export type ApplicantKind = (typeof APPLICANT_KINDS)[number];
export const PATENT_KINDS = ['invention', 'utility_model', 'design'] as const;
/** Files: one per province, plus rules that apply everywhere and the six-province cooperation. */
export type PolicyScope = Province | 'national' | 'central-region';
export const AGENCY_FIELDS = ['information', 'trading', 'agency', 'investment', 'protection'] as const;
export type AgencyField = (typeof AGENCY_FIELDS)[number];

const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'is not a date');
/**
 * A date as precise as the source: `2024-05-27`, `2024-12` (the month only) or `2022` (the year
 * only; YAML reads it as a number). Answers then say "2022年（具体日期未载明）" instead of showing
 * a made-up 1 January. `issued: unknown` when the source gives no date at all.
 */
const partialDay = z
  .union([z.string(), z.number().int()])
  .transform(String)
  .pipe(
    z
      .string()
      .regex(/^\d{4}(-\d{2}(-\d{2})?)?$/, 'must be YYYY-MM-DD, YYYY-MM or YYYY')
      .refine((s) => !Number.isNaN(Date.parse(`${s.padEnd(7, '-01').padEnd(10, '-01')}T00:00:00Z`)) && (s.length < 7 || Number(s.slice(5, 7)) <= 12), 'is not a date'),
  );
const sourceSchema = z.object({
  title: z.string().min(2),
  issuer: z.string().min(2).optional(),
  url: z.string().url().optional(),
  reported: z.boolean(),
}).refine((s) => !(s.reported && s.url), { message: 'a reported source carries no URL (citation rule: URLs only for official or mainstream pages)', path: ['url'] });
const sectionId = z.string().regex(/^[a-z0-9-]{3,40}$/, 'must be 3–40 of a-z 0-9 -');
const metaSchema = z
  .object({
    id: sectionId,
    topics: z.array(z.enum(POLICY_TOPICS)).min(1),
    issued: z.union([z.literal('unknown'), partialDay]),
    checked: day,
    sources: z.array(sourceSchema),
    /** Validity where the source gives it: in force from / until (a rule), or the year a plan's targets are for. */
    valid_from: partialDay.optional(),
    valid_until: partialDay.optional(),
    horizon: z.number().int().min(2000).max(2100).optional(),
    /** The section that follows this one (a later plan or edition), when one is on file. */
    successor: sectionId.optional(),
    applicants: z.array(z.enum(APPLICANT_KINDS)).min(1).optional(),
    patent_kinds: z.array(z.enum(PATENT_KINDS)).min(1).optional(),
    /** A city-level section: the city's Chinese name as in the gazetteer (src/domain/geo.ts). */
    city: z.string().min(2).optional(),
  })
  .strict()
  .refine((m) => !m.valid_from || !m.valid_until || m.valid_from <= m.valid_until, { message: 'valid_from is after valid_until', path: ['valid_until'] });

export type PolicySource = z.infer<typeof sourceSchema>;
type Meta = z.infer<typeof metaSchema>;
export interface PolicySection extends Omit<Meta, 'valid_from' | 'valid_until' | 'patent_kinds'> {
  validFrom?: string;
  validUntil?: string;
  patentKinds?: (typeof PATENT_KINDS)[number][];
  scope: PolicyScope;
  title: { zh: string; en: string };
  body: { zh: string; en: string };
}

const FILE_SCOPE: Record<string, PolicyScope> = {
  ...Object.fromEntries(PROVINCES.map((p) => [p.toLowerCase(), p])),
  national: 'national',
  'central-region': 'central-region',
};

export class ContentError extends Error {
  constructor(readonly problems: string[]) {
    super(`content has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    this.name = 'ContentError';
  }
}

/** Parses one policy file; problems are collected, each naming the file and section. */
export function parsePolicyFile(text: string, file: string): { sections: PolicySection[]; problems: string[] } {
  const problems: string[] = [];
  const base = path.basename(file, '.md');
  const scope = FILE_SCOPE[base];
  if (!scope) return { sections: [], problems: [`${file}: file name must be one of ${Object.keys(FILE_SCOPE).join(', ')}.md (provinces outside the six are not covered)`] };
  const parts = text.replace(/\r\n/g, '\n').split(/^## /m);
  if (!/^# .+/.test(parts[0]!.trim())) problems.push(`${file}: must start with a "# " title line`);
  const sections: PolicySection[] = [];
  for (const part of parts.slice(1)) {
    const heading = part.slice(0, part.indexOf('\n')).trim();
    const where = `${file} § ${heading.slice(0, 40)}`;
    const [zhTitle, enTitle] = heading.split('|').map((s) => s.trim());
    if (!zhTitle || !enTitle) problems.push(`${where}: heading must be "中文标题 | English title"`);
    const yamlMatch = /```yaml\n([\s\S]*?)```/.exec(part);
    if (!yamlMatch) {
      problems.push(`${where}: missing the \`\`\`yaml metadata block`);
      continue;
    }
    let meta;
    try {
      meta = metaSchema.safeParse(parseYaml(yamlMatch[1]!));
    } catch (err) {
      problems.push(`${where}: metadata is not valid YAML (${(err as Error).message.split('\n')[0]})`);
      continue;
    }
    if (!meta.success) {
      for (const i of meta.error.issues) problems.push(`${where}: ${i.path.join('.') || 'metadata'} ${i.message}`);
      continue;
    }
    if (meta.data.sources.length === 0 && !meta.data.id.endsWith('-none')) problems.push(`${where}: a section needs at least one source (only an "…-none" section may have none)`);
    const zh = /^### 中文\s*\n([\s\S]*?)(?=^### |(?![\s\S]))/m.exec(part)?.[1]?.trim();
    const en = /^### English\s*\n([\s\S]*?)(?=^### |(?![\s\S]))/m.exec(part)?.[1]?.trim();
    if (!zh) problems.push(`${where}: missing "### 中文" body`);
    if (!en) problems.push(`${where}: missing "### English" body`);
    const { valid_from, valid_until, patent_kinds, ...rest } = meta.data;
    if (rest.city && !(scope in PROVINCE_INFO && PROVINCE_INFO[scope as Province].cities.some((c) => c.zh === rest.city)))
      problems.push(`${where}: city ${rest.city} is not a city of ${scope} in src/domain/geo.ts`);
    if (!zh || !en || !zhTitle || !enTitle) continue;
    sections.push({
      ...rest,
      ...(valid_from ? { validFrom: valid_from } : {}),
      ...(valid_until ? { validUntil: valid_until } : {}),
      ...(patent_kinds ? { patentKinds: patent_kinds } : {}),
      scope,
      title: { zh: zhTitle, en: enTitle },
      body: { zh, en },
    });
  }
  if (sections.length === 0 && problems.length === 0) problems.push(`${file}: no "## " sections`);
  return { sections, problems };
}

const agencySchema = z.object({
  slug: z.string().regex(/^[a-z0-9-]{3,40}$/),
  name: z.object({ zh: z.string().min(2), en: z.string().min(2) }),
  fields: z.array(z.enum(AGENCY_FIELDS)).min(1),
  provinces: z.array(z.enum(PROVINCES)).min(1),
  services: z.object({ zh: z.string().min(2), en: z.string().min(2) }),
  contact: z.object({ slack: z.string().optional(), telegram: z.string().optional() }).optional(),
});
const agenciesSchema = z.object({ sample: z.boolean().default(false), agencies: z.array(agencySchema).min(1) });
export type Agency = z.infer<typeof agencySchema>;
export interface AgencyDirectory {
  sample: boolean;
  agencies: Agency[];
}

export function parseAgencies(text: string, file = 'agencies.yaml'): { directory?: AgencyDirectory; problems: string[] } {
  const { value, problems } = parseYamlFile(text, file, agenciesSchema);
  if (!value) return { problems };
  return { directory: value, problems: duplicateProblems(value.agencies.map((a) => a.slug), `${file}: duplicate slug`) };
}

export interface Content {
  policies: PolicySection[];
  agencies: AgencyDirectory;
  expos: ExpoCalendar;
}

/** Loads and checks everything under CONTENT_DIR; throws ContentError listing every problem. */
export function loadContent(dir: string): Content {
  const problems: string[] = [];
  const policies: PolicySection[] = [];
  const pdir = path.join(dir, 'policies');
  let files: string[] = [];
  try {
    files = readdirSync(pdir).filter((f) => f.endsWith('.md')).sort();
  } catch {
    problems.push(`${pdir}: missing`);
  }
  for (const f of files) {
    const r = parsePolicyFile(readFileSync(path.join(pdir, f), 'utf8'), `policies/${f}`);
    policies.push(...r.sections);
    problems.push(...r.problems);
  }
  problems.push(...duplicateProblems(policies.map((s) => s.id), 'policies: duplicate id'));
  const ids = new Set(policies.map((s) => s.id));
  for (const s of policies) if (s.successor && !ids.has(s.successor)) problems.push(`policies § ${s.id}: successor ${s.successor} is not a section on file`);
  /** A required YAML file: read, parsed and checked, or a "missing" problem. */
  const readYaml = <T>(name: string, parse: (text: string) => { value?: T; problems: string[] }, empty: T): T => {
    let text: string;
    try {
      text = readFileSync(path.join(dir, name), 'utf8');
    } catch {
      problems.push(`${path.join(dir, name)}: missing`);
      return empty;
    }
    const r = parse(text);
    problems.push(...r.problems);
    return r.value ?? empty;
  };
  const agencies = readYaml<AgencyDirectory>(
    'agencies.yaml',
    (t) => {
      const r = parseAgencies(t);
      return { value: r.directory, problems: r.problems };
    },
    { sample: true, agencies: [] },
  );
  const expos = readYaml<ExpoCalendar>(
    'expos.yaml',
    (t) => {
      const r = parseExpos(t);
      return { value: r.calendar, problems: r.problems };
    },
    { sample: true, expos: [] },
  );
  if (problems.length) throw new ContentError(problems);
  return { policies, agencies, expos };
}
