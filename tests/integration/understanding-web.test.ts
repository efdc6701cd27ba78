/**
 * What the classifier now understands, end to end through the web API (real pipeline, PGlite,
 * Meilisearch with the demo patents, the sample expo calendar): references to the last results
 * ("第二个", "刚才那个电池的专利"), expo sub-questions, bare nouns and a city alone, 中文 after English.
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
import { sessionHeader } from '../support/web-session.js';

let services: Services;
let app: ReturnType<typeof createHttpApp>;
let dir: string;
// The sample calendar's 2026 edition is open for registration on this day.
const now = new Date('2026-11-21T08:00:00Z');

type R = { text: string; items?: { title: string }[] };
async function say(sessionId: string, text: string): Promise<R[]> {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader(sessionId) }, body: JSON.stringify({ text }) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: R[] }).replies;
}
const idOf = (title: string): string => title.split(/\s+/)[0]!;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-ref-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), createLogger('silent'), { loadDemo: true, clock: () => now });
  app = createHttpApp({ pipeline: services.pipeline, log: createLogger('silent'), clock: () => now, readiness: {} });
});
afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('references to the last results', () => {
  it('opens the n-th result shown, and the one named by topic', async () => {
    const s = 'ref-ordinal';
    const items = (await say(s, '电池')).find((r) => r.items?.length)!.items!;
    expect(items.length).toBeGreaterThanOrEqual(2);
    const second = idOf(items[1]!.title);
    const detail = (await say(s, '第二个点开看看')).map((r) => r.text).join('\n');
    expect(detail).toContain(second);
    expect(detail).not.toContain(idOf(items[0]!.title));
    // By topic: the first shown result whose title has the words.
    const named = items.find((i) => i.title.includes('电池'))!;
    expect((await say(s, '刚才那个电池的专利')).map((r) => r.text).join('\n')).toContain(idOf(named.title));
    expect((await say(s, '最后一个')).map((r) => r.text).join('\n')).toContain(idOf(items.at(-1)!.title));
  });

  it('says the results are gone when nothing was shown, and searches a topic it cannot find', async () => {
    expect((await say('ref-none', '第三个')).at(-1)!.text).toMatch(/检索已失效/);
    const found = await say('ref-topic', '刚才那个电池的专利');
    expect(found.some((r) => r.items?.length)).toBe(true);
  });
});

describe('expo sub-questions', () => {
  it('answers the asked detail first, from content/expos.yaml', async () => {
    expect((await say('expo-sub', '博览会报名什么时候截止')).at(-1)!.text.split('\n')[0]).toBe('报名进行中，截止 2026-12-05。');
    expect((await say('expo-sub', '博览会在哪个场馆')).at(-1)!.text.split('\n')[0]).toMatch(/^地点: 武汉 · 武汉国际博览中心/);
    expect((await say('expo-sub', '博览会能容纳多少人')).at(-1)!.text.split('\n')[0]).toBe('名额: 800');
    expect((await say('expo-sub', '博览会收费吗')).at(-1)!.text.split('\n')[0]).toMatch(/^门票: 免费/);
    expect((await say('expo-sub', '博览会几点签到')).at(-1)!.text.split('\n')[0]).toMatch(/^入场签到：2026-12-10/);
    // A general question gets the card alone.
    expect((await say('expo-sub', '介绍一下博览会')).at(-1)!.text.split('\n')[0]).toMatch(/^【/);
  });
});

describe('first contact', () => {
  it('a bare technical noun and a city alone are searches', async () => {
    for (const word of ['量子', '起重机', 'bearing']) {
      const replies = await say(`bare-${word}`, word);
      expect(replies.some((r) => r.items?.length), word).toBe(true);
    }
    const wuhan = await say('bare-city', '武汉');
    expect(wuhan.some((r) => r.items?.length)).toBe(true);
    expect(wuhan.find((r) => r.items?.length)!.text).toMatch(/湖北/);
  });

  it('中文 alone after English switches to Chinese', async () => {
    const s = 'lang-switch';
    expect((await say(s, 'hello, what can you do for me?')).at(-1)!.text).toMatch(/[a-z]{4,}/i);
    const switched = (await say(s, '中文')).map((r) => r.text).join('\n');
    expect(switched).toMatch(/[\u4e00-\u9fff]/);
    expect((await say(s, 'bearing')).find((r) => r.items?.length)!.text).toMatch(/[\u4e00-\u9fff]/);
  });
});
