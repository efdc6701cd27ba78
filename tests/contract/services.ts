/** One embedded service set (PGlite, Meilisearch, demo content) per contract file. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

export async function startServices(o: { clock?: () => Date } = {}): Promise<{ services: Services; stop(): Promise<void> }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-contract-'));
  const services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), createLogger('silent'), { loadDemo: true, ...(o.clock ? { clock: o.clock } : {}) });
  return {
    services,
    async stop() {
      await services.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
