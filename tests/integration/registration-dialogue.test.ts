/** The expo registration dialogue through the web API (real pipeline, PGlite, Meilisearch, content). */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { csvCell, exportRegistrationsCsv } from '../../src/services/registration-export.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { sessionHeader, webUser } from '../support/web-session.js';

let services: Services;
let app: ReturnType<typeof createHttpApp>;
let dir: string;
// The sample calendar's 2026 edition is open for registration on this day.
let now = new Date('2026-11-21T08:00:00Z');

type R = { text: string; items?: { title: string; lines: string[]; buttons?: { action: string }[] }[]; buttons?: { label: string; action: string }[][] };
async function say(sessionId: string, body: { text?: string; action?: string }): Promise<R[]> {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader(sessionId) }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: R[] }).replies;
}
const last = (rs: R[]) => rs.at(-1)!;
const count = async (where = sql`true`) => (await services.database.rows<{ n: number }>(sql`select count(*)::int as n from registrations where ${where}`))[0]!.n;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-reg-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), createLogger('silent'), { loadDemo: false, clock: () => now });
  app = createHttpApp({ pipeline: services.pipeline, log: createLogger('silent'), clock: () => now, readiness: {} });
});
afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('expo registration dialogue', () => {
  it('registers in Chinese with buttons, gives a code, and refuses a second registration', async () => {
    const s = 'zh-happy-path-1';
    expect(last(await say(s, { text: '我要报名参加博览会' })).text).toMatch(/第 1\/5 步/);
    expect(last(await say(s, { text: '张三' })).text).toMatch(/第 2\/5 步/);
    const role = last(await say(s, { text: '武汉某某科技有限公司' }));
    expect(role.buttons!.flat().map((b) => b.action)).toContain('rr:buyer');
    expect(last(await say(s, { action: 'rr:buyer' })).text).toMatch(/第 4\/5 步/);
    const consent = last(await say(s, { text: '138 1234 5678' }));
    expect(consent.buttons![0]!.map((b) => b.action)).toEqual(['ry', 'rn']);
    const summary = last(await say(s, { action: 'ry' }));
    expect(summary.text).toMatch(/张三[\s\S]*武汉某某科技有限公司[\s\S]*技术需求方\/买方[\s\S]*13812345678/);
    const done = last(await say(s, { action: 'ry' }));
    expect(done.text).toMatch(/报名成功！.*确认码：[2-9A-HJ-NP-Z]{6}/);
    expect(await count(sql`phone = '13812345678' and status = 'confirmed'`)).toBe(1);
    expect(last(await say(s, { text: '我要报名博览会' })).text).toMatch(/无需重复报名/);
    // The registrations first; the requests the person submitted follow.
    const mine = (await say(s, { text: '我的报名' }))[0]!;
    expect(mine.items![0]!.lines[0]).toBe('已确认');
    expect(mine.items![0]!.buttons![0]!.action).toMatch(/^rc:\d+$/);
  });

  it('registers in English by typing every answer, with an e-mail address', async () => {
    const s = 'en-happy-path-1';
    expect(last(await say(s, { text: 'Register me for the patent expo' })).text).toMatch(/Step 1/);
    await say(s, { text: 'Alice Wang' });
    await say(s, { text: 'Acme Ltd' });
    expect(last(await say(s, { text: 'investor' })).text).toMatch(/Step 4/);
    expect(last(await say(s, { text: 'alice@example.com' })).text).toMatch(/Step 5/);
    expect(last(await say(s, { text: 'yes' })).text).toMatch(/Please confirm:[\s\S]*Investor[\s\S]*alice@example.com/);
    expect(last(await say(s, { text: 'confirm' })).text).toMatch(/You are registered .* Confirmation code: [2-9A-HJ-NP-Z]{6}/);
  });

  it('re-asks with a hint on every bad answer, and stores nothing without consent', async () => {
    const s = 'zh-validation-1';
    await say(s, { text: '报名博览会' });
    expect(last(await say(s, { text: '1' })).text).toMatch(/姓名需为/);
    await say(s, { text: '李四' });
    expect(last(await say(s, { text: 'x' })).text).toMatch(/单位名称需为/);
    await say(s, { text: '个人' });
    expect(last(await say(s, { text: '宇航员' })).text).toMatch(/请点选/);
    await say(s, { text: '观众' });
    expect(last(await say(s, { text: '12345' })).text).toMatch(/没有识别出手机号或邮箱/);
    expect(last(await say(s, { text: 'a@b' })).text).toMatch(/没有识别出/);
    await say(s, { text: '+86 139-0000-1111' });
    expect(last(await say(s, { text: '不同意' })).text).toMatch(/未获同意/);
    expect(await count(sql`phone = '13900001111'`)).toBe(0);
  });

  it('leaves on 取消 / cancel and expires an abandoned dialogue', async () => {
    await say('zh-leave-1', { text: '我要报名参加博览会' });
    expect(last(await say('zh-leave-1', { text: '取消' })).text).toMatch(/已退出报名/);
    await say('en-expire-1', { text: 'sign me up for the expo' });
    now = new Date(now.getTime() + 31 * 60_000);
    // After 30 idle minutes the next message is understood normally, not as a name.
    expect(last(await say('en-expire-1', { text: 'help' })).text).toMatch(/I can:/);
    now = new Date('2026-11-21T08:00:00Z');
  });

  it('answers that registration is closed outside the window', async () => {
    now = new Date('2026-12-06T08:00:00Z');
    try {
      expect(last(await say('zh-closed-1', { text: '我要报名参加博览会' })).text).toMatch(/没有正在报名/);
    } finally {
      now = new Date('2026-11-21T08:00:00Z');
    }
  });

  it('cancels after confirmation and hands a waiting notice to the promoted person with their next reply', async () => {
    const s = 'zh-happy-path-1';
    const mine = (await say(s, { text: '我的报名' }))[0]!;
    const ask = last(await say(s, { action: mine.items![0]!.buttons![0]!.action }));
    expect(ask.buttons![0]![0]!.action).toMatch(/^rk:\d+$/);
    expect(last(await say(s, { action: ask.buttons![0]![0]!.action })).text).toMatch(/已取消/);
    expect((await say(s, { text: '我的报名' }))[0]!.items![0]!.lines[0]).toBe('已取消');
    // A promotion notice waiting for someone arrives ahead of their next reply.
    await say('notice-user-1', { text: '你好' });
    const [u] = await services.database.rows<{ id: number }>(sql`select id from users where platform_user_id = ${webUser('notice-user-1')}`);
    await services.database.rows(sql`insert into notices (user_id, text_zh, text_en) values (${u!.id}, '好消息：您已转正', 'Good news')`);
    const rs = await say('notice-user-1', { text: '帮助' });
    expect(rs[0]!.text).toBe('好消息：您已转正');
    expect((await say('notice-user-1', { text: '帮助' }))[0]!.text).not.toBe('好消息：您已转正');
  });
});

describe('registrations export', () => {
  it('gives organisers a UTF-8 CSV with BOM, quoted cells and neutralised formulas', async () => {
    const { csv, rows } = await exportRegistrationsCsv(services.database.db, 'expo-2026-wuhan');
    expect(rows).toBeGreaterThanOrEqual(2);
    expect(csv.startsWith('\ufeff确认码,状态,候补位次,姓名,单位,身份,电话,邮箱,报名时间,取消时间\r\n')).toBe(true);
    expect(csv).toContain('张三');
    expect(csv).toContain('alice@example.com');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('a,b')).toBe('"a,b"');
  });

  it('serves the CSV on the admin API only with the bearer token', async () => {
    const admin = createHttpApp({
      pipeline: services.pipeline,
      log: createLogger('silent'),
      clock: () => now,
      readiness: {},
      admin: { token: 'admin-token-0123456789', exportCsv: (slug, locale) => (slug === 'expo-2026-wuhan' ? exportRegistrationsCsv(services.database.db, slug, locale) : Promise.resolve(undefined)) },
    });
    const url = '/admin/api/expos/expo-2026-wuhan/registrations.csv';
    expect((await admin.request(url)).status).toBe(401);
    expect((await admin.request(url, { headers: { authorization: 'Bearer wrong' } })).status).toBe(401);
    const ok = await admin.request(url, { headers: { authorization: 'Bearer admin-token-0123456789' } });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('content-type')).toMatch(/text\/csv; charset=utf-8/);
    expect(await ok.text()).toContain('张三');
    const en = await admin.request(`${url}?lang=en`, { headers: { authorization: 'Bearer admin-token-0123456789' } });
    expect((await en.text()).replace(/^\ufeff/, '').startsWith('Code,Status,Waitlist position,')).toBe(true);
    expect((await admin.request(`${url}?lang=fr`, { headers: { authorization: 'Bearer admin-token-0123456789' } })).status).toBe(400);
    expect((await admin.request('/admin/api/expos/nope-nope/registrations.csv', { headers: { authorization: 'Bearer admin-token-0123456789' } })).status).toBe(404);
  });
});

describe('the language of a dialogue', () => {
  it('stays Chinese when a Chinese speaker gives an e-mail address as contact', async () => {
    const s = 'lang-zh-email-1';
    await say(s, { text: '我要报名参加博览会' });
    await say(s, { text: '王五' });
    await say(s, { text: '长沙某某科技有限公司' });
    await say(s, { action: 'rr:buyer' });
    expect(last(await say(s, { text: 'wang.wu@example.com' })).text).toMatch(/^第 5\/5 步/);
    expect(last(await say(s, { action: 'ry' })).text).toMatch(/请确认/);
    expect(last(await say(s, { text: 'CN218751475U' })).text).toMatch(/[\u4e00-\u9fff]/);
    expect(last(await say(s, { text: 'https://example.com/a OK' })).text).toMatch(/[\u4e00-\u9fff]/);
  });

  it('stays English when an English speaker names a province in Chinese', async () => {
    const s = 'lang-en-province-1';
    expect(last(await say(s, { text: 'I want to buy a patent for lithium battery separators' })).text).toMatch(/province/i);
    expect(last(await say(s, { text: '湖南' })).text).toMatch(/^How can the agency reach you/);
  });

  it('switches on a whole message in the other language, or when asked', async () => {
    const s = 'lang-switch-1';
    expect(last(await say(s, { text: '你好' })).text).toMatch(/[\u4e00-\u9fff]/);
    expect(last(await say(s, { text: 'When is the next patent expo?' })).text).not.toMatch(/[\u4e00-\u9fff]{4}/);
    expect(last(await say(s, { text: '中文' })).text).toBe('好的，之后我用中文回复。');
  });
});
