/**
 * The console on a phone: the pages' tables in Debian's Chromium (playwright-core) at 375 × 740 CSS
 * px, the width of a common phone. A table too wide for the screen scrolls sideways inside its box
 * (.wrap) instead of squeezing its columns until Chinese text breaks after every character. For
 * every table cell of at least two characters the test counts the lines its text takes (distinct
 * line boxes of a Range over it) and asserts no cell is stacked one character a line (at least
 * three characters a line on average), and that the page itself does not scroll sideways.
 *
 * Pages come from the in-process console (PGlite, embedded Meilisearch) with a lead and its audit
 * trail, registrations and patents; Chromium gets each page's HTML with setContent. Skipped, saying
 * why, without Chromium at /usr/bin/chromium (or CHROMIUM_PATH); .ci/run installs it.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { sql } from 'drizzle-orm';
import { chromium, type Browser as Chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { broadcastsPage } from '../../src/console/pages/broadcasts-page.js';
import { dashboardPage } from '../../src/console/pages/dashboard-page.js';
import { leadsPage } from '../../src/console/pages/leads-page.js';
import { patentsPage } from '../../src/console/pages/patents-page.js';
import { registrationsPage } from '../../src/console/pages/registrations-page.js';
import { importPatents } from '../../src/services/patent-importer.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { openHarness, type Browser, type Harness } from './console-harness.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH`;
if (skip) console.warn(`tests/console/phone-layout.test.ts skipped: ${skip}`);

const now = new Date('2026-11-23T02:00:00Z');

describe.skipIf(!!skip)('the console on a phone', () => {
  let h: Harness;
  let chrome: Chromium;
  let op: Browser;
  let leadRef: string;
  let tmp: string;

  beforeAll(async () => {
    h = await openHarness({
      clock: () => now,
      pages: (s) => [
        leadsPage({ leads: s.leads, staff: s.staff, agencies: s.content.agencies, clock: () => now }),
        registrationsPage({ registrations: s.registrations, expos: s.expos, db: s.database.db, clock: () => now }),
        patentsPage({ store: s.store, index: s.index, search: s.search, log: createLogger('silent'), clock: () => now }),
        dashboardPage({ database: s.database, clock: () => now }),
        broadcastsPage({ broadcasts: s.broadcasts, expos: s.expos, log: createLogger('silent') }),
      ],
    });
    const user = async (id: string) => (await h.services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', ${id}) returning id`))[0]!.id;
    await h.services.staff.bindInbox('xiangjiang-ip-trading', 'telegram', '-100111', null);
    const [m] = await h.services.database.rows<{ id: number }>(sql`insert into staff (user_id, role, scope, display_name) values (${await user('phone-staff')}, 'staff', 'xiangjiang-ip-trading', '王工') returning id`);
    const made = await h.services.leads.store.create({ userId: await user('phone-author'), type: 'license', province: 'Hunan', patentId: 'CN114000001A', need: '希望获得锂电池隔膜涂覆工艺相关专利的独占许可，用于年产两亿平方米的生产线', phone: '13800138000', notes: '预算 50 万元，希望年内签约', locale: 'zh' }, now);
    if (made.kind !== 'created' || !made.offer) throw new Error('lead not routed');
    leadRef = made.lead.ref;
    const staff = (await h.services.staff.byId(m!.id))!;
    await h.services.leads.claim(made.offer.id, staff);
    await h.services.leads.setStatus((await h.services.leads.store.byRef(leadRef))!, staff, 'contacted');
    for (const [i, name] of ['张三丰', '李四光', '王五常'].entries())
      await h.services.registrations.register({ expoSlug: 'expo-2026-wuhan', capacity: 2, userId: await user(`phone-reg-${i}`), name, organisation: '武汉光谷新材料研究院有限公司', role: 'buyer', phone: `1380000000${i}`, email: `reg${i}@example.com` });
    tmp = mkdtempSync(path.join(os.tmpdir(), 'pb-phone-'));
    const demo = readFileSync(path.join(PACKAGE_ROOT, 'content/demo-patents.jsonl'), 'utf8').split('\n').filter(Boolean).slice(0, 20);
    writeFileSync(path.join(tmp, 'p.jsonl'), demo.join('\n') + '\n');
    await importPatents(path.join(tmp, 'p.jsonl'), { store: h.services.store, index: h.services.index });
    op = await h.operator();
    chrome = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
  });
  afterAll(async () => {
    await chrome?.close();
    await h?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  /** Per page: cells stacked (fewer than 3 characters a line on average) and whether the page scrolls sideways. */
  const measure = async (url: string) => {
    const html = await op.text(url);
    const ctx = await chrome.newContext({ viewport: { width: 375, height: 740 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: true });
    const page = await ctx.newPage();
    await page.setContent(html, { waitUntil: 'load' });
    // A string, run in the page (this project's TypeScript has no DOM types).
    const out = (await page.evaluate(`(() => {
      const stacked = [];
      let cells = 0;
      for (const cell of document.querySelectorAll('td, th')) {
        const text = (cell.textContent || '').replace(/\\s+/g, '');
        if (text.length < 2) continue;
        cells++;
        const range = document.createRange();
        range.selectNodeContents(cell);
        const tops = new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1 && text.length / tops.size < 3) stacked.push(text.slice(0, 20) + ' (' + text.length + ' chars on ' + tops.size + ' lines)');
      }
      return { cells, stacked, pageWidth: document.documentElement.scrollWidth, viewport: window.innerWidth };
    })()`)) as { cells: number; stacked: string[]; pageWidth: number; viewport: number };
    await ctx.close();
    return out;
  };

  it.each([
    ['the lead list', '/console/leads'],
    ['a lead with its audit trail', () => `/console/leads/${leadRef}`],
    ['registrations', '/console/registrations?expo=expo-2026-wuhan'],
    ['patents with their list', '/console/patents'],
    ['the dashboard', '/console/dashboard'],
    ['broadcasts', '/console/broadcasts'],
  ] as const)('lays out %s without stacking text a character a line', async (_name, url) => {
    const m = await measure(typeof url === 'function' ? url() : url);
    expect(m.cells).toBeGreaterThan(5);
    expect(m.stacked).toEqual([]);
    // The tables scroll inside their box; the page itself fits the screen.
    expect(m.pageWidth).toBeLessThanOrEqual(m.viewport);
  });
});
