/**
 * Talking to the platform (#21 items 3, 4, 5, 8, 13) through the web API — real pipeline, offline
 * classifier, PGlite, Meilisearch, the shipped content and demo patents: small talk, the platform
 * FAQ, the hand-over to a person, "my leads", leaving a dialogue for a new request, "New chat"
 * keeping the person, "forget me" ending the session, slash commands on the web, the expo card's
 * Register button, the highlighted confirmation code, the detail card's CNIPA link and English city
 * names, the privacy notice, the favicon and the operator's ICP line.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { INTENT_HANDLERS } from '../../src/handlers/index.js';
import type { HandlerContext } from '../../src/handlers/context.js';
import { loadFaq } from '../../src/domain/faq.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { WEB_COOKIE } from '../../src/http/web-sessions.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { sessionHeader, webUser } from '../support/web-session.js';

let services: Services;
let app: ReturnType<typeof createHttpApp>;
let dir: string;
// The sample calendar's 2026 edition is open for registration on this day.
const now = new Date('2026-11-21T08:00:00Z');
const CONTENT = path.join(PACKAGE_ROOT, 'content');

type R = { text: string; items?: { title: string; lines: string[]; buttons?: { label: string; action: string }[] }[]; buttons?: { label: string; action: string }[][]; link?: { label: string; url: string }; emphasis?: string[] };
async function post(session: string, body: { text?: string; action?: string }) {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader(session) }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return { res, body: (await res.json()) as { replies: R[]; forgotten?: boolean } };
}
const say = async (session: string, body: { text?: string; action?: string }) => (await post(session, body)).body.replies;
const all = (rs: R[]) => rs.map((r) => [r.text, ...(r.items ?? []).flatMap((i) => [i.title, ...i.lines])].join('\n')).join('\n');
const buttons = (rs: R[]) => rs.flatMap((r) => [...(r.buttons ?? []).flat(), ...(r.items ?? []).flatMap((i) => i.buttons ?? [])]);

/** Registers `session` for the open 2026 edition and returns the confirmation reply. */
async function register(session: string): Promise<R> {
  await say(session, { text: '我要报名参加博览会' });
  await say(session, { text: '张三' });
  await say(session, { text: '长沙某某科技有限公司' });
  await say(session, { action: 'rr:buyer' });
  await say(session, { text: '13812345678' });
  await say(session, { action: 'ry' });
  return (await say(session, { action: 'ry' })).at(-1)!;
}

/** Submits a lead from `session` (buy, with a need, Hunan, a phone, consent) and returns its reference. */
async function submitLead(session: string): Promise<string> {
  await say(session, { text: '求购污水处理技术' });
  await say(session, { action: 'lv:Hunan' });
  await say(session, { text: '13912345678' });
  await say(session, { action: 'lk' });
  await say(session, { action: 'ly' });
  const sent = (await say(session, { action: 'ly' })).at(-1)!.text;
  const ref = /L-[A-Z0-9]{6}/.exec(sent)?.[0];
  expect(ref, sent).toBeDefined();
  return ref!;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-talk-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: CONTENT, LOG_LEVEL: 'silent' }), createLogger('silent'), { loadDemo: true, clock: () => now });
  app = createHttpApp({ pipeline: services.pipeline, log: createLogger('silent'), clock: () => now, readiness: {}, icpFiling: '湘ICP备12345678号-1' });
}, 120_000);
afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('small talk and the platform FAQ', () => {
  /**
   * The handler itself, for a text the classifier files under `intent` (that filing of thanks, FAQ
   * questions and "talk to a person" is src/nlu's part of #21 item 3).
   */
  const handle = async (intent: 'greet' | 'alliance_info', text: string, locale: 'zh' | 'en') => {
    const user = await services.users.upsert('web', `handler-${text}`, locale);
    const ctx = {
      msg: { platform: 'web', updateId: text, userId: `handler-${text}`, chatId: 'c', text, receivedAt: now },
      user,
      locale,
      state: {},
      nlu: { intent, entities: {}, confidence: 1 },
      services: { ...services, patents: services.store, faq: loadFaq(CONTENT), clock: () => now, log: createLogger('silent') },
    } as unknown as HandlerContext;
    return all((await INTENT_HANDLERS[intent](ctx)) as R[]);
  };

  it('answers thanks and goodbye briefly in the person’s language, and hello with the welcome', async () => {
    expect(await handle('greet', '谢谢', 'zh')).toBe('不客气！还有什么需要，随时告诉我。');
    expect(await handle('greet', 'thanks a lot', 'en')).toMatch(/^You're welcome/);
    expect(await handle('greet', '再见', 'zh')).toMatch(/^再见/);
    expect(await handle('greet', 'bye', 'en')).toMatch(/^Goodbye/);
    expect(await handle('greet', '你好', 'zh')).toMatch(/中部六省/);
  });

  it('answers how a transfer works and how to reach the platform from content/faq.yaml, with sources', async () => {
    const ask = (text: string, locale: 'zh' | 'en') => handle('alliance_info', text, locale);
    const zh = await ask('专利转让流程是什么', 'zh');
    expect(zh).toMatch(/著录项目变更/);
    expect(zh).toMatch(/专利法》第十条/);
    expect(zh).toMatch(/来源/);
    const en = await ask('how does a patent transfer work', 'en');
    expect(en).toMatch(/CNIPA/);
    expect(en).toMatch(/Sources:/);
    expect(await ask('怎么联系你们', 'zh')).toMatch(/人工客服/);
    // Anything else about the alliance still lists its agencies.
    expect(await ask('有哪些做专利维权的机构', 'zh')).toMatch(/洞庭/);
  });

  it('hands “人工客服” over as a consult lead carrying the conversation summary, and says so', async () => {
    const s = 'talk-human';
    await say(s, { text: '湖北 锂电池 专利' });
    const first = await say(s, { text: '人工客服' });
    expect(all(first)).toMatch(/转给服务联盟的工作人员/);
    expect(first.at(-1)!.text).toMatch(/哪个省/);
    await say(s, { action: 'lv:any' });
    await say(s, { text: 'a@example.com' });
    const consent = (await say(s, { action: 'lk' })).at(-1)!;
    expect(consent.text).toMatch(/同意/);
    expect(consent.link?.url).toMatch(/\/privacy$/);
    const summary = (await say(s, { action: 'ly' })).at(-1)!.text;
    expect(summary).toMatch(/咨询/);
    expect(summary).toMatch(/湖北 锂电池 专利/);
    const ref = /L-[A-Z0-9]{6}/.exec((await say(s, { action: 'ly' })).at(-1)!.text)?.[0];
    expect(ref).toBeDefined();
    const lead = await services.leads.store.byRef(ref!);
    expect(lead).toMatchObject({ type: 'consult', email: 'a@example.com' });
    expect(lead!.need).toMatch(/转人工客服: 人工客服/);
    expect(lead!.need).toMatch(/最近检索: 湖北 锂电池 专利/);
  });
});

describe('my leads and leaving a dialogue', () => {
  it('“我的报名” lists the registrations and the status of the leads the person submitted; “我的需求” too', async () => {
    const s = 'talk-mine';
    const ref = await submitLead(s);
    const mine = await say(s, { text: '我的报名' });
    expect(all(mine)).toMatch(/您提交的需求/);
    const item = mine.flatMap((r) => r.items ?? []).find((i) => i.title.startsWith(ref));
    expect(item?.title).toMatch(/购买专利/);
    expect(item?.lines.join(' ')).toMatch(/待分派|已通知机构/);
    expect(item?.lines.join(' ')).toMatch(/污水处理/);
    // "我的需求" shows the same instead of starting a new lead.
    expect(all(await say(s, { text: '我的需求' }))).toContain(ref);
    expect(all(await say('talk-mine-en', { text: 'my registrations' }))).toMatch(/not submitted any requests/);
  });

  it('a clear new request in a dialogue leaves it, saying so; a short answer is still the answer', async () => {
    const s = 'talk-leave';
    expect((await say(s, { text: '求购污水处理技术' })).at(-1)!.text).toMatch(/哪个省/);
    const left = await say(s, { text: '我要报名' });
    expect(left[0]!.text).toMatch(/已退出需求对话/);
    expect(left.at(-1)!.text).toMatch(/第 1\/5 步/);
    // In the registration now: a name is the answer, even one that reads like a request word.
    expect((await say(s, { text: '李四' })).at(-1)!.text).toMatch(/第 2\/5 步/);
    expect((await say(s, { text: '湖北省知识产权局' })).at(-1)!.text).toMatch(/第 3\/5 步/);

    const t = 'talk-stay';
    await say(t, { text: '求购污水处理技术' });
    expect((await say(t, { text: '湖南' })).at(-1)!.text).toMatch(/怎么联系您/);
  });
});

describe('web identity', () => {
  it('“New chat” keeps the person: the earlier registration is still listed and cancellable', async () => {
    const s = 'talk-newchat';
    const done = await register(s);
    expect(done.text).toMatch(/报名成功/);
    const code = /确认码：([A-Z0-9]{6})/.exec(done.text)![1]!;
    // The code is marked for emphasis (the page highlights it).
    expect(done.emphasis).toEqual([code]);
    await say(s, { text: '求购污水处理技术' });
    const fresh = await say(s, { action: 'nc' });
    expect(fresh[0]!.text).toMatch(/新对话已开始/);
    // The open lead dialogue is gone: a province is no longer taken as its answer.
    expect(all(await say(s, { text: '我的报名' }))).toContain(code);
    expect(buttons(await say(s, { text: '我的报名' })).some((b) => b.action.startsWith('rc:'))).toBe(true);
  });

  it('“forget me” names leads in its question, then ends the browser’s session', async () => {
    const s = 'talk-forget';
    await submitLead(s);
    expect(all(await say(s, { text: '删除我的信息' }))).toMatch(/需求中的联系方式/);
    const { res, body } = await post(s, { action: 'fy' });
    expect(body.forgotten).toBe(true);
    expect(res.headers.get('set-cookie')).toMatch(new RegExp(`^${WEB_COOKIE}=;.*Max-Age=0`));
    const rows = await services.database.rows<{ n: number }>(sql`select count(*)::int as n from users where platform = 'web' and platform_user_id = ${webUser(s)}`);
    expect(rows[0]!.n).toBe(0);
  });
});

describe('the web page’s small things', () => {
  it('understands /language and other slash commands on the web', async () => {
    expect(all(await say('talk-lang', { text: '/language en' }))).toMatch(/reply in English/);
    const ask = await say('talk-lang2', { text: '/language' });
    expect(buttons(ask).map((b) => b.action)).toEqual(['l:zh', 'l:en']);
    expect(all(await say('talk-lang3', { text: '/help' }))).toMatch(/我可以/);
  });

  it('the expo card has a Register button that starts the registration', async () => {
    const card = await say('talk-expo', { text: '博览会在哪举办' });
    const reg = buttons(card).find((b) => b.action.startsWith('rx:'));
    expect(reg?.label).toBe('立即报名');
    expect((await say('talk-expo', { action: reg!.action })).at(-1)!.text).toMatch(/第 1\/5 步/);
  });

  it('the detail card links CNIPA and writes the city in English for English readers', async () => {
    await say('talk-detail-en', { text: 'crane patents please' });
    const en = (await say('talk-detail-en', { action: 'd:CN117591160A' })).at(-1)!;
    expect(en.text).toMatch(/Hunan · Changsha/);
    expect(en.text).not.toMatch(/长沙市/);
    // A demo record is fictional: the link is CNIPA's public search, not a record of that number.
    expect(en.link).toEqual({ label: expect.any(String), url: 'https://epub.cnipa.gov.cn/' });
    const zh = (await say('talk-detail-zh', { text: 'CN117591160A' })).at(-1)!;
    expect(zh.text).toMatch(/长沙市/);
    expect(zh.link?.label).toBe('在国家知识产权局核实');
  });

  it('serves the privacy notice, a favicon, and the operator’s ICP line in the footer', async () => {
    const privacy = await app.request('/privacy');
    expect(privacy.status).toBe(200);
    const html = await privacy.text();
    for (const part of ['收集什么', '保存多久', '删除我的信息', 'What is collected', 'How long', 'forget me']) expect(html).toContain(part);
    const icon = await app.request('/favicon.svg');
    expect(icon.status).toBe(200);
    expect(icon.headers.get('content-type')).toBe('image/svg+xml');
    expect((await app.request('/favicon.ico')).headers.get('location')).toBe('/favicon.svg');
    const page = await (await app.request('/')).text();
    expect(page).toContain('href="/privacy"');
    expect(page).toMatch(/href="https:\/\/beian\.miit\.gov\.cn\/"[^>]*>湘ICP备12345678号-1</);
    const bare = createHttpApp({ pipeline: services.pipeline, log: createLogger('silent'), clock: () => now, readiness: {} });
    expect(await (await bare.request('/')).text()).not.toContain('beian.miit.gov.cn');
  });
});
