/**
 * `npm run bench:import [file]`: imports the shared corpus into a fresh embedded data directory
 * through the same code as `patent-bridge import`, twice, and prints the times. The second run
 * must report everything unchanged.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices } from '../src/app.js';
import { loadConfig } from '../src/config/config.js';
import { importPatents } from '../src/services/patent-importer.js';
import { createLogger } from '../src/util/log.js';
import { PACKAGE_ROOT } from '../src/util/paths.js';

const file = process.argv[2] ?? path.resolve(PACKAGE_ROOT, '../shared/data/patents/patents.jsonl');
if (!existsSync(file)) {
  console.error(`bench:import: ${file} not found`);
  process.exit(2);
}
const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-bench-'));
try {
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(dir, 'none'), LOG_LEVEL: 'warn' });
  const t0 = performance.now();
  const s = await createServices(config, createLogger('warn'), { loadDemo: false });
  console.log(`start-up (PGlite + Meilisearch + migrations): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  try {
    for (const run of ['first', 'second']) {
      const r = await importPatents(file, { store: s.store, index: s.index });
      console.log(
        `${run} import: ${r.lines} lines, ${r.inserted} inserted, ${r.updated} updated, ${r.unchanged} unchanged, ${r.rejected.length} rejected in ${(r.ms / 1000).toFixed(1)} s` +
          ` (${Math.round(r.lines / (r.ms / 1000))} records/s)`,
      );
    }
    console.log(`rows in Postgres: ${await s.store.count()}, documents in Meilisearch: ${await s.index.count()}`);
    console.log(`peak RSS of this process: ${Math.round(process.resourceUsage().maxRSS / 1024)} MB`);
  } finally {
    await s.close();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
