/**
 * `search` (and any use of the index) on a fresh data directory: an empty index finds nothing
 * instead of failing with Meilisearch's words, and the CLI says in one line what to run first.
 * The CLI runs in-process through `main` with the environment given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadGlossary } from '../../search/glossary.js';
import { PatentIndex } from '../../search/patent-index.js';
import { PatentSearch } from '../../search/patent-search.js';
import { main } from '../../src/cli/main.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { startTestMeili, type TestMeili } from '../support/meili.js';

async function cli(argv: string[], env: Record<string, string | undefined>): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  for (const [k, v] of Object.entries({ DATABASE_URL: undefined, MEILI_URL: undefined, MEILI_MASTER_KEY: undefined, LOG_LEVEL: 'silent', ...env })) vi.stubEnv(k, v);
  const o = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((out += String(chunk)), true));
  const e = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((err += String(chunk)), true));
  try {
    return { code: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
    vi.unstubAllEnvs();
  }
}

describe('an empty patent index', () => {
  let meili: TestMeili;
  beforeAll(async () => {
    meili = await startTestMeili();
    await new PatentIndex(meili.client).ensureSettings();
  });
  afterAll(async () => meili?.stop());

  it('finds nothing rather than failing', async () => {
    const res = await new PatentSearch(meili.client, loadGlossary()).search('湖北 锂电池');
    expect(res).toMatchObject({ hits: [], total: 0, matched: 0 });
  });
});

describe('patent-bridge search on a fresh DATA_DIR', () => {
  const dirs: string[] = [];
  const fresh = () => {
    const d = mkdtempSync(path.join(os.tmpdir(), 'pb-cli-search-'));
    dirs.push(d);
    return d;
  };
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  it('without content to load, says in one line to import first', async () => {
    const dir = fresh();
    const r = await cli(['search', '锂电池'], { DATA_DIR: dir, CONTENT_DIR: path.join(dir, 'no-content') });
    expect(r.code).toBe(1);
    expect(r.out).toBe('');
    expect(r.err).toMatch(/^patent-bridge: search: no patents are loaded yet: run `patent-bridge import <file\.jsonl\|file\.csv>` first \(.*CONTENT_DIR\)\n$/);
    expect(r.err).not.toMatch(/invalid_search|not searchable/);
  }, 120_000);

  it('in embedded mode loads the demo records and answers; a lost index says to reindex', async () => {
    const dir = fresh();
    const env = { DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content') };
    const r = await cli(['search', '锂电池', '--limit', '3'], env);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^\d+ results for "锂电池"\n(  CN\d+[A-Z]\d?  .*\n){3}$/);

    rmSync(path.join(dir, 'meili'), { recursive: true, force: true });
    const lost = await cli(['search', '锂电池'], env);
    expect(lost.code).toBe(1);
    expect(lost.err).toMatch(/^patent-bridge: search: the search index is empty while the database holds \d+ patents: run `patent-bridge reindex` first\n$/);
  }, 180_000);
});
