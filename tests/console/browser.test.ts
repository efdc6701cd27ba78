/**
 * The console in a real browser: Debian's Chromium driven by playwright-core against the service
 * run as a child process (`node bin/patent-bridge.mjs serve`, Postgres of TEST_DATABASE_URL,
 * embedded Meilisearch, a loopback Telegram Bot API so broadcasts and lead notices go somewhere).
 * The test seeds and makes one-time links in the same database while the child runs. Scenarios:
 * the operator signs in with ADMIN_TOKEN; a staff member signs in with a one-time link and claims a
 * lead; the registrations CSV downloads with its BOM; a broadcast started on the Broadcasts page
 * reaches 100 %; the language switch. Full-page screenshots go to test-output/screenshots/.
 *
 * Needs TEST_DATABASE_URL (skipped with a message otherwise) and Chromium at /usr/bin/chromium
 * (or CHROMIUM_PATH); .ci/run installs it when missing.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConsoleAuth } from '../../src/console/console-auth.js';
import { loadContent } from '../../src/domain/policy.js';
import { LeadStore } from '../../src/services/lead-store.js';
import { StaffStore } from '../../src/services/staff-store.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { seedConsole } from '../../scripts/seed-console.js';
import { openTestDb, type TestDb } from '../support/db.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';
import { sleep, startServe, type ServeChild } from '../support/serve-child.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const SHOTS = path.join(PACKAGE_ROOT, 'test-output', 'screenshots');
const ADMIN = `admin-${randomBytes(12).toString('hex')}`;
const EXPO = 'expo-2026-wuhan';
const skip = !process.env.TEST_DATABASE_URL
  ? 'TEST_DATABASE_URL is not set (the test seeds the database while the service runs, which PGlite does not allow); .ci/run sets it'
  : !existsSync(CHROMIUM)
    ? `no Chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does), or set CHROMIUM_PATH`
    : undefined;
if (skip) console.warn(`tests/console/browser.test.ts skipped: ${skip}`);

describe.skipIf(!!skip)('the console in Chromium', () => {
  let db: TestDb;
  let fake: FakeTelegram;
  let child: ServeChild;
  let browser: Browser;
  let operator: BrowserContext;
  let page: Page;
  let leadRef: string;
  let staffId: number;
  const registrantChats: string[] = [];

  const shot = async (p: Page, name: string) => {
    await p.screenshot({ path: path.join(SHOTS, `${name}.png`), fullPage: true });
  };
  /** Waits (up to 15 s) for an element matching `sel` that contains `text`; pages reload and redirect under it. */
  const see = (p: Page, sel: string, text?: string) => p.locator(sel).filter(text === undefined ? {} : { hasText: text }).first().waitFor({ timeout: 15_000 });
  const newContext = (locale = 'zh-CN') => browser.newContext({ locale, viewport: { width: 1280, height: 800 }, acceptDownloads: true });

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    db = await openTestDb('postgres');
    fake = await startFakeTelegram();
    const content = loadContent(path.join(PACKAGE_ROOT, 'content'));
    // Background for the dashboard: leads over 12 weeks, registrations for the other edition, finished broadcasts.
    await seedConsole(db.database, { leads: 1200, registrations: 900, broadcasts: 4, agencies: content.agencies.agencies.map((a) => a.slug), expos: ['expo-2027-changsha'] });
    // The agency inbox and a staff member of that agency.
    await new StaffStore(db.database.db).bindInbox('xiangjiang-ip-trading', 'telegram', '-100111', null);
    const [u] = await db.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', '777001') returning id`);
    const [m] = await db.database.rows<{ id: number }>(sql`insert into staff (user_id, role, scope, display_name) values (${u!.id}, 'staff', 'xiangjiang-ip-trading', '王工') returning id`);
    staffId = m!.id;
    // A lead, written as the chat dialogue writes it (lead, offer to the bound inbox, audit record).
    const [author] = await db.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id) values ('telegram', '777002') returning id`);
    const made = await new LeadStore(db.database.db, { agencies: content.agencies.agencies, claimedNotice: () => ({ zh: '', en: '' }) }).create(
      { userId: author!.id, type: 'buy', province: 'Hunan', need: '求购锂电池隔膜相关专利', phone: '13800138000', locale: 'zh' },
      new Date(),
    );
    if (made.kind !== 'created' || !made.offer) throw new Error('the lead was not routed to the bound inbox');
    leadRef = made.lead.ref;
    // Registrants of the 2026 edition on Telegram (the broadcast's audience), one reading English.
    for (let i = 0; i < 12; i++) {
      const chat = String(880_000 + i);
      registrantChats.push(chat);
      const [r] = await db.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id, locale) values ('telegram', ${chat}, ${i === 0 ? 'en' : 'zh'}) returning id`);
      await db.database.rows(sql`insert into registrations (expo_slug, user_id, name, organisation, role, phone, status, code, consent_at)
        values (${EXPO}, ${r!.id}, ${`张三${i}`}, '武汉示例科技有限公司', ${i % 2 ? 'buyer' : 'patentee'}, '13900000000', 'confirmed', ${`BRW${String(i).padStart(3, '0')}`}, now())`);
    }
    // Demo patents, loaded into this database (and the Meilisearch of the service's DATA_DIR) before it starts.
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'pb-browser-'));
    const env = { DATABASE_URL: db.url!, ADMIN_TOKEN: ADMIN, TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_API_ROOT: fake.url, TELEGRAM_CHAT_INTERVAL_MS: '50' };
    await new Promise<void>((resolve, reject) => {
      const p = spawn(process.execPath, [path.join(PACKAGE_ROOT, 'bin', 'patent-bridge.mjs'), 'import', path.join(PACKAGE_ROOT, 'content', 'demo-patents.jsonl')], {
        cwd: PACKAGE_ROOT,
        env: { PATH: process.env.PATH ?? '', HOME: os.homedir(), DATA_DIR: dataDir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'warn', ...env },
        stdio: ['ignore', 'ignore', 'pipe'],
      });
      let err = '';
      p.stderr!.on('data', (b: Buffer) => (err += b.toString()));
      p.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`import exited ${code}: ${err}`))));
    });
    // Polling mode (no PUBLIC_URL): plain-http cookies, as on a laptop.
    child = await startServe({ dataDir, env });
    // launch() gives every run a fresh temporary profile, and each context its own cookies.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
    });
    operator = await newContext();
    page = await operator.newPage();
  }, 240_000);

  afterAll(async () => {
    await browser?.close();
    await child?.stop();
    if (child) rmSync(child.dataDir, { recursive: true, force: true });
    await fake?.close();
    await db?.drop();
  }, 60_000);

  it('the operator signs in with ADMIN_TOKEN and lands on the dashboard', async () => {
    await page.goto(`${child.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/login');
    await shot(page, 'login');
    await page.fill('input[name=token]', 'not-the-token');
    await page.click('button[type=submit]');
    await see(page, '.note', '令牌不正确');
    await page.fill('input[name=token]', ADMIN);
    await page.click('button[type=submit]');
    await page.waitForURL(`${child.url}/console/dashboard`);
    expect(await page.locator('svg[role=img]').count()).toBe(5);
    expect(await page.locator('svg[role=img] > title').first().textContent()).toBe('近 12 周每周新线索（按类型）');
    // The session cookie is HttpOnly and SameSite=Strict, scoped to /console.
    const [cookie] = (await operator.cookies()).filter((c) => c.name === 'pb_console');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/console' });
    await shot(page, 'dashboard');
    await page.goto(`${child.url}/console/leads`);
    await see(page, `a[href="/console/leads/${leadRef}"]`);
    await shot(page, 'leads');
  }, 60_000);

  it('a staff member signs in with a one-time link and claims the lead', async () => {
    const auth = new ConsoleAuth(db.database.db, undefined);
    const token = await auth.createLink(staffId);
    const ctx = await newContext();
    const p = await ctx.newPage();
    await p.goto(`${child.url}/console/link/${token}`);
    await p.click('[data-test=link-signin]');
    await p.waitForURL(`${child.url}/console/leads`);
    // Staff see the Leads section only.
    expect(await p.locator('header a').allTextContents()).toEqual(['线索']);
    await p.click(`a[href="/console/leads/${leadRef}"]`);
    await p.click('[data-test=claim]');
    await see(p, '.note.ok');
    await see(p, '[data-test=lead]', '已认领');
    // The trail names the member by agency and name (王工), not as the stored staff:<id>.
    await see(p, '[data-test=audit]', '的员工（王工）');
    await shot(p, 'lead-claimed');
    const [row] = await db.database.rows<{ status: string; claimed_by: number }>(sql`select status, claimed_by from leads where ref = ${leadRef}`);
    expect(row).toEqual({ status: 'claimed', claimed_by: staffId });
    // The link was for one use: another browser cannot use it again.
    const again = await newContext();
    const q = await again.newPage();
    await q.goto(`${child.url}/console/link/${token}`);
    await q.click('[data-test=link-signin]');
    expect(new URL(q.url()).pathname).toBe(`/console/link/${token}`);
    await see(q, '.note', '登录链接无效或已过期');
    await again.close();
    await ctx.close();
  }, 60_000);

  it('exports the registrations as CSV with a UTF-8 BOM', async () => {
    await page.goto(`${child.url}/console/registrations?expo=${EXPO}`);
    await see(page, '[data-test=registrations]', '张三0');
    await shot(page, 'registrations');
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-test=export]')]);
    const file = await download.path();
    const bytes = readFileSync(file);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.subarray(3).toString('utf8');
    expect(text).toContain('张三11');
    expect(text.trim().split(/\r?\n/)).toHaveLength(1 + registrantChats.length);
    expect(download.suggestedFilename()).toMatch(/\.csv$/);
  }, 60_000);

  it('starts a broadcast on the Broadcasts page and watches it reach 100 %', async () => {
    await page.goto(`${child.url}/console/broadcasts`);
    await page.selectOption('select[name=expo]', EXPO);
    await page.selectOption('select[name=audience]', 'confirmed');
    await page.fill('textarea[name=zh]', '展会日程更新：12 月 10 日 9:00 开幕。');
    await page.fill('textarea[name=en]', 'Programme update: the expo opens on 10 December at 9:00.');
    await shot(page, 'broadcasts');
    await page.click('[data-test=preview-button]');
    await see(page, '[data-test=audience-counts]', 'Telegram 12');
    await shot(page, 'broadcast-preview');
    await page.click('[data-test=confirm-button]');
    await page.waitForURL(/\/console\/broadcasts\/\d+$/);
    // The page refreshes itself every 2 s while sending.
    const end = Date.now() + 45_000;
    let progress = '';
    while (Date.now() < end) {
      progress = (await page.locator('[data-test=progress]').textContent().catch(() => '')) ?? '';
      if (progress === '100%') break;
      await sleep(250);
    }
    expect(progress).toBe('100%');
    await page.reload();
    expect(await page.locator('[data-count=sent]').textContent()).toBe('12');
    await shot(page, 'broadcast-progress');
    const sent = fake.callsTo('sendMessage').filter((c) => registrantChats.includes(String(c.params.chat_id)));
    expect(new Set(sent.map((c) => String(c.params.chat_id))).size).toBe(12);
    expect(sent.find((c) => String(c.params.chat_id) === registrantChats[0])!.params.text).toContain('Programme update');
  }, 90_000);

  it('switches the language and stays on the page', async () => {
    await page.goto(`${child.url}/console/dashboard`);
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    await page.click('[data-test=lang]');
    await page.waitForURL(`${child.url}/console/dashboard`);
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    await see(page, 'header', 'Dashboard');
    expect(await page.locator('svg[role=img] > title').first().textContent()).toBe('New leads per week, last 12 weeks, by type');
    await shot(page, 'dashboard-en');
    await page.goto(`${child.url}/console/patents`);
    await shot(page, 'patents-en');
    await page.goto(`${child.url}/console/broadcasts`);
    await shot(page, 'broadcasts-en');
    // Back to Chinese.
    await page.click('[data-test=lang]');
    await see(page, 'header', '群发');
  }, 60_000);

  it('the console and the web chat work under their Content-Security-Policy; the chat keeps its history for the tab only', async () => {
    // Violations are reported as events; listen before any page script runs.
    const watch = async (ctx: BrowserContext) => {
      // A string: the test's TypeScript has no DOM types.
      await ctx.addInitScript({ content: "window.__csp = []; document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));" });
    };
    const violations = (p: Page) => p.evaluate('window.__csp') as Promise<string[]>;
    const errors: string[] = [];
    await watch(operator);
    const consolePage = await operator.newPage();
    consolePage.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    for (const p of ['dashboard', 'leads', 'registrations', 'broadcasts', 'patents']) {
      const res = await consolePage.goto(`${child.url}/console/${p}`);
      expect(res!.headers()['content-security-policy']).toMatch(/script-src 'none'/);
      expect(await violations(consolePage), p).toEqual([]);
    }
    await consolePage.close();

    const visitor = await newContext();
    await watch(visitor);
    const chat = await visitor.newPage();
    chat.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    chat.on('pageerror', (e) => errors.push(e.message));
    const res = await chat.goto(`${child.url}/`);
    expect(res!.headers()['content-security-policy']).not.toMatch(/unsafe-inline/);
    await see(chat, '.msg.bot', '您好');
    await chat.fill('#input', '湖北 锂电池 专利');
    await chat.press('#input', 'Enter');
    await see(chat, '.msg.bot .card');
    // The script ran (it rendered the reply), the stylesheet applied, and nothing was blocked.
    expect(await chat.evaluate("getComputedStyle(document.querySelector('.composer')).position")).not.toBe('static');
    expect(await violations(chat)).toEqual([]);
    expect(errors.filter((e) => /Content Security Policy|Refused to/i.test(e))).toEqual([]);
    // The session is the server's HttpOnly cookie; the history lives in this tab only.
    const [cookie] = (await visitor.cookies()).filter((c) => c.name === 'pb_web');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/api/chat' });
    const stored = (await chat.evaluate("({ tab: sessionStorage.getItem('patent-bridge.history') || '', kept: Object.keys(localStorage) })")) as { tab: string; kept: string[] };
    expect(stored.tab).toContain('湖北 锂电池 专利');
    expect(stored.kept).toEqual([]);
    await chat.reload();
    await see(chat, '.msg.user', '湖北 锂电池 专利');
    await shot(chat, 'web-chat');
    // "New chat" clears the page and the tab's history but keeps the person (the same session cookie).
    await chat.click('#new-chat');
    await chat.waitForFunction(() => {
      const g = globalThis as unknown as { document: { querySelector(s: string): unknown }; sessionStorage: { getItem(k: string): string | null } };
      return !g.document.querySelector('.msg.user') && !(g.sessionStorage.getItem('patent-bridge.history') ?? '').includes('湖北 锂电池 专利');
    });
    expect((await visitor.cookies()).find((c) => c.name === 'pb_web')?.value).toBe(cookie!.value);
    // A new tab of a new visit starts with no history at all.
    const fresh = await visitor.newPage();
    await fresh.goto(`${child.url}/`);
    await see(fresh, '.msg.bot', '您好');
    expect(await fresh.locator('.msg.user').count()).toBe(0);
    await visitor.close();
  }, 90_000);
});
