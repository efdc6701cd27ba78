/**
 * `npm run eval:search [queries.jsonl …] [--corpus corpus.jsonl]`: nDCG@10 per query kind and
 * overall, and search latency p50/p95, against a real Meilisearch holding the shared corpus. The
 * corpus is indexed into data/eval-meili once and reused while its document count matches.
 *
 * With no file named it runs ../shared/search/dev-queries.jsonl and dev-judged.jsonl. A query whose
 * judged patents are all 0 has no relevant patent: it is left out of nDCG and reported apart as
 * "said no match: k of n" (the search's closeMatch signal was false). The nDCG is of what a user is
 * shown: when the search says nothing close was found, only the few "related" hits count. Hits
 * never judged count as 0 and are counted per set ("unjudged in top 10"), since the judged sets
 * were pooled from earlier rankings.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
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

const { values: opts, positionals } = parseArgs({ allowPositionals: true, options: { corpus: { type: 'string' } } });
const queryFiles = positionals.length ? positionals : ['dev-queries.jsonl', 'dev-judged.jsonl'].map((f) => path.resolve(PACKAGE_ROOT, '../shared/search', f));
const corpusFile = opts.corpus ?? path.resolve(PACKAGE_ROOT, '../shared/data/patents/patents.jsonl');
for (const f of [...queryFiles, corpusFile]) {
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
    const judged = readFileSync(file, 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as { query: string; kind: string; relevant: Record<string, number> });
    // Warm-up so the first query does not pay for cold caches.
    if (!warm) (await search.search(judged[0]!.query, { pageSize: 10 }), (warm = true));
    console.log(`\n${path.basename(file)}`);
    const byKind = new Map<string, number[]>();
    const noMatch = new Map<string, { said: number; n: number }>();
    const times: number[] = [];
    let unjudged = 0;
    let wrongNoMatch = 0;
    for (const j of judged) {
      const t = performance.now();
      const res = await search.search(j.query, { pageSize: 10 });
      times.push(performance.now() - t);
      // What the user sees: a few labelled "related" hits when nothing close was found.
      const shown = res.closeMatch ? res.hits : res.hits.slice(0, RELATED_SHOWN);
      const ids = shown.map((h) => h.id);
      unjudged += ids.filter((id) => !(id in j.relevant)).length;
      if (!Object.values(j.relevant).some((g) => g > 0)) {
        const nm = noMatch.get(j.kind) ?? { said: 0, n: 0 };
        nm.n++;
        if (!res.closeMatch) nm.said++;
        noMatch.set(j.kind, nm);
        if (verbose || res.closeMatch) console.log(`  no relevant patent, said ${res.closeMatch ? 'close match' : 'no match'} (quality ${res.quality.toFixed(2)})  [${j.kind}] ${j.query}`);
        continue;
      }
      if (!res.closeMatch) wrongNoMatch++;
      const score = ndcgAt(10, ids, j.relevant);
      byKind.set(j.kind, [...(byKind.get(j.kind) ?? []), score]);
      if (verbose || score < 0.9) console.log(`  ${score.toFixed(3)}  [${j.kind}] ${j.query}${res.closeMatch ? '' : ` (said no match, quality ${res.quality.toFixed(2)})`}  → ${shown.slice(0, 3).map((h) => h.title.slice(0, 18)).join(' | ')}`);
    }
    console.log('  nDCG@10 by kind');
    for (const [k, xs] of [...byKind].sort()) console.log(`    ${k.padEnd(20)} ${mean(xs).toFixed(3)}  (${xs.length} queries)`);
    const all = [...byKind.values()].flat();
    console.log(`    ${'overall'.padEnd(20)} ${mean(all).toFixed(3)}  (${all.length} queries)`);
    for (const [k, nm] of [...noMatch].sort()) console.log(`  said no match: ${nm.said} of ${nm.n} [${k}] (queries with no relevant patent)`);
    if (wrongNoMatch) console.log(`  said no match on ${wrongNoMatch} of ${all.length} queries that have relevant patents`);
    console.log(`  unjudged in top 10: ${unjudged} hits over ${judged.length} queries (counted as not relevant)`);
    times.sort((a, b) => a - b);
    const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
    console.log(`  latency per query: p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`);
  }
} finally {
  await meili.stop();
}
