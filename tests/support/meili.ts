/** A real Meilisearch, spawned from the npm-shipped binary into a temporary directory. */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Meilisearch } from 'meilisearch';
import { createMeiliClient } from '../../search/client.js';
import { startEmbeddedMeilisearch, type EmbeddedMeilisearch } from '../../search/embedded-meilisearch.js';

export interface TestMeili {
  server: EmbeddedMeilisearch;
  client: Meilisearch;
  dir: string;
  stop(): Promise<void>;
}

export async function startTestMeili(): Promise<TestMeili> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'pb-meili-'));
  const server = await startEmbeddedMeilisearch({ dir, maxIndexingMemory: '256MiB' });
  return {
    server,
    client: createMeiliClient(server.url, server.masterKey),
    dir,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
