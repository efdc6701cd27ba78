/**
 * The web chat page makes the sources in a policy answer clickable (#21 item 7): the real page and
 * service in Chromium; a link is an <a> to exactly the http(s) address in the text, opening in a new
 * tab without an opener; everything else stays text. Skipped with a message without Chromium.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serve as serveHttp, type ServerType } from '@hono/node-server';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const skip = existsSync(CHROMIUM) ? undefined : `no Chromium at ${CHROMIUM}: apt-get install -y chromium, or set CHROMIUM_PATH`;
if (skip) console.warn(`tests/web/policy-links.test.ts skipped: ${skip}`);

describe.skipIf(!!skip)('policy sources in the web chat', () => {
  let services: Services;
  let server: ServerType;
  let browser: Browser;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'pb-links-'));
    const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' });
    const clock = () => new Date('2026-12-02T04:00:00Z');
    services = await createServices(config, createLogger('silent'), { loadDemo: false, clock });
    const app = createHttpApp({ pipeline: services.pipeline, log: createLogger('silent'), clock, readiness: {} });
    server = serveHttp({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await services?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('links the official source of the Hubei Patent Award, and only that text', async () => {
    const page = await browser.newPage();
    await page.goto(url);
    await page.fill('#input', '湖北专利奖');
    await page.click('#send');
    const link = page.locator('.msg.bot a.link').first();
    await link.waitFor({ timeout: 15_000 });
    const hrefs = await page.locator('.msg.bot a.link').evaluateAll((as) => as.map((a) => [a.getAttribute('href'), a.textContent, a.getAttribute('rel'), a.getAttribute('target')]));
    expect(hrefs).toContainEqual(['https://kjc.wust.edu.cn/info/1371/18042.htm', 'https://kjc.wust.edu.cn/info/1371/18042.htm', 'noopener noreferrer nofollow', '_blank']);
    for (const [href, text] of hrefs) expect(href).toBe(text);
    // The text around the links is still there, as text.
    const texts = await page.locator('.msg.bot p.text').filter({ has: page.locator('a.link') }).allTextContents();
    expect(texts.join('\n')).toMatch(/来源: .*武汉科技大学.* https:\/\/kjc\.wust\.edu\.cn\/info\/1371\/18042\.htm/);
    await page.close();
  });
});
