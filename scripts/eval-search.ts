/**
 * `npm run eval:search [queries.jsonl …] [--corpus corpus.jsonl] [--extra supplement.jsonl]`: nDCG@10 per query kind and
 * overall, and search latency p50/p95, against a real Meilisearch holding the shared corpus. The
 * corpus is indexed into data/eval-meili once and reused while its document count matches.
 *
 * With no file named it runs ../shared/search/dev-queries.jsonl and dev-judged.jsonl. A query whose
 * judged patents are all 0 has no relevant patent: it is left out of nDCG and reported apart as
 * "said no match: k of n" (the search's closeMatch signal was false). The nDCG is of what a user is
 * shown: when the search says nothing close was found, only the few "related" hits count. Hits
 * never judged count as 0 and are counted per set ("unjudged in top 10"), since the judged sets
 * were pooled from earlier rankings.
 *
 * A judged set with a supplement of our own grades (judged-grades.ts: SUPPLEMENTS maps dev-judged.jsonl
 * to tests/search/dev-judged-extra.jsonl; --extra FILE names one for a single set) is scored twice on
 * the same searches: as given, and "with our supplementary grades", each with its unjudged count.
 */
import { createReadStream, existsSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { createMeiliClient } from '../search/client.js';
import { startEmbeddedMeilisearch } from '../search/embedded-meilisearch.js';
import { loadGlossary } from '../search/glossary.js';
import { ndcgAt } from '../search/ndcg.js';
import { PatentIndex } from '../search/patent-index.js';
import { PatentSearch, RELATED_SHOWN } from '../search/patent-search.js';
import { parsePatentInput } from '../src/domain/patent-input.js';
import type { PatentRecord } from '../src/domain/patent.js';
import { PACKAGE_ROOT } from '../src/util/paths.js';
import { type JudgedQuery, mergeSupplement, readJudged, supplementFor } from './judged-grades.js';

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { corpus: { type: 'string' }, extra: { type: 'string' } } });
const queryFiles = positionals.length ? positionals : ['dev-queries.jsonl', 'dev-judged.jsonl'].map((f) => path.resolve(PACKAGE_ROOT, '../shared/search', f));
const corpusFile = opts.corpus ?? path.resolve(PACKAGE_ROOT, '../shared/data/patents/patents.jsonl');
if (opts.extra && queryFiles.length !== 1) {
  console.error('eval:search: --extra FILE supplements one judged set; name exactly one query file with it');
  process.exit(2);
}
for (const f of [...queryFiles, corpusFile, ...(opts.extra ? [opts.extra] : [])]) {
  if (!existsSync(f)) {
    console.error(`eval:search: ${f} not found (the shared data sits beside the project in ../shared)`);
    process.exit(2);
  }
}

const meili = await startEmbeddedMeilisearch({ dir: path.join(PACKAGE_ROOT, 'data', 'eval-meili') });
try {
  const client = createMeiliClient(meili.url, meili.masterKey);
  const index = new PatentIndex(client);
  await index.ensureSettings();
  const records: PatentRecord[] = [];
  for await (const line of readline.createInterface({ input: createReadStream(corpusFile, 'utf8') })) {
    if (!line.trim()) continue;
    const r = parsePatentInput(JSON.parse(line));
    if (r.ok) records.push(r.record);
  }
  if ((await index.count()) !== records.length) {
    const t = performance.now();
    await index.deleteAll();
    for (let i = 0; i < records.length; i += 5000) await index.upsert(records.slice(i, i + 5000));
    console.log(`indexed ${records.length} records in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  }
  const search = new PatentSearch(client, loadGlossary());
  const verbose = process.env.VERBOSE === '1';
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  let warm = false;
  for (const file of queryFiles) {
    const judged = readJudged(file);
    const extraFile = supplementFor(file, PACKAGE_ROOT, opts.extra);
    const merged = extraFile ? mergeSupplement(judged, readJudged(extraFile)) : undefined;
    // Warm-up so the first query does not pay for cold caches.
    if (!warm) (await search.search(judged[0]!.query, { pageSize: 10 }), (warm = true));
    console.log(`\n${path.basename(file)}`);
    const runs: Run[] = [];
    for (const j of judged) {
      const t = performance.now();
      const res = await search.search(j.query, { pageSize: 10 });
      const ms = performance.now() - t;
      // What the user sees: a few labelled "related" hits when nothing close was found.
      const shown = res.closeMatch ? res.hits : res.hits.slice(0, RELATED_SHOWN);
      runs.push({ query: j.query, kind: j.kind, ids: shown.map((h) => h.id), closeMatch: res.closeMatch, quality: res.quality, titles: shown.slice(0, 3).map((h) => h.title.slice(0, 18)), ms });
    }
    const given = scoreRuns(runs, judged);
    const ours = merged && scoreRuns(runs, merged.queries);
    runs.forEach((r, i) => {
      const g = given.scores[i] ?? null;
      const o = ours?.scores[i];
      const tag = `[${r.kind}] ${r.query}${r.closeMatch ? '' : ` (said no match, quality ${r.quality.toFixed(2)})`}`;
      const fmt = (x: number | null) => (x === null ? ' none' : x.toFixed(3));
      if (g === null && (o ?? null) === null) {
        if (verbose || r.closeMatch) console.log(`  no relevant patent, said ${r.closeMatch ? 'close match' : 'no match'} (quality ${r.quality.toFixed(2)})  [${r.kind}] ${r.query}`);
      } else if (verbose || (g ?? 1) < 0.9 || (o ?? 1) < 0.9) {
        console.log(`  ${fmt(g)}${ours ? ` | ours ${fmt(o ?? null)}` : ''}  ${tag}  → ${r.titles.join(' | ')}`);
      }
    });
    printSummary('nDCG@10 by kind, as given', given, judged.length);
    if (merged && ours) {
      console.log(`  supplement ${path.relative(PACKAGE_ROOT, extraFile!)}: ${merged.added} grades of ours added`);
      for (const c of merged.conflicts) console.log(`    ignored, graded in the set already: ${c}`);
      for (const q of merged.strays) console.log(`    ignored, query not in the set: ${q}`);
      printSummary('nDCG@10 by kind, with our supplementary grades', ours, judged.length);
    }
    const times = runs.map((r) => r.ms).sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
    console.log(`  latency per query: p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`);
  }

  function printSummary(title: string, s: Scored, n: number) {
    console.log(`  ${title}`);
    for (const [k, xs] of [...s.byKind].sort()) console.log(`    ${k.padEnd(20)} ${mean(xs).toFixed(3)}  (${xs.length} queries)`);
    const all = [...s.byKind.values()].flat();
    console.log(`    ${'overall'.padEnd(20)} ${all.length ? mean(all).toFixed(3) : '-'}  (${all.length} queries)`);
    for (const [k, nm] of [...s.noMatch].sort()) console.log(`    said no match: ${nm.said} of ${nm.n} [${k}] (queries with no relevant patent)`);
    if (s.wrongNoMatch) console.log(`    said no match on ${s.wrongNoMatch} of ${all.length} queries that have relevant patents`);
    console.log(`    unjudged in top 10: ${s.unjudged} hits over ${n} queries (counted as not relevant)`);
  }
} finally {
  await meili.stop();
}

interface Run { query: string; kind: string; ids: string[]; closeMatch: boolean; quality: number; titles: string[]; ms: number }
interface Scored {
  /** Per run: nDCG@10, or null when the query has no relevant patent under these grades. */
  scores: (number | null)[];
  byKind: Map<string, number[]>;
  noMatch: Map<string, { said: number; n: number }>;
  wrongNoMatch: number;
  unjudged: number;
}

/** Scores the shown hits of each run under one set of grades (runs[i] is the search for queries[i]). */
function scoreRuns(runs: Run[], queries: JudgedQuery[]): Scored {
  const s: Scored = { scores: [], byKind: new Map(), noMatch: new Map(), wrongNoMatch: 0, unjudged: 0 };
  runs.forEach((r, i) => {
    const j = queries[i]!;
    s.unjudged += r.ids.filter((id) => !(id in j.relevant)).length;
    if (!Object.values(j.relevant).some((g) => g > 0)) {
      const nm = s.noMatch.get(j.kind) ?? { said: 0, n: 0 };
      nm.n++;
      if (!r.closeMatch) nm.said++;
      s.noMatch.set(j.kind, nm);
      s.scores.push(null);
      return;
    }
    if (!r.closeMatch) s.wrongNoMatch++;
    const score = ndcgAt(10, r.ids, j.relevant);
    s.scores.push(score);
    s.byKind.set(j.kind, [...(s.byKind.get(j.kind) ?? []), score]);
  });
  return s;
}
