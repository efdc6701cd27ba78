/**
 * A minimal owner of an embedded Meilisearch, for the test that ends it in every way a process
 * ends: prints `ready <meilisearch pid>` and waits. With `exit` as its argument, SIGTERM makes it
 * call process.exit(130) at once, as `serve` does on a second signal.
 */
import { startEmbeddedMeilisearch } from '../../search/embedded-meilisearch.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: meili-child.ts DIR [exit]');
if (process.argv[3] === 'exit') process.on('SIGTERM', () => process.exit(130));
await startEmbeddedMeilisearch({ dir, maxIndexingMemory: '256MiB' });
const { readFileSync } = await import('node:fs');
process.stdout.write(`ready ${readFileSync(`${dir}/meilisearch.pid`, 'utf8').trim()}\n`);
setInterval(() => {}, 60_000);
