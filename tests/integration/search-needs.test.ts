/**
 * Needs as searches on the shipped demo data, end to end through the web chat (real Meilisearch and
 * PGlite): honest "nothing close", a broad category reaching its narrower kinds, a city filter, and
 * a need phrased as a search answered with matches first and the demand offer after them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { webChatClient, type WebReply } from '../support/web-chat-client.js';

let services: Services;
let app: ReturnType<typeof createHttpApp>;
let dir: string;

type Reply = WebReply;
const chat = webChatClient(() => app);

const buttonsOf = (r: Reply[]) => r.flatMap((x) => x.buttons?.flat() ?? []);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-needs-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' });
  services = await createServices(config, createLogger('silent'), { loadDemo: true, clock: () => new Date('2026-11-21T08:00:00Z') });
  app = createHttpApp({
    pipeline: services.pipeline,
    log: createLogger('silent'),
    clock: () => new Date('2026-11-21T08:00:00Z'),
    readiness: { postgres: () => services.database.ping(), meilisearch: () => services.meiliHealth() },
    metrics: services.metrics.registry,
  });
});

afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('needs as searches', () => {
  it('says nothing close was found, shows at most three labelled related records and offers the demand', async () => {
    const res = await services.search.search('查找船舶压载水的灭活处理专利', { pageSize: 5 });
    expect(res.closeMatch).toBe(false);
    const { sessionId, replies } = await chat('查找船舶压载水的灭活处理专利');
    const last = replies.at(-1)!;
    expect(last.text).toContain('没有找到与');
    expect(last.items?.length ?? 0).toBeLessThanOrEqual(3);
    for (const item of last.items ?? []) expect(item.title).toMatch(/^相关/);
    const demand = buttonsOf(replies).find((b) => b.label === '发布为技术需求');
    expect(demand).toBeDefined();
    // The button starts the demand dialogue (its first question: the province).
    const next = await chat(undefined, sessionId, demand!.action);
    expect(next.replies.map((r) => r.text).join('\n')).toMatch(/哪个省/);
  });

  it('reaches a broad category through its narrower kinds: 湖南 工程机械 发明专利 finds Changsha’s cranes and pumps', async () => {
    const res = await services.search.search('湖南 工程机械 发明专利', { pageSize: 10 });
    expect(res.closeMatch).toBe(true);
    expect(res.hits.length).toBeGreaterThanOrEqual(3);
    for (const h of res.hits) expect([h.province, h.patentType]).toEqual(['Hunan', 'invention']);
    expect(res.hits.map((h) => h.title).join(' ')).toMatch(/起重机/);
    expect(res.hits.map((h) => h.title).join(' ')).toMatch(/混凝土泵|泵车|盾构/);
    const { replies } = await chat('湖南 工程机械 发明专利');
    expect(replies.at(-1)!.items!.length).toBeGreaterThanOrEqual(3);
  });

  it('filters by the city asked for where records have one (武汉, not all of Hubei)', async () => {
    const wuhan = await services.search.search('武汉的专利', { pageSize: 50 });
    expect(wuhan.query.filters).toMatchObject({ province: 'Hubei', city: '武汉' });
    expect(wuhan.hits.length).toBeGreaterThanOrEqual(5);
    for (const h of wuhan.hits) expect(h.city).toBe('武汉');
    const hubei = await services.search.search('湖北的专利', { pageSize: 50 });
    expect(hubei.hits.some((h) => h.city && h.city !== '武汉')).toBe(true);
    const { replies } = await chat('武汉的专利');
    expect(replies.at(-1)!.text).toContain('湖北省武汉市');
  });

  it('answers a need phrased as a search with the matches first, then the offer to post it', async () => {
    const { sessionId, replies } = await chat('我们公司想找锂电池回收的专利');
    expect(replies.length).toBeGreaterThanOrEqual(2);
    const results = replies.at(-2)!;
    expect(results.items?.[0]?.title).toMatch(/回收/);
    const offer = replies.at(-1)!;
    expect(offer.items).toBeUndefined();
    const demand = offer.buttons?.flat().find((b) => b.label === '发布为技术需求');
    expect(demand).toBeDefined();
    const next = await chat(undefined, sessionId, demand!.action);
    expect(next.replies.map((r) => r.text).join('\n')).toMatch(/哪个省/);
    // A plain search gets no such offer.
    const plain = await chat('锂电池回收');
    expect(buttonsOf(plain.replies).some((b) => b.label === '发布为技术需求')).toBe(false);
  });
});
