/**
 * The web chat end to end: HTTP app → pipeline → handlers → real Meilisearch and PGlite, with the
 * demo content the embedded mode loads.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { WEB_COOKIE, webUserId } from '../../src/http/web-sessions.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

let services: Services;
let app: ReturnType<typeof createHttpApp>;
let dir: string;
let now = new Date('2026-11-21T08:00:00Z');

interface Body {
  sessionId: string;
  replies: { text: string; items?: { title: string; lines: string[]; buttons?: { label: string; action: string }[] }[]; buttons?: { label: string; action: string }[][] }[];
  duplicate?: boolean;
  error?: { code: string; message: string };
}

/**
 * `sessionId` here is the test's handle on a conversation: the value of the session cookie the
 * server set on its first answer, sent back as the cookie (never in the body, which the server refuses).
 */
async function chat(body: unknown, raw = false): Promise<{ status: number; body: Body }> {
  const { sessionId, ...rest } = (raw ? {} : body) as { sessionId?: string };
  const res = await app.request('/api/chat', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(sessionId ? { cookie: `${WEB_COOKIE}=${sessionId}` } : {}) },
    body: raw ? (body as string) : JSON.stringify(rest),
  });
  const issued = new RegExp(`${WEB_COOKIE}=([^;]+)`).exec(res.headers.get('set-cookie') ?? '')?.[1];
  const json = (await res.json()) as Body;
  return { status: res.status, body: { ...json, sessionId: issued ?? sessionId ?? '' } };
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-chat-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' });
  // A fixed day keeps the expo calendar (sample editions in 2026–2027) meaningful whenever this runs.
  services = await createServices(config, createLogger('silent'), { loadDemo: true, clock: () => now });
  app = createHttpApp({
    pipeline: services.pipeline,
    log: createLogger('silent'),
    clock: () => new Date(),
    readiness: { postgres: () => services.database.ping(), meilisearch: () => services.meiliHealth() },
    metrics: services.metrics.registry,
  });
});

afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('web chat', () => {
  it('serves the page, health and readiness', async () => {
    const page = await app.request('/');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<script src="/web/chat.js"></script>');
    expect(await (await app.request('/web/chat.js')).text()).toContain('/api/chat');
    expect((await app.request('/healthz')).status).toBe(200);
    const ready = await app.request('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ checks: { postgres: 'ok', meilisearch: 'ok' } });
  });

  it('finds Hubei lithium-battery demo patents in Chinese and in English, with working buttons', async () => {
    for (const text of ['湖北 锂电池 专利', 'lithium battery patents in Hubei']) {
      const { status, body } = await chat({ text });
      expect(status).toBe(200);
      const list = body.replies.find((r) => r.items?.length);
      expect(list, text).toBeDefined();
      for (const item of list!.items!) {
        expect(item.lines.join(' ')).toMatch(/湖北省|Hubei/);
        expect(item.buttons?.map((b) => b.action)).toEqual([expect.stringMatching(/^d:/), expect.stringMatching(/^i:/)]);
      }
      // English question → English reply; Chinese → Chinese.
      expect(list!.text).toMatch(text.startsWith('l') ? /Found \d+/ : /找到 \d+/);

      const detail = await chat({ sessionId: body.sessionId, action: list!.items![0]!.buttons![0]!.action });
      expect(detail.status).toBe(200);
      expect(detail.body.replies[0]!.text).toContain(list!.items![0]!.title.split(' ')[0]);

      const interest = await chat({ sessionId: body.sessionId, action: list!.items![0]!.buttons![1]!.action });
      // "I'm interested" starts a lead about that patent: the first question is what to do with it.
      expect(interest.body.replies[0]!.text).toMatch(/服务机构帮您|alliance agency to help/);
      expect(interest.body.replies[0]!.buttons!.flat().map((b) => b.action)).toEqual(['lt:buy', 'lt:license', 'lt:invest', 'lt:cooperate']);
    }
  });

  it('pages through results with the next-page button', async () => {
    const first = await chat({ text: '锂电池' });
    const list = first.body.replies.find((r) => r.items?.length)!;
    const more = list.buttons?.[0]?.[0];
    expect(more?.action).toBe('m:2');
    const second = await chat({ sessionId: first.body.sessionId, action: more!.action });
    const list2 = second.body.replies.find((r) => r.items?.length)!;
    const ids1 = list.items!.map((i) => i.title.split(' ')[0]);
    const ids2 = list2.items!.map((i) => i.title.split(' ')[0]);
    expect(ids2.length).toBeGreaterThan(0);
    expect(ids2.filter((id) => ids1.includes(id))).toEqual([]);
  });

  it('answers bad input clearly and never with a 5xx', async () => {
    const cases: [unknown, RegExp][] = [
      [{ text: '' }, /空|empty/],
      [{ text: '   \u0000\u0001  ' }, /空|empty|识别|read/],
      [{ text: '专利'.repeat(50_000) }, /太长|too long/],
      [{ text: Buffer.from(Array.from({ length: 300 }, (_, i) => (i * 91) % 256)).toString('latin1') }, /识别|read/],
      [{ text: '\u202e\u0007 湖北 \u0008锂电池' }, /找到|Found/],
    ];
    for (const [body, re] of cases) {
      const res = await chat(body);
      expect(res.status).toBe(200);
      expect(res.body.replies.map((r) => r.text).join('\n')).toMatch(re);
    }
  });

  it('rejects malformed requests with a clear 4xx', async () => {
    expect((await chat('{not json', true)).status).toBe(400);
    expect((await chat({})).body.error?.code).toBe('BAD_REQUEST');
    expect((await chat({ text: 5 })).status).toBe(400);
    expect((await chat({ text: 'hi', extra: 1 })).status).toBe(400);
    // The session is the server's cookie: a client-chosen id in the body is refused, not adopted.
    const chosen = await chat(JSON.stringify({ sessionId: 'someone-elses-id', text: 'hi' }), true);
    expect(chosen.status).toBe(400);
    expect(chosen.body.error?.code).toBe('SESSION_NOT_ACCEPTED');
    const bad = await chat({ action: 'd:<script>' });
    expect(bad.status).toBe(400);
    expect(bad.body.error?.code).toBe('BAD_ACTION');
    const big = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'x'.repeat(1_100_000) }) });
    expect(big.status).toBe(413);
    const form = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'hi' });
    expect(form.status).toBe(415);
    expect((await app.request('/nope')).status).toBe(404);
  });

  it('processes a retried message once and answers the retry with the same replies', async () => {
    const first = await chat({ text: '订阅', messageId: 'msg-00000001' });
    const again = await chat({ sessionId: first.body.sessionId, text: '订阅', messageId: 'msg-00000001' });
    expect(first.body.replies[0]!.text).toMatch(/已订阅/);
    expect(again.body.duplicate).toBe(true);
    // Handled once (a second handling would answer "already subscribed"), answered again the same way.
    expect(again.body.replies).toEqual(first.body.replies);
  });

  it('subscribes, unsubscribes and forgets a user on confirmation only', async () => {
    const s = (await chat({ text: 'subscribe me to announcements' })).body;
    expect(s.replies[0]!.text).toMatch(/subscribed/i);
    const sessionId = s.sessionId;
    expect((await chat({ sessionId, text: 'subscribe' })).body.replies[0]!.text).toMatch(/already/i);
    const ask = (await chat({ sessionId, text: 'delete all my personal data' })).body.replies[0]!;
    expect(ask.buttons?.[0]?.map((b) => b.action)).toEqual(['fy', 'fn']);
    expect((await chat({ sessionId, action: 'fn' })).body.replies[0]!.text).toMatch(/Cancelled/);
    // After cancelling, the confirm button no longer deletes anything.
    expect((await chat({ sessionId, action: 'fy' })).body.replies[0]!.text).toMatch(/expired/);
    await chat({ sessionId, text: 'forget me' });
    expect((await chat({ sessionId, action: 'fy' })).body.replies[0]!.text).toMatch(/deleted/);
    const rows = await services.database.rows<{ n: number }>(
      (await import('drizzle-orm')).sql`select count(*)::int as n from users where platform = 'web' and platform_user_id = ${webUserId(sessionId)}`,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('tells the user when search is down, in their language, without a 5xx', async () => {
    const { Pipeline } = await import('../../src/core/pipeline.js');
    const { PatentSearch } = await import('../../search/patent-search.js');
    const { createMeiliClient } = await import('../../search/client.js');
    const { loadGlossary } = await import('../../search/glossary.js');
    const { classify } = await import('../../src/nlu/classify.js');
    const dead = new PatentSearch(createMeiliClient('http://127.0.0.1:9', 'x'.repeat(16), 500), loadGlossary());
    const pipeline = new Pipeline({ users: services.users, search: dead, patents: services.store, policies: services.policies, expos: { sample: true, expos: [] }, registrations: services.registrations, notifier: services.notifier, staff: services.staff, leads: services.leads, broadcasts: services.broadcasts, log: createLogger('silent'), clock: () => new Date(), classify });
    const down = createHttpApp({ pipeline, log: createLogger('silent'), clock: () => new Date(), readiness: {} });
    for (const [text, re] of [['湖北 锂电池 专利', /检索服务暂时不可用/], ['lithium battery patents', /search service is unavailable/]] as const) {
      const res = await down.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
      expect(res.status).toBe(200);
      expect(((await res.json()) as Body).replies[0]!.text).toMatch(re);
    }
  });

  it('drops dedupe keys once platforms can no longer redeliver', async () => {
    const { sql } = await import('drizzle-orm');
    await services.users.claimUpdate('web', 'old-update');
    await services.database.rows(sql`update processed_updates set processed_at = now() - interval '8 days' where update_id = 'old-update'`);
    expect(await services.users.pruneUpdates(7)).toBe(1);
    expect(await services.users.claimUpdate('web', 'old-update')).toEqual({ kind: 'new' });
  });

  it('keeps an explicitly chosen language even when the user writes the other one', async () => {
    const first = (await chat({ text: 'English please' })).body;
    expect(first.replies[0]!.text).toMatch(/English/);
    const next = (await chat({ sessionId: first.sessionId, text: '湖北 锂电池 专利' })).body;
    expect(next.replies.find((r) => r.items)!.text).toMatch(/^Found \d+/);
  });

  it('explains a province’s policy with its source and dates, and lists more topics', async () => {
    const r = (await chat({ text: '湖北的专利质押融资政策是什么' })).body;
    const text = r.replies.map((x) => x.text).join('\n');
    expect(text).toMatch(/湖北/);
    expect(text).toMatch(/来源: /);
    expect(text).toMatch(/发布日期: \d{4}-\d{2}-\d{2} · 核对日期: \d{4}-\d{2}-\d{2}/);
    const more = r.replies.at(-1)!.buttons![0]![0]!;
    expect(more.action).toBe('pt:Hubei');
    const list = (await chat({ sessionId: r.sessionId, action: more.action })).body.replies[0]!;
    const first = list.buttons![0]![0]!;
    expect(first.action).toMatch(/^ps:hubei-/);
    const one = (await chat({ sessionId: r.sessionId, action: first.action })).body.replies[0]!;
    expect(one.text).toContain(`【${first.label}`);
  });

  it('answers policy questions in English and declines provinces outside the six', async () => {
    const en = (await chat({ text: 'What pledge financing support does Anhui offer?' })).body.replies[0]!;
    expect(en.text).toMatch(/Source: /);
    expect(en.text).toMatch(/Issued: /);
    const out = (await chat({ text: '陕西的专利补贴政策是什么' })).body.replies[0]!;
    expect(out.text).toMatch(/六省/);
    expect(out.buttons!.flat().map((b) => b.action)).toEqual(['pt:Shanxi', 'pt:Henan', 'pt:Hubei', 'pt:Hunan', 'pt:Anhui', 'pt:Jiangxi']);
    const which = (await chat({ text: '专利质押融资有什么政策' })).body.replies[0]!;
    expect(which.text).toMatch(/哪个省/);
  });

  it('never invents a figure: every number in a policy answer is in the content file', async () => {
    const { readFileSync } = await import('node:fs');
    const file = readFileSync(path.join(PACKAGE_ROOT, 'content/policies/hunan.md'), 'utf8');
    const list = (await chat({ text: '湖南有什么专利转化政策' })).body;
    expect(list.replies[0]!.buttons!.flat().every((b) => b.action.startsWith('ps:hunan-'))).toBe(true);
    const r = (await chat({ text: '湖南的知识产权质押融资有什么支持' })).body;
    const numbers = r.replies.map((x) => x.text).join(' ').match(/\d+(?:\.\d+)?/g) ?? [];
    expect(numbers.length).toBeGreaterThan(0);
    for (const n of numbers) expect(file, n).toContain(n);
  });

  it('lists alliance agencies filtered by the service asked for, marked as sample data', async () => {
    const r = (await chat({ text: '联盟里有哪些做专利维权的机构' })).body.replies[0]!;
    expect(r.text).toMatch(/示例数据/);
    expect(r.items!.length).toBeGreaterThan(0);
    for (const i of r.items!) expect(i.lines[1]).toMatch(/维权保护/);
  });

  it('describes the next expo edition, and says the calendar is sample data', async () => {
    const r = (await chat({ text: '今年的专利博览会在哪里举办？' })).body.replies[0]!;
    expect(r.text).toMatch(/【.+】/);
    expect(r.text).toMatch(/地点: /);
    expect(r.text).toMatch(/示例数据/);
  });

  it('exposes Prometheus metrics: updates by platform and intent, reply latency', async () => {
    await chat({ text: '你好' });
    const res = await app.request('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/plain/);
    const body = await res.text();
    expect(body).toMatch(/patent_bridge_updates_total\{platform="web",intent="greet"\} [1-9]/);
    expect(body).toMatch(/patent_bridge_reply_seconds_count\{platform="web"\} [1-9]/);
    expect(body).toMatch(/patent_bridge_updates_total\{platform="web",intent="search_patents"\} [1-9]/);
  });

  it('starts a sell lead from free text and asks for what is missing', async () => {
    const r = await chat({ text: '我想把我的专利卖掉，帮我对接买家' });
    expect(r.body.replies[0]!.text).toMatch(/出售哪项专利/);
  });
});
