/**
 * The Meilisearch client's node:http transport (search/node-http-client.ts) against a real
 * Meilisearch and loopback servers that misbehave: answers parse, Meilisearch's refusals keep their
 * code, a server that never answers hits the deadline, an aborted signal stops the request, and
 * requests reuse kept-alive sockets.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeiliClient, guard } from '../../search/client.js';
import { startTestMeili, type TestMeili } from '../support/meili.js';

let meili: TestMeili;
let silent: Server;
let silentUrl: string;
const held: Socket[] = [];

beforeAll(async () => {
  meili = await startTestMeili();
  const task = await meili.client.createIndex('transport', { primaryKey: 'id' }).waitTask();
  expect(task.status).toBe('succeeded');
  await meili.client.index('transport').updateFilterableAttributes(['n']).waitTask();
  await meili.client.index('transport').addDocuments([{ id: 'a', title: '石墨烯 导热膜', n: 1 }, { id: 'b', title: 'graphene film', n: 2 }]).waitTask();
  // Accepts the request and never answers.
  silent = createServer(() => {});
  silent.on('connection', (s) => held.push(s));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;
}, 60_000);

afterAll(async () => {
  for (const s of held) s.destroy();
  await new Promise((r) => silent?.close(r));
  await meili?.stop();
});

describe('Meilisearch over node:http', () => {
  it('parses answers, including multi-search and a filter', async () => {
    const res = await meili.client.index('transport').search('石墨烯', { filter: ['n = 1'] });
    expect(res.hits.map((h) => h.id)).toEqual(['a']);
    const multi = await meili.client.multiSearch({ queries: [{ indexUid: 'transport', q: 'graphene' }, { indexUid: 'transport', q: '', limit: 0 }] });
    expect(multi.results.map((r) => r.hits.map((h) => h.id))).toEqual([['b'], []]);
    expect(multi.results[1]!.estimatedTotalHits).toBe(2);
  });

  it("keeps Meilisearch's refusal and its code", async () => {
    const err = await guard('searching', () => meili.client.index('transport').search('x', { filter: ['nope = 1'] })).catch((e) => e);
    expect(err).toMatchObject({ code: 'SEARCH_REQUEST_REJECTED' });
    expect(err.message).toContain('invalid_search_filter');
    const missing = await guard('reading', () => meili.client.index('no-such-index').search('x')).catch((e) => e);
    expect(missing.message).toContain('index_not_found');
  });

  it('gives up on a server that never answers at the deadline', async () => {
    const client = createMeiliClient(silentUrl, 'k'.repeat(16), 300);
    const err = await guard('searching', () => client.index('x').search('y')).catch((e) => e);
    expect(err).toMatchObject({ code: 'SEARCH_TIMEOUT' });
  });

  it('stops when the caller aborts', async () => {
    const client = createMeiliClient(silentUrl, 'k'.repeat(16), 60_000);
    const ctl = new AbortController();
    const pending = guard('searching', () => client.index('x').search('y', {}, { signal: ctl.signal })).catch((e) => e);
    ctl.abort(new Error('caller gave up'));
    const err = await pending;
    expect(err).toMatchObject({ code: 'SEARCH_UNAVAILABLE' });
    expect(err.message).toContain('failed');
  });

  it('fails at once when the connection ends mid-answer', async () => {
    const cut = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '1000' });
      res.write('{"hits":[');
      setTimeout(() => res.socket?.destroy(), 20);
    });
    await new Promise<void>((r) => cut.listen(0, '127.0.0.1', r));
    // A deadline longer than the test's own timeout: only noticing the cut can settle it in time.
    const client = createMeiliClient(`http://127.0.0.1:${(cut.address() as AddressInfo).port}`, 'k'.repeat(16), 600_000);
    const err = await guard('searching', () => client.index('x').search('y')).catch((e) => e);
    expect(err).toMatchObject({ code: 'SEARCH_UNAVAILABLE' });
    await new Promise((r) => cut.close(r));
  });

  it('reuses kept-alive sockets', async () => {
    const seen = new Set<number>();
    const counting = createServer((req, res) => {
      seen.add(req.socket.remotePort!);
      res.setHeader('content-type', 'application/json');
      res.end('{"hits":[],"estimatedTotalHits":0,"query":"","processingTimeMs":0,"limit":20,"offset":0}');
    });
    await new Promise<void>((r) => counting.listen(0, '127.0.0.1', r));
    const client = createMeiliClient(`http://127.0.0.1:${(counting.address() as AddressInfo).port}`, 'k'.repeat(16));
    for (let i = 0; i < 5; i++) await client.index('x').search('y');
    counting.closeAllConnections();
    await new Promise((r) => counting.close(r));
    expect(seen.size).toBe(1);
  });
});
