/**
 * Operating the service: metrics content (search latency, queue depths), readiness per dependency,
 * the configurable per-user rate limit, request ids, and a graceful drain on SIGTERM (a child
 * process answering an in-flight request after the signal) with a second signal forcing the exit.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { freePort } from '../support/free-port.js';
import { sessionHeader } from '../support/web-session.js';

let services: Services;
let dir: string;
let now = new Date('2026-11-21T08:00:00Z');
let app: ReturnType<typeof createHttpApp>;

const chat = (text: string, sessionId = 'ops-session-1') =>
  app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader(sessionId) }, body: JSON.stringify({ text }) });

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-ops-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent', RATE_LIMIT_BURST: '3', RATE_LIMIT_PER_MINUTE: '6' });
  services = await createServices(config, createLogger('silent'), { loadDemo: true, clock: () => now });
  app = createHttpApp({
    pipeline: services.pipeline,
    log: createLogger('silent'),
    clock: () => now,
    metrics: services.metrics.registry,
    readiness: { postgres: () => services.database.ping(), meilisearch: () => services.meiliHealth(), broken: async () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:9')) },
  });
});
afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('operations', () => {
  it('metrics show search latency and the depth of each durable queue', async () => {
    expect((await chat('湖北 锂电池 专利', 'ops-metrics-1')).status).toBe(200);
    await new InboxStore(services.database).accept('telegram', '777001', '42', { update_id: 777001 });
    const text = await (await app.request('/metrics')).text();
    expect(text).toMatch(/patent_bridge_search_seconds_count\{outcome="ok"\} [1-9]/);
    expect(text).toMatch(/patent_bridge_queue_items\{queue="inbox:telegram",state="pending"\} 1/);
    expect(text).toMatch(/patent_bridge_updates_total\{platform="web",intent="search_patents"\} [1-9]/);
  });

  it('readiness names each dependency and answers 503 when one is down', async () => {
    const res = await app.request('/readyz');
    expect(res.status).toBe(503);
    const body = (await res.json()) as { status: string; checks: Record<string, string> };
    expect(body.checks).toMatchObject({ postgres: 'ok', meilisearch: 'ok' });
    expect(body.checks.broken).toMatch(/^unreachable: connect ECONNREFUSED/);
  });

  it('limits each person to the configured burst and rate, politely, in their language', async () => {
    const texts: string[] = [];
    for (let i = 0; i < 5; i++) texts.push(((await (await chat('hello there', 'ops-rate-1')).json()) as { replies: { text: string }[] }).replies[0]!.text);
    expect(texts.slice(0, 3).every((x) => !/too many|太频繁/i.test(x))).toBe(true);
    expect(texts.slice(3)).toEqual([expect.stringMatching(/too many|slow down|wait/i), expect.stringMatching(/too many|slow down|wait/i)]);
    // Another person is not affected; ten seconds later (6 a minute) one more message is allowed.
    expect(((await (await chat('hello there', 'ops-rate-2')).json()) as { replies: { text: string }[] }).replies[0]!.text).not.toMatch(/too many/i);
    now = new Date(now.getTime() + 10_000);
    expect(((await (await chat('hello there', 'ops-rate-1')).json()) as { replies: { text: string }[] }).replies[0]!.text).not.toMatch(/too many|slow down/i);
  });

  it('answers carry a request id, the caller’s when it is sane', async () => {
    expect((await app.request('/healthz')).headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect((await app.request('/healthz', { headers: { 'x-request-id': 'lb-123.abc' } })).headers.get('x-request-id')).toBe('lb-123.abc');
    expect((await app.request('/healthz', { headers: { 'x-request-id': 'bad id <script>' } })).headers.get('x-request-id')).not.toContain('<');
  });
});

describe('graceful shutdown (child process)', () => {
  let fake: FakeOpenAI;
  let childDir: string;
  beforeAll(async () => {
    fake = await startFakeOpenAI();
    childDir = mkdtempSync(path.join(os.tmpdir(), 'pb-ops-child-'));
  });
  afterAll(async () => {
    await fake?.close();
    rmSync(childDir, { recursive: true, force: true });
  });

  async function start(port: number) {
    const proc = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'patent-bridge.mjs'), 'serve'], {
      cwd: PACKAGE_ROOT,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: process.env.HOME ?? os.homedir(),
        PORT: String(port),
        DATA_DIR: childDir,
        LOG_LEVEL: 'info',
        OPENAI_BASE_URL: `${fake.url}/v1`,
        OPENAI_API_KEY: fake.apiKey,
        LLM_TIMEOUT_MS: '5000',
        LLM_MAX_RETRIES: '0',
      },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    proc.stderr!.on('data', (b: Buffer) => (stderr += b.toString()));
    const exited = new Promise<number | null>((r) => proc.once('exit', (code) => r(code)));
    // A start takes ~15 s on an idle 2-core machine and over 40 s on a busy one (PGlite, tsx).
    const end = Date.now() + 90_000;
    while (!stderr.includes('web chat at')) {
      if (Date.now() > end || proc.exitCode !== null) throw new Error(`service did not start:\n${stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return { proc, exited, log: () => stderr };
  }

  it('SIGTERM stops intake, finishes the request in flight, then exits 0; a second signal exits at once', async () => {
    const port = await freePort();
    const { proc, exited, log } = await start(port);
    // The model answers slowly, so a request is in flight when the signal arrives.
    fake.script({ delayMs: 1500, then: { toolCall: { name: 'choose_intent', arguments: { intent: 'help' } } } });
    const inflight = fetch(`http://127.0.0.1:${port}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader('drain-session-1') }, body: JSON.stringify({ text: '嗯……那个东西怎么弄' }) });
    await fake.waitFor(1, 10_000);
    proc.kill('SIGTERM');
    const res = await inflight;
    expect(res.status).toBe(200);
    expect(((await res.json()) as { replies: { text: string }[] }).replies.at(-1)!.text).toMatch(/我可以/);
    await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    expect(await exited).toBe(0);
    expect(log()).toMatch(/"msg":"shutting down"[\s\S]*"msg":"stopped"/);

    const port2 = await freePort();
    const again = await start(port2);
    // A request in flight keeps the drain busy, so the second signal surely arrives during it.
    fake.script({ delayMs: 5000, then: { toolCall: { name: 'choose_intent', arguments: { intent: 'help' } } } });
    const slow = fetch(`http://127.0.0.1:${port2}/api/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader('drain-session-2') }, body: JSON.stringify({ text: '嗯……那个东西怎么弄' }) }).catch(() => undefined);
    await fake.waitFor(2, 10_000);
    again.proc.kill('SIGTERM');
    for (let i = 0; i < 100 && !again.log().includes('shutting down'); i++) await new Promise((r) => setTimeout(r, 20));
    const meili = Number(readFileSync(path.join(childDir, 'meili', 'meilisearch.pid'), 'utf8'));
    again.proc.kill('SIGTERM');
    expect(await again.exited).toBe(130);
    expect(again.log()).toMatch(/second signal/);
    // At once: the request in flight was cut, not answered — a drain would have waited the model's
    // 5 s out and answered it (as the first run did). Order, not a stopwatch.
    expect(await slow).toBeUndefined();
    // Its Meilisearch does not outlive it (its watchdog sees the pipe from the service close).
    let gone = false;
    for (let i = 0; i < 100 && !gone; i++, await new Promise((r) => setTimeout(r, 50))) gone = !existsSync(`/proc/${meili}`) || /^\d+ \(.*\) Z /.test(readFileSync(`/proc/${meili}/stat`, 'utf8'));
    expect(gone).toBe(true);
  }, 240_000);
});
