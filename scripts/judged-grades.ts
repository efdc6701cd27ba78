/**
 * Judged query sets and their supplements for eval:search. A judged set (`{query, kind, relevant}` a
 * line) may have a supplement of our own grades for hits its pool never judged; the supplement only
 * adds ids, it never overrides a grade of the judged set (the set's grader has the last word).
 *
 * Which supplement belongs to which set is explicit: `SUPPLEMENTS` maps a judged set's file name to
 * ours (for ../shared/search/dev-judged.jsonl, tests/search/dev-judged-extra.jsonl); `--extra FILE`
 * names one for a single set.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface JudgedQuery {
  query: string;
  kind: string;
  relevant: Record<string, number>;
}

/** Judged set file name → our supplement, relative to the package root. */
export const SUPPLEMENTS: Readonly<Record<string, string>> = { 'dev-judged.jsonl': 'tests/search/dev-judged-extra.jsonl' };

export function readJudged(file: string): JudgedQuery[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l, i) => {
      const j = JSON.parse(l) as JudgedQuery;
      if (typeof j.query !== 'string' || typeof j.kind !== 'string' || typeof j.relevant !== 'object') throw new Error(`EVAL_JUDGED_FORMAT: ${file} line ${i + 1} needs query, kind and relevant`);
      return j;
    });
}

/** The supplement for `judgedFile`: the one named, else the mapped one when it exists, else none. */
export function supplementFor(judgedFile: string, root: string, named?: string): string | undefined {
  if (named) return named;
  const mapped = SUPPLEMENTS[path.basename(judgedFile)];
  return mapped && existsSync(path.resolve(root, mapped)) ? path.resolve(root, mapped) : undefined;
}

export interface Merged {
  queries: JudgedQuery[];
  /** Supplement grades used (ids the judged set had not graded). */
  added: number;
  /** Supplement ids the judged set had graded already (ignored; a differing grade is listed). */
  conflicts: string[];
  /** Supplement queries not in the judged set (ignored). */
  strays: string[];
}

/** The judged set with the supplement's grades added per query; the judged set's own grades win. */
export function mergeSupplement(judged: JudgedQuery[], extra: JudgedQuery[]): Merged {
  const byQuery = new Map(extra.map((e) => [e.query, e.relevant]));
  let added = 0;
  const conflicts: string[] = [];
  const queries = judged.map((j) => {
    const more = byQuery.get(j.query) ?? {};
    byQuery.delete(j.query);
    const relevant = { ...j.relevant };
    for (const [id, g] of Object.entries(more)) {
      if (id in relevant) {
        if (relevant[id] !== g) conflicts.push(`${j.query} ${id}: given ${relevant[id]}, ours ${g}`);
        continue;
      }
      relevant[id] = g;
      added++;
    }
    return { ...j, relevant };
  });
  return { queries, added, conflicts, strays: [...byQuery.keys()] };
}
