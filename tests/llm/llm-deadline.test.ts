/**
 * One model budget per message (LLM_MESSAGE_BUDGET_MS), against a hanging model: the real `openai`
 * client talks to the loopback fake (tests/support/fake-openai.ts), which never answers. Every call
 * for a message and every retry shares the budget, and the offline answer follows once it is spent.
 * What is asserted is counted (requests that reached the model, requests the client gave up on).
 * Elapsed time appears only as bounds no machine's speed decides: at least the budget (a timer
 * never fires early), and under the per-call timeout — 30 s, the wait an attempt that was not cut
 * to the budget would make.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { LlmClient } from '../../src/llm/llm-client.js';
import { LlmDeadline } from '../../src/llm/llm-deadline.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { startFakeOpenAI, type FakeOpenAI } from '../support/fake-openai.js';
import { sessionHeader } from '../support/web-session.js';

/** Per call: far longer than any budget here, so an attempt not cut to the budget shows as a 30 s wait. */
const TIMEOUT = 30_000;
/**
 * The message's budget counts from the start of its handling: the database and Meilisearch work
 * before the model is asked comes out of it (over 1 s at load 14 on 2 cores, when a 1 s budget was
 * spent before the call and nothing reached the model). Generous, so the call is always made.
 */
const BUDGET = 5000;

let services: Services;
let app: ReturnType<typeof createHttpApp>;
let dir: string;
let fake: FakeOpenAI;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-llm-deadline-'));
  fake = await startFakeOpenAI();
  fake.setDefault({ delayMs: 120_000 }); // a model that hangs
  const config = loadConfig({
    DATA_DIR: dir,
    CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'),
    LOG_LEVEL: 'silent',
    OPENAI_API_KEY: fake.apiKey,
    OPENAI_BASE_URL: `${fake.url}/v1`,
    LLM_TIMEOUT_MS: String(TIMEOUT),
    LLM_MAX_RETRIES: '1',
    LLM_MESSAGE_BUDGET_MS: String(BUDGET),
  });
  services = await createServices(config, createLogger('silent'), { loadDemo: true });
  app = createHttpApp({ pipeline: services.pipeline, log: createLogger('silent'), clock: () => new Date(), readiness: {} });
});
afterAll(async () => {
  await services?.close();
  await fake?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('the model budget of one message', () => {
  it('a search that finds nothing answers offline within the budget, however many calls it would make', async () => {
    const before = fake.requests.length;
    const started = Date.now();
    const res = await app.request('/api/chat', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...sessionHeader('deadline-1') },
      body: JSON.stringify({ text: 'search patents on zorblax quuxifiers as well as flurbo widgets' }),
    });
    const ms = Date.now() - started;
    expect(res.status).toBe(200);
    const asked = fake.requests.slice(before);
    const replies = ((await res.json()) as { replies: { text: string }[] }).replies;
    // The offline answer: nothing found, no "searched for … instead".
    expect(replies.at(-1)!.text).toMatch(/^No patents match/);
    expect(replies.map((r) => r.text).join('\n')).not.toMatch(/searched for/);
    // Understanding was asked, hung, and took the whole budget: the rewrite was not even started.
    // One request: no retry, no rewrite (before one budget per message: understanding and rewrite
    // each made two, every one waiting out the per-call timeout).
    expect(asked.map((r) => r.body.tools?.[0]?.function.name)).toEqual(['choose_intent']);
    // The client gave up on it (the model never answers): the budget cut it.
    await vi.waitFor(() => expect(asked.every((r) => r.aborted)).toBe(true));
    // It had the whole budget, and was cut at the budget rather than at the per-call timeout.
    expect(ms).toBeGreaterThanOrEqual(BUDGET - 50);
    expect(ms).toBeLessThan(TIMEOUT);
  });
});

describe('LlmClient with a deadline', () => {
  const tool = { name: 'pick', description: 'a test tool', parameters: { type: 'object', properties: { a: { type: 'string' } } } };
  const schema = z.object({ a: z.string() });
  const client = () => new LlmClient({ apiKey: fake.apiKey, baseURL: `${fake.url}/v1`, model: 'm', timeoutMs: TIMEOUT, maxRetries: 2, log: createLogger('silent') });

  it('cuts each attempt and each retry to what is left, and starts nothing once it is spent', async () => {
    const llm = client();
    const before = fake.requests.length;
    const deadline = new LlmDeadline(2000);
    const started = Date.now();
    const first = await llm.call('intent', 'sys', 'hello', tool, schema, deadline);
    const second = await llm.call('rewrite', 'sys', 'hello', tool, schema, deadline);
    const ms = Date.now() - started;
    expect(first).toMatchObject({ ok: false, outcome: 'timeout' });
    expect(second).toMatchObject({ ok: false, outcome: 'deadline' });
    // One request of the three attempts the first call may make, none for the second.
    expect(fake.requests.length - before).toBe(1);
    await vi.waitFor(() => expect(fake.requests.at(-1)!.aborted).toBe(true));
    // Cut to the 2 s left, not the 30 s per call.
    expect(ms).toBeLessThan(TIMEOUT);
    // A deadline already spent (on a clock the test moves) starts nothing at all.
    let t = 0;
    const spent = new LlmDeadline(800, () => t);
    t = 800;
    expect(await llm.call('intent', 'sys', 'hello', tool, schema, spent)).toMatchObject({ ok: false, outcome: 'deadline' });
    expect(fake.requests.length - before).toBe(1);
  });

  it('retries a failing provider only while a useful attempt still fits', async () => {
    const llm = client();
    const before = fake.requests.length;
    // The budgets here stand still (a clock that does not move): what is left is what was given,
    // however slowly the machine answers.
    const still = () => 0;
    // 429 with Retry-After: 20 s — longer than the 1 s budget, so no retry waits it out.
    fake.script({ status: 429, retryAfter: 20 });
    const started = Date.now();
    const r = await llm.call('intent', 'sys', 'hello', tool, schema, new LlmDeadline(1000, still));
    expect(r).toMatchObject({ ok: false, outcome: 'rate_limited' });
    expect(Date.now() - started).toBeLessThan(20_000); // it did not wait out the Retry-After either
    expect(fake.requests.length - before).toBe(1);
    expect(fake.pending()).toBe(0);
    fake.script({ status: 500 }, { toolCall: { name: 'pick', arguments: { a: 'x' } } });
    // A plain 5xx backs off ~0.5 s and tries again within the budget.
    expect(await llm.call('intent', 'sys', 'hello', tool, schema, new LlmDeadline(3000, still))).toEqual({ ok: true, value: { a: 'x' } });
    expect(fake.requests.length - before).toBe(3);
    expect(fake.pending()).toBe(0);
  });
});
