/**
 * `tsx scripts/probe-search.ts [--out file.json] [--base file.json] [--reps 3]`: deterministic cost
 * and relevance of PatentSearch on the eval index (data/eval-meili, built by eval:search): per search
 * the multi-search queries, the response size and Meilisearch's processingTimeMs, CPU per search
 * (this process + the Meilisearch child), nDCG@10 on the three judged sets, and with --base how many
 * searches changed their top 5 / top 10 against a saved run.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { createMeiliClient } from '../search/client.js';
import { startEmbeddedMeilisearch } from '../search/embedded-meilisearch.js';
import { loadGlossary } from '../search/glossary.js';
import { ndcgAt } from '../search/ndcg.js';
import { RELATED_SHOWN } from '../search/patent-search.js';
// PROBE_MODULE: another copy of patent-search.ts to compare (e.g. `git show main:search/patent-search.ts > search/base.ts`).
const { PatentSearch } = (await import(process.env.PROBE_MODULE ?? '../search/patent-search.js')) as typeof import('../search/patent-search.js');
import { PACKAGE_ROOT } from '../src/util/paths.js';
import { cpuMs, generateQueries, instrument, loadRecords, mean, percentile, sum } from './bench-search-support.js';

const { values: args } = parseArgs({ options: { out: { type: 'string' }, base: { type: 'string' }, reps: { type: 'string', default: '3' }, show: { type: 'string' } } });
const shared = path.resolve(PACKAGE_ROOT, '../shared');
const judgedFiles = [path.join(shared, 'search/dev-queries.jsonl'), path.join(shared, 'search/dev-judged.jsonl'), path.resolve(PACKAGE_ROOT, 'tests/search/own-judged.jsonl')];
const dir = path.join(PACKAGE_ROOT, 'data', 'eval-meili');
const meili = await startEmbeddedMeilisearch({ dir });
try {
  const glossary = loadGlossary();
  const records = await loadRecords(path.join(shared, 'data/patents/patents.jsonl'));
  const sets: { name: string; q: { text: string; relevant?: Record<string, number> }[] }[] = judgedFiles.map((f) => ({
    name: path.basename(f, '.jsonl'),
    q: readFileSync(f, 'utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as { query: string; relevant: Record<string, number> }).map((j) => ({ text: j.query, relevant: j.relevant })),
  }));
  sets.push({ name: 'generated', q: generateQueries(records, glossary, 100, 7).map((g) => ({ text: g.text })) });
  const client = createMeiliClient(meili.url, meili.masterKey);
  const probe = instrument(client);
  const search = new PatentSearch(client, glossary);
  const pidFile = path.join(dir, 'meilisearch.pid');
  const out: Record<string, { top5: string[]; top10: string[]; queries: number; requests: number; resKB: number; serverMs: number }> = {};
  for (const s of sets) {
    const nd: number[] = [];
    for (const q of s.q) {
      probe.reset();
      const r5 = await search.search(q.text, { pageSize: 5 });
      const log = probe.reset();
      const r10 = await search.search(q.text, { pageSize: 10 });
      probe.reset();
      out[`${s.name}\u0000${q.text}`] = {
        top5: r5.hits.map((h) => h.id),
        top10: r10.hits.map((h) => h.id),
        queries: sum(log.multi.map((m) => m.queries)),
        requests: log.multi.length + log.single.length,
        resKB: (sum(log.multi.map((m) => m.responseChars)) + sum(log.single.map((m) => m.responseChars))) / 1024,
        serverMs: sum(log.multi.map((m) => m.serverMs)) + sum(log.single.map((m) => m.serverMs)),
      };
      if (args.show && q.text.includes(args.show)) console.log(JSON.stringify(log.multi.map((m) => m.request.queries.map((x) => [x.q, x.limit, x.offset, x.attributesToRetrieve?.length]))));
      if (q.relevant && Object.values(q.relevant).some((g) => g > 0)) nd.push(ndcgAt(10, (r10.closeMatch ? r10.hits : r10.hits.slice(0, RELATED_SHOWN)).map((h) => h.id), q.relevant));
    }
    const rows = s.q.map((q) => out[`${s.name}\u0000${q.text}`]!);
    console.log(
      `${s.name.padEnd(12)} n=${String(s.q.length).padStart(3)}  nDCG ${nd.length ? mean(nd).toFixed(3) : '  -  '}  queries mean ${mean(rows.map((r) => r.queries)).toFixed(1)} p95 ${percentile(rows.map((r) => r.queries), 95)}  requests ${mean(rows.map((r) => r.requests)).toFixed(2)}  resp kB mean ${mean(rows.map((r) => r.resKB)).toFixed(1)} p95 ${percentile(rows.map((r) => r.resKB), 95).toFixed(1)}  server ms mean ${mean(rows.map((r) => r.serverMs)).toFixed(2)} p95 ${percentile(rows.map((r) => r.serverMs), 95)}`,
    );
  }
  const all = Object.values(out);
  console.log(`all          n=${all.length}  queries mean ${mean(all.map((r) => r.queries)).toFixed(2)}  resp kB mean ${mean(all.map((r) => r.resKB)).toFixed(1)} p95 ${percentile(all.map((r) => r.resKB), 95).toFixed(1)}  server ms mean ${mean(all.map((r) => r.serverMs)).toFixed(2)} p95 ${percentile(all.map((r) => r.serverMs), 95)}`);
  // CPU per search (pageSize 5 as bench:search), reps passes, the median pass.
  const texts = sets.flatMap((s) => s.q.map((q) => q.text));
  const plain = new PatentSearch(createMeiliClient(meili.url, meili.masterKey), glossary);
  for (const t of texts) await plain.search(t, { pageSize: 5 });
  const cpu: { node: number; meili: number }[] = [];
  const walls: number[] = [];
  for (let rep = 0; rep < Number(args.reps); rep++) {
    const a = cpuMs(pidFile);
    for (const t of texts) {
      const t0 = performance.now();
      await plain.search(t, { pageSize: 5 });
      walls.push(performance.now() - t0);
    }
    const b = cpuMs(pidFile);
    cpu.push({ node: (b.node - a.node) / texts.length, meili: (b.meili! - a.meili!) / texts.length });
  }
  const c = cpu.sort((x, y) => x.node + x.meili - y.node - y.meili)[Math.floor(cpu.length / 2)]!;
  console.log(`CPU per search ${(c.node + c.meili).toFixed(2)} ms (Node ${c.node.toFixed(2)}, Meilisearch ${c.meili.toFixed(2)}); wall p50 ${percentile(walls, 50).toFixed(1)} p95 ${percentile(walls, 95).toFixed(1)} ms`);
  if (args.base && existsSync(args.base)) {
    const base = JSON.parse(readFileSync(args.base, 'utf8')) as typeof out;
    let d5 = 0;
    let d10 = 0;
    for (const [k, r] of Object.entries(out)) {
      const b = base[k];
      if (!b) continue;
      if (b.top5.join() !== r.top5.join()) (d5++, console.log(`  top5 differs: ${k.replace('\u0000', ' | ')}\n     was ${b.top5.join(' ')}\n     now ${r.top5.join(' ')}`));
      else if (b.top10.join() !== r.top10.join()) d10++;
    }
    console.log(`vs base: top 5 differs on ${d5} of ${all.length}; top 10 only on ${d10} more`);
  }
  if (args.out) writeFileSync(args.out, JSON.stringify(out));
} finally {
  await meili.stop();
}
