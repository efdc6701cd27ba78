/**
 * `tsx scripts/judge-pool.ts queries.jsonl [--judged FILE …] [--raw] [--out pool.jsonl]`: the
 * candidates a grader still has to read. For every query it takes this project's top 10
 * (PatentSearch, run as eval:search runs it) and, with --raw, a raw Meilisearch top 10
 * (`index.search(q, { limit: 10 })`), drops the ids already graded in the query file itself or in
 * any --judged file, and writes one line per query: {query, kind, candidates: [{id, from, rank,
 * title, abstract}]} with title and abstract taken from the corpus. It never writes grades: those
 * are read and typed by a person (see tests/search/dev-judged-extra.md).
 *
 * It uses the index eval:search builds in data/eval-meili; run eval:search once first.
 */
import { createReadStream, existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import readline from 'node:readline';
import { parseArgs } from 'node:util';
import { createMeiliClient } from '../search/client.js';
import { startEmbeddedMeilisearch } from '../search/embedded-meilisearch.js';
import { loadGlossary } from '../search/glossary.js';
import { PATENT_INDEX } from '../search/patent-index.js';
import { PatentSearch } from '../search/patent-search.js';
import { PACKAGE_ROOT } from '../src/util/paths.js';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: { judged: { type: 'string', multiple: true }, raw: { type: 'boolean' }, out: { type: 'string' }, corpus: { type: 'string' } },
});
if (positionals.length !== 1) {
  console.error('judge-pool: name one query file (jsonl with query, kind and optionally relevant)');
  process.exit(2);
}
const corpusFile = opts.corpus ?? path.resolve(PACKAGE_ROOT, '../shared/data/patents/patents.jsonl');
interface Judged { query: string; kind: string; relevant?: Record<string, number> }
const readJsonl = (f: string): Judged[] => readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Judged);
const queries = readJsonl(positionals[0]!);
const graded = new Map<string, Set<string>>();
for (const j of [...queries, ...(opts.judged ?? []).filter(existsSync).flatMap(readJsonl)]) {
  const s = graded.get(j.query) ?? new Set<string>();
  for (const id of Object.keys(j.relevant ?? {})) s.add(id);
  graded.set(j.query, s);
}

const corpus = new Map<string, { title: string; abstract: string }>();
for await (const line of readline.createInterface({ input: createReadStream(corpusFile, 'utf8') })) {
  if (!line.trim()) continue;
  const r = JSON.parse(line) as { id: string; title: string; abstract?: string };
  corpus.set(r.id, { title: r.title, abstract: r.abstract ?? '' });
}

const meili = await startEmbeddedMeilisearch({ dir: path.join(PACKAGE_ROOT, 'data', 'eval-meili') });
try {
  const client = createMeiliClient(meili.url, meili.masterKey);
  const n = (await client.index(PATENT_INDEX).getStats()).numberOfDocuments;
  if (n !== corpus.size) throw new Error(`judge-pool: data/eval-meili holds ${n} records, the corpus ${corpus.size}; run npm run eval:search first`);
  const search = new PatentSearch(client, loadGlossary());
  const lines: string[] = [];
  for (const j of queries) {
    const seen = new Set(graded.get(j.query));
    const candidates: { id: string; from: string; rank: number; title: string; abstract: string }[] = [];
    const add = (ids: string[], from: string) =>
      ids.forEach((id, i) => {
        if (seen.has(id)) return;
        seen.add(id);
        candidates.push({ id, from, rank: i + 1, ...(corpus.get(id) ?? { title: '?', abstract: '' }) });
      });
    add((await search.search(j.query, { pageSize: 10 })).hits.map((h) => h.id), 'ours');
    if (opts.raw) add((await client.index(PATENT_INDEX).search(j.query, { limit: 10 })).hits.map((h) => String(h.id)), 'raw');
    lines.push(JSON.stringify({ query: j.query, kind: j.kind, candidates }));
    console.log(`${String(candidates.length).padStart(3)} to grade  [${j.kind}] ${j.query}`);
  }
  if (opts.out) writeFileSync(opts.out, lines.join('\n') + '\n');
} finally {
  await meili.stop();
}
