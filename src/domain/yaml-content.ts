/** Shared checks for the YAML content files: parse, validate with a schema, find duplicate keys. */
import { parse as parseYaml } from 'yaml';
import type { z } from 'zod';

export function parseYamlFile<S extends z.ZodTypeAny>(text: string, file: string, schema: S): { value?: z.infer<S>; problems: string[] } {
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (err) {
    return { problems: [`${file}: not valid YAML (${(err as Error).message.split('\n')[0]})`] };
  }
  const r = schema.safeParse(raw);
  if (!r.success) return { problems: r.error.issues.map((i) => `${file}: ${i.path.join('.') || 'file'} ${i.message}`) };
  return { value: r.data, problems: [] };
}

/** One problem line per key that occurs more than once. */
export function duplicateProblems(keys: string[], what: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const k of keys) {
    if (seen.has(k)) out.push(`${what} ${k}`);
    seen.add(k);
  }
  return out;
}
