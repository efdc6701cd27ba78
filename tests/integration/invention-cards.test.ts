/**
 * One card per invention, end to end through the web chat (real Meilisearch and PGlite): an
 * application (A) and its grant (B) take one slot, the grant's number first; the page still holds five
 * inventions; page 2 repeats none; "第N条" and either number open the merged invention; a lone
 * application and a same-day utility model stay cards of their own.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { importPatents } from '../../src/services/patent-importer.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { webChatClient, type WebReply } from '../support/web-chat-client.js';

let services: Services;
let app: ReturnType<typeof createHttpApp>;
let dir: string;

type Reply = WebReply;
const chat = webChatClient(() => app);

const U = '测试材料大学';
const rec = (id: string, title: string, date: string, extra: Record<string, unknown> = {}) => ({
  id, title, abstract: `${title}，涉及石墨烯材料的制备与应用。`, applicants: [U], province: '广东省', language: 'zh',
  patentType: /U$/.test(id) ? '实用新型' : '发明', publicationDate: date, ...extra,
});
// Eight inventions in eleven publications, every title carrying the searched word.
const CORPUS = [
  rec('CN111000001A', '一种石墨烯散热膜及其制备方法', '2019-03-01'),
  rec('CN111000001B', '一种石墨烯散热膜及其制备方法', '2021-06-01', { legalStatus: '有权' }),
  rec('CN111000002A', '一种石墨烯散热涂料', '2022-01-01'),
  rec('CN111000003A', '一种石墨烯散热垫片及其制备方法和应用', '2018-02-01'),
  rec('CN111000003B', '一种石墨烯散热垫片', '2020-05-01'),
  rec('CN111000004A', '一种石墨烯散热器', '2020-07-01'),
  rec('CN211000004U', '一种石墨烯散热器', '2020-07-01'),
  rec('CN111000005A', '石墨烯散热复合材料', '2017-01-01'),
  rec('CN111000005B', '石墨烯散热复合材料', '2019-01-01'),
  rec('CN111000006A', '一种石墨烯散热风扇', '2016-01-01'),
  rec('CN111000007A', '一种石墨烯散热油墨', '2015-01-01'),
];
const QUERY = '石墨烯散热';
const INVENTIONS = ['CN111000001', 'CN111000002', 'CN111000003', 'CN111000004', 'CN211000004U', 'CN111000005', 'CN111000006', 'CN111000007'];
const numberOf = (title: string) => title.split(/\s+/)[0]!;
const inventionOf = (n: string) => (/U$/.test(n) ? n : n.replace(/[A-Z]$/, ''));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-cards-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' });
  services = await createServices(config, createLogger('silent'), { loadDemo: false, clock: () => new Date('2026-11-21T08:00:00Z') });
  const file = path.join(dir, 'cards.jsonl');
  writeFileSync(file, CORPUS.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const report = await importPatents(file, { store: services.store, index: services.index });
  expect(report.rejected).toEqual([]);
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

describe('one card per invention', () => {
  it('shows five inventions on a page where publications of one would take two slots, the grant first', async () => {
    // The search ranking itself lists both publications of a pair among its first five.
    const raw = (await services.search.search(QUERY, { pageSize: 5 })).hits.map((h) => inventionOf(h.id));
    expect(new Set(raw).size).toBeLessThan(5);

    const { replies } = await chat(QUERY);
    const items = replies.at(-1)!.items!;
    expect(items).toHaveLength(5);
    const numbers = items.map((i) => numberOf(i.title));
    expect(new Set(numbers.map(inventionOf)).size).toBe(5);
    for (const item of items) {
      const n = numberOf(item.title);
      const family = CORPUS.filter((r) => inventionOf(r.id) === inventionOf(n));
      const also = item.lines.find((l) => l.startsWith('另见公开号'));
      if (family.length === 2) {
        expect(n).toMatch(/B$/);
        expect(also).toBe(`另见公开号 ${n.replace(/B$/, 'A')}`);
      } else {
        expect(also).toBeUndefined();
      }
    }
  });

  it('pages on from the sixth invention without repeating one, and says when there are no more', async () => {
    const first = await chat(QUERY);
    const page1 = first.replies.at(-1)!.items!.map((i) => inventionOf(numberOf(i.title)));
    expect(first.replies.at(-1)!.text).toContain('第 1–5 件');
    const more = first.replies.flatMap((r) => r.buttons?.flat() ?? []).find((b) => b.label === '下一页')!;
    expect(more).toBeDefined();
    const second = await chat(undefined, first.sessionId, more.action);
    const last = second.replies.at(-1)!;
    const page2 = last.items!.map((i) => inventionOf(numberOf(i.title)));
    expect(page2.length).toBe(INVENTIONS.length - 5);
    expect(last.text).toContain(`第 6–${INVENTIONS.length} 件`);
    expect([...page1, ...page2].sort()).toEqual([...INVENTIONS].sort());
    expect(last.buttons?.flat().some((b) => b.label === '下一页') ?? false).toBe(false);
    // "第7条" on page 2 is the card numbered 7.
    const seventh = await chat('看看第7条', first.sessionId);
    expect(seventh.replies[0]!.text.startsWith(last.items![1]!.title.split(/\s+/)[0]!)).toBe(true);
  });

  it('opens the merged card from a reference to it, with both numbers in the details', async () => {
    const { sessionId, replies } = await chat(QUERY);
    const items = replies.at(-1)!.items!;
    const at = items.findIndex((i) => numberOf(i.title) === 'CN111000003B');
    expect(at).toBeGreaterThanOrEqual(0);
    const detail = await chat(`第${at + 1}条`, sessionId);
    const text = detail.replies[0]!.text;
    expect(text.startsWith('CN111000003B  一种石墨烯散热垫片')).toBe(true);
    expect(text).toContain('另见公开号 CN111000003A (2018-02-01)');
  });

  it('finds the invention from either number, the grant first', async () => {
    for (const n of ['CN111000005A', 'CN111000005B', 'CN111000005']) {
      const { replies } = await chat(n);
      const text = replies.map((r) => [r.text, ...(r.items ?? []).flatMap((i) => [i.title, ...i.lines])].join('\n')).join('\n');
      expect(text).toContain('CN111000005B');
      expect(text).toContain('另见公开号 CN111000005A');
      expect(text.match(/CN111000005B  /g)).toHaveLength(1);
    }
  });

  it('names the other publication in English for English readers', async () => {
    const { sessionId } = await chat('/language en');
    const { replies } = await chat('CN111000005A', sessionId);
    const text = replies.map((r) => r.text).join('\n');
    expect(text.startsWith('CN111000005B  ')).toBe(true);
    expect(text).toContain('Also published as CN111000005A (2017-01-01)');
  });

  it('shows a lone application as it is, and a same-day utility model as a card of its own', async () => {
    const { replies } = await chat('CN111000002A');
    const text = replies.map((r) => r.text).join('\n');
    expect(text.startsWith('CN111000002A  一种石墨烯散热涂料')).toBe(true);
    expect(text).not.toContain('另见公开号');
    // Same title, applicant and day as CN111000004A, but another application (the paging test sees both cards).
    for (const n of ['CN211000004U', 'CN111000004A']) {
      const detail = (await chat(n)).replies.map((r) => r.text).join('\n');
      expect(detail.startsWith(`${n}  一种石墨烯散热器`)).toBe(true);
      expect(detail).not.toContain('另见公开号');
    }
  });

  it('gives a granted invention its grant when only the application was ranked', async () => {
    // The grant's amended title no longer says 散热油墨: only the application matches the words.
    const file = path.join(dir, 'amended.jsonl');
    writeFileSync(file, JSON.stringify(rec('CN111000007B', '一种导电浆料', '2017-01-01')) + '\n');
    await importPatents(file, { store: services.store, index: services.index });
    const raw = (await services.search.search('石墨烯散热油墨', { pageSize: 10 })).hits.map((h) => h.id);
    expect(raw).toContain('CN111000007A');
    expect(raw).not.toContain('CN111000007B');
    const { replies } = await chat('石墨烯散热油墨');
    const card = replies.at(-1)!.items!.find((i) => numberOf(i.title).startsWith('CN111000007'))!;
    expect(numberOf(card.title)).toBe('CN111000007B');
    expect(card.lines).toContain('另见公开号 CN111000007A');
  });
});
