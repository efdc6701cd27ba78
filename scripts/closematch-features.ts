/**
 * `tsx scripts/closematch-features.ts OUT.json FILE.jsonl …`: for each query of the named sets, the
 * search's parsed concepts and, per top-20 hit, which required concepts its title and its whole text
 * carry, plus the query's label (answerable: a grade-2 patent exists; a `{answerable}` line gives it
 * directly). The calibration of CLOSE_MATCH (search/match-quality.ts) reads this dump offline.
 * Uses the eval:search index (data/eval-meili); run eval:search once first so it is built. It also prints,
 * per set and threshold, how often "no match" would be said on answerable and on unanswerable queries.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createMeiliClient } from '../search/client.js';
import { startEmbeddedMeilisearch } from '../search/embedded-meilisearch.js';
import { loadGlossary } from '../search/glossary.js';
import { PatentSearch } from '../search/patent-search.js';
import { conceptIn, conceptWeight } from '../search/rank.js';
import { normText } from '../search/text.js';
import { PACKAGE_ROOT } from '../src/util/paths.js';
import { mergeSupplement, readJudged, supplementFor } from './judged-grades.js';

const [out, ...files] = process.argv.slice(2);
const meili = await startEmbeddedMeilisearch({ dir: path.join(PACKAGE_ROOT, 'data', 'eval-meili') });
try {
  const search = new PatentSearch(createMeiliClient(meili.url, meili.masterKey), loadGlossary());
  const rows: unknown[] = [];
  for (const file of files) {
    const lines = readFileSync(file, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { query: string; kind: string; answerable?: boolean; relevant?: Record<string, number> });
    const extra = lines[0]?.relevant ? supplementFor(file, PACKAGE_ROOT) : undefined;
    const graded = lines[0]?.relevant ? (extra ? mergeSupplement(readJudged(file), readJudged(extra)).queries : readJudged(file)) : undefined;
    for (const [i, j] of lines.entries()) {
      const rel = graded?.[i]?.relevant;
      const res = await search.search(j.query, { pageSize: 20 });
      const req = res.query.concepts.filter((c) => !c.optional || c.role === 'untranslated');
      const has = (c: (typeof req)[number], t: string) => conceptIn(c, t) > 0 || (c.parts?.every((p) => p.optional || conceptIn(p, t) > 0) ?? false);
      rows.push({
        set: path.basename(file), query: j.query, kind: j.kind,
        answerable: j.answerable ?? Object.values(rel ?? {}).some((g) => g >= 2),
        grade2: Object.values(rel ?? {}).filter((g) => g >= 2).length,
        quality: res.quality, closeMatch: res.closeMatch, number: !!res.query.number,
        concepts: req.map((c) => ({ term: c.term, role: c.role ?? null, head: !!c.head, optional: c.optional, w: conceptWeight(c) })),
        hits: res.hits.map((h) => {
          const title = normText(`${h.title} ${h.titleEn ?? ''}`);
          const all = normText(`${h.title} ${h.titleEn ?? ''} ${h.abstract ?? ''}`);
          return { id: h.id, title: h.title.slice(0, 40), grade: rel?.[h.id] ?? null, inTitle: req.map((c) => has(c, title)), inText: req.map((c) => has(c, all)) };
        }),
      });
    }
  }
  writeFileSync(out!, JSON.stringify(rows, null, 1));
  type Row = { set: string; answerable: boolean; quality: number; number: boolean };
  for (const set of new Set((rows as Row[]).map((r) => r.set))) {
    const rs = (rows as Row[]).filter((r) => r.set === set && !r.number);
    const a = rs.filter((r) => r.answerable);
    const u = rs.filter((r) => !r.answerable);
    for (const t of [0.5, 0.6, 0.7, 0.75, 0.8]) {
      const no = (xs: Row[]) => xs.filter((r) => r.quality < t).length;
      console.log(`${set} threshold ${t}: said no match on answerable ${no(a)}/${a.length}, on unanswerable ${no(u)}/${u.length}`);
    }
  }
  console.log(`wrote ${rows.length} queries to ${out}`);
} finally {
  await meili.stop();
}
