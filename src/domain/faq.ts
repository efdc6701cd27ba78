/**
 * content/faq.yaml: short answers to questions about the platform itself (how to reach it, how a
 * patent transfer or licence works), each with its sources, in both languages. Loaded and checked
 * at start and by `npm run check:content`; which entry a message asks for is the handler's choice
 * (src/handlers/faq.ts), by the entry's id.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { duplicateProblems, parseYamlFile } from './yaml-content.js';

const text = z.string().trim().min(1);
const pair = z.object({ zh: text, en: text }).strict();
const source = z
  .object({ title: text, url: z.string().url().refine((u) => /^https?:\/\//.test(u), 'must be http(s)').optional() })
  .strict();

const entrySchema = z
  .object({
    id: z.string().regex(/^[a-z0-9-]{3,40}$/, 'must be 3–40 of a-z 0-9 -'),
    question: pair,
    answer: pair,
    sources: z.array(source).min(1, 'needs at least one source'),
    checked: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD'),
  })
  .strict();

const fileSchema = z.object({ sample: z.boolean().default(false), entries: z.array(entrySchema).min(1) }).strict();

export type FaqEntry = z.infer<typeof entrySchema>;
export interface Faq {
  /** The operator has not replaced the sample contact details yet. */
  sample: boolean;
  entries: FaqEntry[];
}

export class FaqError extends Error {
  constructor(readonly problems: string[]) {
    super(`content/faq.yaml has ${problems.length} problem(s):\n  ${problems.join('\n  ')}`);
    this.name = 'FaqError';
  }
}

/** The FAQ of a content directory; an empty one when the file is absent; FaqError listing every problem when it is malformed. */
export function loadFaq(dir: string): Faq {
  const file = path.join(dir, 'faq.yaml');
  if (!existsSync(file)) return { sample: false, entries: [] };
  const { value, problems } = parseYamlFile(readFileSync(file, 'utf8'), 'faq.yaml', fileSchema);
  if (!value) throw new FaqError(problems);
  const dupes = duplicateProblems(value.entries.map((e) => e.id), 'faq.yaml: duplicate id');
  if (dupes.length) throw new FaqError(dupes);
  return value;
}
