/**
 * The web chat page in a real browser (#21 items 5, 8, 13): Debian's Chromium driven by
 * playwright-core against the HTTP app served in this process on a loopback port (real pipeline,
 * PGlite, Meilisearch, demo content), on a phone-sized screen. Checks what a newcomer meets:
 * 44 px result-card buttons, the note when a long paste is cut, the echo of a card button, English
 * cards without Chinese city names, the expo card's Register button, steps with a total, the
 * highlighted confirmation code, the privacy link next to the consent question, /language, "New
 * chat" keeping the registration, "forget me" clearing the page and the tab's history, the
 * favicon (no 404 anywhere) and the operator's ICP line. Screenshots go to test-output/screenshots/.
 *
 * Needs Chromium at /usr/bin/chromium (or CHROMIUM_PATH); skipped with a message otherwise.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

/** The page's document, as the functions run in the browser see it (the tests' tsconfig has no DOM library). */
declare const document: { querySelectorAll(s: string): { length: number }; querySelector(s: string): unknown; getElementById(id: string): { textContent: string } | null };

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(PACKAGE_ROOT, 'test-output', 'screenshots');
const skip = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH`;
if (skip) console.warn(`tests/web/chat-page.test.ts skipped: ${skip}`);
// The sample 2026 edition is open for registration on this day.
const now = new Date('2026-11-21T08:00:00Z');

describe.skipIf(!!skip)('the web chat page in Chromium', () => {
  let services: Services;
  let server: ServerType;
  let base: string;
  let dir: string;
  let browser: Browser;
  const failed: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    dir = mkdtempSync(path.join(os.tmpdir(), 'pb-page-'));
    services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), createLogger('silent'), { loadDemo: true, clock: () => now });
    const app = createHttpApp({ pipeline: services.pipeline, log: createLogger('silent'), clock: () => now, readiness: {}, icpFiling: '湘ICP备12345678号-1' });
    server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((r) => server.once('listening', () => r()));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'] });
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    server?.close();
    await services?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  async function open(locale: string): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ locale, viewport: { width: 390, height: 844 }, hasTouch: true, isMobile: true });
    const page = await context.newPage();
    page.on('response', (r) => r.status() >= 400 && failed.push(`${r.status()} ${r.url()}`));
    await page.goto(`${base}/`);
    await page.locator('#log .msg.bot').first().waitFor();
    return { context, page };
  }
  const botCount = (p: Page) => p.locator('#log .msg.bot').count();
/** The page has more answers than `n` and is no longer waiting for one. */
const answered = (p: Page, n: number) => p.waitForFunction((k) => document.querySelectorAll('#log .msg.bot').length > k && !document.querySelector('#send[disabled]'), n);
  /** Sends `text` and waits for the bot's answer to it. */
  async function say(p: Page, text: string): Promise<void> {
    const before = await botCount(p);
    await p.fill('#input', text);
    await p.press('#input', 'Enter');
    await answered(p, before);
  }
  /** Presses the newest button labelled exactly `label` and waits for the answer. */
  async function press(p: Page, label: string): Promise<void> {
    const before = await botCount(p);
    await p.locator('#log button:not([disabled])').filter({ hasText: new RegExp(`^${label}$`) }).last().click();
    await answered(p, before);
  }
  const lastBot = (p: Page) => p.locator('#log .msg.bot').last();

  it('result cards: 44 px buttons, a meaningful echo, English cities, a CNIPA link; /language; a long paste cut with a note', async () => {
    const { context, page } = await open('en-US');
    await say(page, 'lithium battery patents in Hubei');
    const cardButtons = page.locator('.card button');
    expect(await cardButtons.count()).toBeGreaterThan(0);
    for (const b of await cardButtons.all()) {
      const box = (await b.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.width).toBeGreaterThanOrEqual(44);
    }
    await page.screenshot({ path: path.join(SHOTS, 'web-chat-cards-phone.png'), fullPage: true });
    const title = (await page.locator('.card .card-title').first().textContent())!;
    await page.locator('.card').first().locator('button', { hasText: 'Details' }).click();
    await page.waitForFunction(() => !document.querySelector('#send[disabled]'));
    const echo = (await page.locator('.msg.user').last().textContent())!;
    expect(echo).toContain('Details');
    expect(echo).toContain(title.split(/\s+/)[0]!);
    const detail = (await lastBot(page).textContent())!;
    expect(detail).toMatch(/Province: Hubei · [A-Z][a-z]+/);
    expect(detail).not.toMatch(/[\u4e00-\u9fff]+市/);
    expect(await lastBot(page).locator('a.btn.link').getAttribute('href')).toMatch(/^https:\/\/epub\.cnipa\.gov\.cn\//);

    await say(page, '/language zh');
    expect(await lastBot(page).textContent()).toContain('之后我用中文回复');

    await page.fill('#input', '长'.repeat(5000));
    expect(await page.inputValue('#input')).toHaveLength(4000);
    await expect.poll(() => page.locator('#cut').isVisible()).toBe(true);
    expect(await page.locator('#cut').textContent()).toMatch(/4000.*5000/);
    await page.fill('#input', '');
    await context.close();
  }, 90_000);

  it('the expo card registers; steps have a total; the code is highlighted; the consent has the privacy link; New chat keeps the registration', async () => {
    const { context, page } = await open('zh-CN');
    await say(page, '博览会在哪举办');
    await press(page, '立即报名');
    expect(await lastBot(page).textContent()).toContain('第 1/5 步');
    await say(page, '张三');
    expect(await lastBot(page).textContent()).toContain('第 2/5 步');
    await say(page, '长沙某某科技有限公司');
    await press(page, '投资方');
    await say(page, '13812345678');
    expect(await lastBot(page).textContent()).toContain('第 5/5 步');
    const privacy = lastBot(page).locator('a.btn.link', { hasText: '隐私说明' });
    expect(await privacy.getAttribute('href')).toMatch(/\/privacy$/);
    await press(page, '同意');
    await press(page, '确认');
    const code = (await lastBot(page).locator('mark.code').textContent())!;
    expect(code).toMatch(/^[2-9A-HJ-NP-Z]{6}$/);
    await page.screenshot({ path: path.join(SHOTS, 'web-chat-registered-phone.png'), fullPage: true });

    await page.click('#new-chat');
    await page.waitForFunction(() => !document.querySelector('.msg.user') && document.getElementById('log')!.textContent.includes('新对话已开始'));
    await say(page, '我的报名');
    expect(await page.locator('#log').textContent()).toContain(code);
    expect(await page.locator('#log button', { hasText: '取消报名' }).count()).toBeGreaterThan(0);
    await context.close();
  }, 90_000);

  it('“forget me” clears the page and the tab’s stored history; the footer links the privacy notice and shows the ICP line; nothing 404s', async () => {
    const { context, page } = await open('zh-CN');
    await say(page, '湖北 锂电池 专利');
    await say(page, '删除我的信息');
    expect(await lastBot(page).textContent()).toContain('需求');
    await page.locator('#log button', { hasText: '确认删除' }).last().click();
    await page.waitForFunction(() => document.getElementById('log')!.textContent.includes('个人数据已删除'));
    expect(await page.locator('.msg.user').count()).toBe(0);
    expect(await page.locator('#log').textContent()).toContain('个人数据已删除');
    expect(await page.locator('#log').textContent()).not.toContain('湖北 锂电池 专利');
    const stored = await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('patent-bridge.history') ?? '');
    expect(stored).not.toContain('湖北 锂电池 专利');
    expect((await context.cookies()).some((c) => c.name === 'pb_web')).toBe(false);
    await page.reload();
    await page.locator('.msg.bot').first().waitFor();
    expect(await page.locator('.msg.user').count()).toBe(0);

    const footer = page.locator('.legal');
    expect(await footer.locator('a[href="/privacy"]').count()).toBe(1);
    expect(await footer.locator('a.icp').textContent()).toBe('湘ICP备12345678号-1');
    await page.goto(`${base}/privacy`);
    expect(await page.locator('h1').first().textContent()).toBe('隐私说明');
    expect(await page.locator('#en h1').textContent()).toBe('Privacy notice');
    expect(failed).toEqual([]);
    await context.close();
  }, 90_000);
});
