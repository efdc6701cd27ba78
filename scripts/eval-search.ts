/**
 * `npm run eval:search [queries.jsonl] [corpus.jsonl]`: nDCG@10 per query kind and overall, and
 * search latency p50/p95, against a real Meilisearch holding the shared corpus. The corpus is
 * indexed into DATA_DIR/eval-meili once and reused while its document count matches.
 */
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { createMeiliClient } from '../search/client.js';
import { startEmbeddedMeilisearch } from '../search/embedded-meilisearch.js';
import { loadGlossary } from '../search/glossary.js';
import { ndcgAt } from '../search/ndcg.js';
import { PatentIndex } from '../search/patent-index.js';
import { PatentSearch } from '../search/patent-search.js';
import { parsePatentInput } from '../src/domain/patent-input.js';
import type { PatentRecord } from '../src/domain/patent.js';
import { PACKAGE_ROOT } from '../src/util/paths.js';

const queriesFile = process.argv[2] ?? path.resolve(PACKAGE_ROOT, '../shared/search/dev-queries.jsonl');
const corpusFile = process.argv[3] ?? path.resolve(PACKAGE_ROOT, '../shared/data/patents/patents.jsonl');
for (const f of [queriesFile, corpusFile]) {
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
  const judged = readFileSync(queriesFile, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as { query: string; kind: string; relevant: Record<string, number> });
  // Warm-up so the first query does not pay for cold caches.
  await search.search(judged[0]!.query, { pageSize: 10 });
  const byKind = new Map<string, number[]>();
  const times: number[] = [];
  const verbose = process.env.VERBOSE === '1';
  for (const j of judged) {
    const t = performance.now();
    const res = await search.search(j.query, { pageSize: 10 });
    times.push(performance.now() - t);
    const score = ndcgAt(10, res.hits.map((h) => h.id), j.relevant);
    byKind.set(j.kind, [...(byKind.get(j.kind) ?? []), score]);
    if (verbose || score < 0.9) console.log(`${score.toFixed(3)}  [${j.kind}] ${j.query}  → ${res.hits.slice(0, 3).map((h) => h.title.slice(0, 18)).join(' | ')}`);
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log('\nnDCG@10 by kind');
  for (const [k, xs] of [...byKind].sort()) console.log(`  ${k.padEnd(20)} ${mean(xs).toFixed(3)}  (${xs.length} queries)`);
  const all = [...byKind.values()].flat();
  console.log(`  ${'overall'.padEnd(20)} ${mean(all).toFixed(3)}  (${all.length} queries)`);
  times.sort((a, b) => a - b);
  const pct = (p: number) => times[Math.min(times.length - 1, Math.floor((p / 100) * times.length))]!;
  console.log(`\nlatency per query: p50 ${pct(50).toFixed(1)} ms, p95 ${pct(95).toFixed(1)} ms, max ${times.at(-1)!.toFixed(1)} ms`);
} finally {
  await meili.stop();
}
