/** The batch commands: import, reindex, search, classify. */
import { accessSync, constants } from 'node:fs';
import readline from 'node:readline';
import { createServices } from '../app.js';
import type { Config } from '../config/config.js';
import { classify } from '../nlu/classify.js';
import { importPatents, syncIndex, type ImportProgress } from '../services/patent-importer.js';
import type { Logger } from '../util/log.js';

function progressPrinter(): (p: ImportProgress) => void {
  const tty = process.stderr.isTTY;
  let lastPct = -1;
  return (p) => {
    const pct = p.bytesTotal ? Math.floor((p.bytesRead / p.bytesTotal) * 100) : 0;
    const line = `importing… ${pct}%  ${p.lines} lines read, ${p.written} written, ${p.rejected} rejected`;
    if (tty) process.stderr.write(`\r${line}`);
    else if (pct >= lastPct + 10 || pct === 100) {
      process.stderr.write(line + '\n');
      lastPct = pct;
    }
  };
}

export async function runImport(config: Config, log: Logger, file: string, format?: 'jsonl' | 'csv'): Promise<number> {
  try {
    accessSync(file, constants.R_OK);
  } catch {
    process.stderr.write(`patent-bridge: import: cannot read ${file}\n`);
    return 1;
  }
  const s = await createServices(config, log, { loadDemo: false });
  try {
    const report = await importPatents(file, { store: s.store, index: s.index }, { ...(format ? { format } : {}), onProgress: progressPrinter() });
    if (process.stderr.isTTY) process.stderr.write('\n');
    const out = process.stdout;
    out.write(
      `imported ${file}: ${report.lines} records read, ${report.inserted} inserted, ${report.updated} updated, ${report.unchanged} unchanged, ` +
        `${report.duplicates} duplicates within the file, ${report.rejected.length} rejected in ${(report.ms / 1000).toFixed(1)} s\n`,
    );
    for (const r of report.rejected.slice(0, 100)) out.write(`  line ${r.line}: ${r.reason}\n`);
    if (report.rejected.length > 100) out.write(`  … and ${report.rejected.length - 100} more\n`);
    return 0;
  } finally {
    await s.close();
  }
}

export async function runReindex(config: Config, log: Logger, mode: 'full' | 'pending'): Promise<number> {
  const s = await createServices(config, log, { loadDemo: false });
  try {
    const t = performance.now();
    const n = await syncIndex({ store: s.store, index: s.index }, mode);
    process.stdout.write(`reindexed ${n} patents (${mode}) in ${((performance.now() - t) / 1000).toFixed(1)} s\n`);
    return 0;
  } finally {
    await s.close();
  }
}

export async function runSearch(config: Config, log: Logger, text: string | undefined, opts: { json: boolean; limit: number }): Promise<number> {
  const s = await createServices(config, log);
  try {
    const one = async (q: string) => {
      const res = await s.search.search(q, { pageSize: opts.limit });
      if (opts.json || text === undefined) {
        const hits = res.hits.map((h) => ({ id: h.id, title: h.title, applicants: h.applicants, province: h.province, provinceRaw: h.provinceRaw, patentType: h.patentType, year: h.year }));
        process.stdout.write(JSON.stringify({ query: q, hits, filters: res.query.filters, total: res.total, matched: res.matched }) + '\n');
      } else {
        process.stdout.write(`${res.matched} results for "${q}"\n`);
        for (const h of res.hits) process.stdout.write(`  ${h.id}  ${h.title}  (${h.applicants.slice(0, 2).join('; ')}; ${h.province ?? h.provinceRaw ?? '-'}; ${h.year ?? '-'})\n`);
      }
    };
    if (text !== undefined) await one(text);
    else for await (const line of readline.createInterface({ input: process.stdin })) if (line.trim()) await one(line.trim());
    return 0;
  } finally {
    await s.close();
  }
}

export async function runClassify(): Promise<number> {
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    const r = classify(line);
    process.stdout.write(JSON.stringify({ text: line, intent: r.intent, entities: r.entities, confidence: Number(r.confidence.toFixed(3)) }) + '\n');
  }
  return 0;
}

export async function runExport(config: Config, log: Logger, slug: string, out?: string): Promise<number> {
  const s = await createServices(config, log, { loadDemo: false });
  try {
    const { exportRegistrationsCsv } = await import('../services/registration-export.js');
    const { csv, rows } = await exportRegistrationsCsv(s.database.db, slug);
    if (out) {
      const { writeFileSync } = await import('node:fs');
      writeFileSync(out, csv);
      process.stderr.write(`wrote ${rows} registrations of ${slug} to ${out}\n`);
    } else process.stdout.write(csv);
    return 0;
  } finally {
    await s.close();
  }
}
