/**
 * Optional semantic search: Meilisearch's hybrid search with a REST embedder pointed at a loopback
 * OpenAI-compatible /embeddings fake. Off by default; a failing embedder leaves keyword search alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadGlossary } from '../../search/glossary.js';
import { PATENT_INDEX, PatentIndex } from '../../search/patent-index.js';
import { PatentSearch } from '../../search/patent-search.js';
import { EMBEDDER, semanticFromConfig, type SemanticConfig } from '../../search/semantic.js';
import { loadConfig } from '../../src/config/config.js';
import { parsePatentInput } from '../../src/domain/patent-input.js';
import type { PatentRecord } from '../../src/domain/patent.js';
import { startFakeEmbedder, type FakeEmbedder } from '../support/fake-embedder.js';
import { startTestMeili, type TestMeili } from '../support/meili.js';

function rec(o: Record<string, unknown>): PatentRecord {
  const r = parsePatentInput({ language: 'zh', province: '湖南省', patentType: '发明', ...o });
  if (!r.ok) throw new Error(r.reason);
  return r.record;
}

const DOCS = [
  rec({ id: 'CN119800001A', title: '一种耐旱小麦品种的选育方法', abstract: '在干旱条件下保持籽粒灌浆。' }),
  rec({ id: 'CN119800002A', title: '一种混凝土搅拌装置', abstract: '用于水泥砂浆的均匀搅拌。' }),
  rec({ id: 'CN119800003A', title: '一种锂电池隔膜', abstract: '提高电池安全性。' }),
];

let meili: TestMeili;
let fake: FakeEmbedder;
let semantic: SemanticConfig;
const g = loadGlossary();

beforeAll(async () => {
  meili = await startTestMeili();
  fake = await startFakeEmbedder([['耐旱', '干旱', '缺水', '少雨'], ['混凝土', '水泥', '砂浆'], ['电池', '隔膜']]);
  semantic = semanticFromConfig(loadConfig({ EMBEDDING_BASE_URL: `${fake.url}/v1`, EMBEDDING_MODEL: 'fake-embed', EMBEDDING_API_KEY: fake.apiKey, EMBEDDING_DIMENSIONS: String(fake.dimensions), SEMANTIC_RATIO: '0.6' }))!;
  const index = new PatentIndex(meili.client, semantic);
  await index.ensureSettings();
  await index.upsert(DOCS);
}, 60_000);
afterAll(async () => {
  await meili?.stop();
  await fake?.close();
});

describe('semantic search', () => {
  it('is off unless an endpoint is configured, and needs a model with it', () => {
    expect(semanticFromConfig(loadConfig({}))).toBeUndefined();
    expect(() => loadConfig({ EMBEDDING_BASE_URL: 'http://127.0.0.1:11434/v1' })).toThrow(/EMBEDDING_MODEL/);
    expect(() => loadConfig({ EMBEDDING_BASE_URL: 'not a url', EMBEDDING_MODEL: 'm' })).toThrow(/EMBEDDING_BASE_URL/);
    expect(() => loadConfig({ SEMANTIC_RATIO: '2' })).toThrow(/SEMANTIC_RATIO/);
  });

  it('has Meilisearch embed the records through the endpoint, with the key and the model', () => {
    const calls = fake.calls.callsTo('embeddings');
    expect(calls.length).toBeGreaterThan(0);
    expect(calls.every((c) => c.model === 'fake-embed')).toBe(true);
    expect(calls.flatMap((c) => c.inputs).join('\n')).toContain('耐旱小麦');
  });

  it('finds a record that shares no word with the need, only meaning', async () => {
    const keyword = await new PatentSearch(meili.client, g).search('缺水少雨地区', { pageSize: 5 });
    expect(keyword.hits.map((h) => h.id)).not.toContain('CN119800001A');
    const hybrid = await new PatentSearch(meili.client, g, semantic).search('缺水少雨地区', { pageSize: 5 });
    expect(hybrid.hits[0]?.id).toBe('CN119800001A');
    // A neighbour by meaning alone is shown as related, not as a close match.
    expect(hybrid.closeMatch).toBe(false);
    expect(hybrid.hits[0]?.applicants).toBeDefined();
  });

  it('keeps keyword results when the embedder fails', async () => {
    fake.fail(50);
    const res = await new PatentSearch(meili.client, g, semantic).search('混凝土', { pageSize: 5 });
    fake.fail(0);
    expect(res.hits.map((h) => h.id)).toEqual(['CN119800002A']);
  });

  it('removes the embedder when it is turned off, so nothing calls the endpoint any more', async () => {
    await new PatentIndex(meili.client).ensureSettings();
    const embedders = (await meili.client.index(PATENT_INDEX).getEmbedders()) ?? {};
    expect(EMBEDDER in embedders).toBe(false);
  });
});
