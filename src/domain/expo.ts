/**
 * Expo editions (content/expos.yaml), checked like the rest of content/. Dates are calendar days in
 * China Standard Time; "next edition" is the first that has not ended.
 */
import { z } from 'zod';
import { PROVINCES } from '../core/intents.js';
import { duplicateProblems, parseYamlFile } from './yaml-content.js';

const day = z
  .string()
  .or(z.date().transform((d) => d.toISOString().slice(0, 10)))
  .pipe(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD').refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'is not a date'));
const bi = z.object({ zh: z.string().min(1), en: z.string().min(1) });
const expoSchema = z
  .object({
    slug: z.string().regex(/^[a-z0-9-]{3,40}$/),
    name: bi,
    province: z.enum(PROVINCES),
    city: bi,
    venue: bi,
    starts: day,
    ends: day,
    capacity: z.number().int().positive(),
    registration: z.object({ opens: day, closes: day }),
    tickets: bi,
    schedule: z.array(z.object({ date: day, zh: z.string().min(1), en: z.string().min(1) })).default([]),
  })
  .refine((e) => e.starts <= e.ends, 'starts after it ends')
  .refine((e) => e.registration.opens <= e.registration.closes && e.registration.closes <= e.ends, 'registration window must close by the end of the expo');
const fileSchema = z.object({ sample: z.boolean().default(false), expos: z.array(expoSchema) });

export type Expo = z.infer<typeof expoSchema>;
export interface ExpoCalendar {
  sample: boolean;
  expos: Expo[];
}

export function parseExpos(text: string, file = 'expos.yaml'): { calendar?: ExpoCalendar; problems: string[] } {
  const { value, problems } = parseYamlFile(text, file, fileSchema);
  if (!value) return { problems };
  return {
    calendar: { sample: value.sample, expos: [...value.expos].sort((a, b) => a.starts.localeCompare(b.starts)) },
    problems: duplicateProblems(value.expos.map((e) => e.slug), `${file}: duplicate slug`),
  };
}

/** Today's date in China (UTC+8), as YYYY-MM-DD. */
export function chinaDay(now: Date): string {
  return new Date(now.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
}

export function nextExpo(cal: ExpoCalendar, now: Date): Expo | undefined {
  const today = chinaDay(now);
  return cal.expos.find((e) => e.ends >= today);
}

export function registrationState(e: Expo, now: Date): 'not_open' | 'open' | 'closed' {
  const today = chinaDay(now);
  if (today < e.registration.opens) return 'not_open';
  if (today > e.registration.closes) return 'closed';
  return 'open';
}
