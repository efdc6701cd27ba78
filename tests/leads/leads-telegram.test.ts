/**
 * Trade leads end to end on Telegram: real telegraf against the loopback Bot API, real pipeline,
 * PGlite and Meilisearch with the demo content. Staff join by invite and bind a group as their
 * agency's inbox; an author's lead arrives there with Claim / Pass; claims, passes, deadlines and
 * status changes are decided once and shown in place.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { callbackUpdate, startFakeTelegram, textUpdate, type FakeCall, type FakeTelegram } from '../support/fake-telegram.js';

let services: Services;
let dir: string;
let fake: FakeTelegram;
let ch: TelegramChannel;
// A Monday morning in China: deadlines are counted in working hours from here.
let now = new Date('2026-11-23T02:00:00Z');
const log = createLogger('silent');
const GROUP_A = -1001111; // xiangjiang-ip-trading (Hunan, Hubei; trading)
const GROUP_B = -1002222; // jingchu-tech-transfer (Hubei; trading)
let hunanPatent: string;

const sent = (chatId: number) => fake.callsTo('sendMessage').filter((c) => !c.failed && String(c.params.chat_id) === String(chatId));
const text = (c: FakeCall | undefined) => String(c?.params.text ?? '');
const keyboard = (c: FakeCall | undefined) => ((c?.params.reply_markup as { inline_keyboard?: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? []).flat();
const messageId = (c: FakeCall) => (c.result as { message_id: number }).message_id;

async function until<T>(f: () => T | undefined | false | Promise<T | undefined | false>, what: string, ms = 8000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sends a text (or a button press) and waits for the next message the bot sends to that chat. */
async function say(userId: number, body: { text?: string; data?: string; messageId?: number }, chatId = userId, chatType: 'private' | 'group' = 'private'): Promise<FakeCall> {
  const before = sent(chatId).length;
  fake.pushUpdate(body.data ? callbackUpdate({ data: body.data, userId, chatId, chatType, ...(body.messageId ? { messageId: body.messageId } : {}) }) : textUpdate({ text: body.text!, userId, chatId, chatType }));
  return until(() => sent(chatId)[before], `a reply in chat ${chatId}`);
}

async function join(userId: number, agency: string, group: number): Promise<void> {
  const { code } = await services.staff.createInvite('staff', agency);
  expect(text(await say(userId, { text: `/join ${code}` }))).toMatch(/欢迎！您已成为“.*（示例）”的工作人员/);
  expect(text(await say(userId, { text: '/inbox' }, group, 'group'))).toMatch(/已设为“.*”的线索收件箱/);
}

/** The author's dialogue from the first message to the reference number. */
async function submit(userId: number, first: string, answers: (string | { data: string })[]): Promise<string> {
  let reply = await say(userId, { text: first });
  for (const a of answers) reply = await say(userId, typeof a === 'string' ? { text: a } : a);
  const ref = /编号 (L-[2-9A-Z]{6})/.exec(text(reply))?.[1];
  expect(ref, text(reply)).toBeDefined();
  return ref!;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-leads-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent', LEAD_DAILY_LIMIT: '5' });
  services = await createServices(config, log, { loadDemo: true, clock: () => now });
  fake = await startFakeTelegram();
  ch = new TelegramChannel({ token: fake.token, apiRoot: fake.url, pipeline: services.pipeline, inbox: new InboxStore(services.database), users: services.users, log, pollTimeoutSeconds: 1, sender: { perChatIntervalMs: 0 } });
  await ch.start();
  services.notifier.register('telegram', (id, t) => ch.push(id, t));
  services.leads.registerOutlet('telegram', ch.outlet);
  services.leads.start();
  [{ id: hunanPatent }] = await services.database.rows<{ id: string }>(sql`select id from patents where province = 'Hunan' order by id limit 1`) as [{ id: string }];
});
afterAll(async () => {
  await services?.leads.stop();
  await ch?.stop();
  await fake?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('trade leads through Telegram', () => {
  it('invite codes are one-time; a wrong code changes nothing', async () => {
    const { code } = await services.staff.createInvite('staff', 'xiangjiang-ip-trading');
    expect(text(await say(9100, { text: '/join WRONG-CODE1' }))).toMatch(/邀请码无效/);
    expect(text(await say(9100, { text: `/join ${code}` }))).toMatch(/欢迎/);
    expect(text(await say(9101, { text: `/join ${code}` }))).toMatch(/邀请码无效/);
    expect(text(await say(9102, { text: '/inbox' }, -1009999, 'group'))).toMatch(/只有服务机构工作人员/);
    expect((await services.staff.inboxes()).some((i) => i.chatId === '-1009999')).toBe(false);
  });

  it('captures a lead in Chinese, sends the notice to the agency group, and a claim tells the author who will call', async () => {
    await join(9001, 'xiangjiang-ip-trading', GROUP_A);
    const before = sent(GROUP_A).length;
    const ref = await submit(701, `我想购买专利${hunanPatent}`, ['138-0013-8000', { data: 'lk' }, { data: 'ly' }, '确认']);
    const notice = await until(() => sent(GROUP_A)[before], 'the lead notice');
    expect(text(notice)).toContain(`新线索 ${ref} · 购买专利`);
    expect(text(notice)).toContain(hunanPatent);
    expect(text(notice)).toContain('13800138000');
    expect(text(notice)).toMatch(/请在 2026-11-23 14:00（北京时间）前认领/);
    expect(keyboard(notice).map((b) => b.text)).toEqual(['认领', '转给其他机构', '专利详情']);
    // The notice is sent before its offer is marked notified (the send is the fact, the mark follows it).
    const lead = await until(async () => {
      const l = await services.leads.store.byRef(ref);
      return l?.status === 'notified' && l;
    }, 'the lead marked notified');
    expect(lead.province).toBe('Hunan');

    const authorBefore = sent(701).length;
    fake.pushUpdate(callbackUpdate({ data: keyboard(notice)[0]!.callback_data, userId: 9001, chatId: GROUP_A, chatType: 'group', messageId: messageId(notice) }));
    const edit = (await fake.waitFor('editMessageText', 1))[0]!;
    expect(Number(edit.params.message_id)).toBe(messageId(notice));
    expect(text(edit)).toMatch(/✔ 已由 Test User 认领/);
    expect(keyboard(edit).map((b) => b.text)).toEqual(['已联系', '已成交', '未成交', '专利详情']);
    const told = await until(() => sent(701)[authorBefore], 'the author notice');
    expect(text(told)).toContain(`您的需求 ${ref} 已由“湘江知识产权交易服务中心（示例）”接手`);
    expect((await services.leads.store.byRef(ref))!.status).toBe('claimed');
  });

  it('refusing consent sends and keeps nothing', async () => {
    const leads = async () => (await services.database.rows<{ n: number }>(sql`select count(*)::int as n from leads`))[0]!.n;
    const n = await leads();
    await say(702, { text: '求购污水处理技术' });
    await say(702, { data: 'lv:Hunan' });
    await say(702, { text: '12345' });
    expect(text(sent(702).at(-1))).toMatch(/没有识别出手机号或邮箱/);
    await say(702, { text: '13900139000' });
    await say(702, { text: '跳过' });
    expect(text(await say(702, { data: 'ln' }))).toMatch(/未发送任何内容，您的联系方式也没有保存/);
    expect(await leads()).toBe(n);
    const state = await services.database.rows<{ s: string }>(sql`select c.state::text as s from conversations c join users u on u.id = c.user_id where u.platform_user_id = '702'`);
    expect(state[0]?.s ?? '').not.toContain('13900139000');
  });

  it('two staff pressing Claim at once: exactly one claim', async () => {
    const { code } = await services.staff.createInvite('staff', 'xiangjiang-ip-trading');
    await say(9002, { text: `/join ${code}` });
    const before = sent(GROUP_A).length;
    const ref = await submit(703, `我想购买专利${hunanPatent}`, ['13700137000', '跳过', '同意', '确认']);
    const notice = await until(() => sent(GROUP_A)[before], 'the lead notice');
    const data = keyboard(notice)[0]!.callback_data;
    const edits = fake.callsTo('editMessageText').length;
    fake.pushUpdate(callbackUpdate({ data, userId: 9001, chatId: GROUP_A, chatType: 'group', messageId: messageId(notice) }));
    fake.pushUpdate(callbackUpdate({ data, userId: 9002, chatId: GROUP_A, chatType: 'group', messageId: messageId(notice) }));
    const loser = await until(() => sent(GROUP_A).slice(before + 1).find((c) => /已由 .* 认领/.test(text(c))), 'the loser reply');
    expect(text(loser)).toMatch(/这条线索已由 Test User 认领/);
    const lead = (await services.leads.store.byRef(ref))!;
    const claims = (await services.leads.store.events(lead.id)).filter((e) => e.action === 'claimed');
    expect(claims).toHaveLength(1);
    expect(fake.callsTo('editMessageText').length).toBe(edits + 1);
  });

  it('pass moves the lead to the next agency; an unclaimed offer expires after the working-hours deadline', async () => {
    await join(9003, 'jingchu-tech-transfer', GROUP_B);
    const a = sent(GROUP_A).length;
    const b = sent(GROUP_B).length;
    // Round-robin: Hunan leads go to the Hunan agency first whatever the turn.
    const ref = await submit(704, `我想购买专利${hunanPatent}`, ['13600136000', '跳过', '同意', '确认']);
    const first = await until(() => sent(GROUP_A)[a], 'the first notice');
    fake.pushUpdate(callbackUpdate({ data: keyboard(first)[1]!.callback_data, userId: 9001, chatId: GROUP_A, chatType: 'group', messageId: messageId(first) }));
    const second = await until(() => sent(GROUP_B)[b], 'the notice at the next agency');
    expect(text(second)).toContain(ref);
    const passedEdit = await until(() => fake.callsTo('editMessageText').find((c) => Number(c.params.message_id) === messageId(first)), 'the passed edit');
    expect(text(passedEdit)).toMatch(/已转给其他机构/);
    expect(keyboard(passedEdit)).toEqual([]);

    // Nobody claims at jingchu; five working hours later the sweep moves it on — to the coordinator when bound.
    await services.staff.bindInbox('coordinator', 'telegram', '-1003333', null);
    now = new Date(now.getTime() + 26 * 3600_000);
    await services.leads.sweep(); // the background loop may get there first; either way it happens once
    services.leads.kick();
    const coord = await until(() => sent(-1003333).find((c) => text(c).includes(ref)), 'the coordinator notice');
    expect(text(coord)).toMatch(/请协调员处理/);
    expect(keyboard(coord).map((b) => b.text)).toEqual(['认领', '专利详情']);
    const lead = (await services.leads.store.byRef(ref))!;
    // The notice leaves before it is marked sent (LeadService.deliver): wait for the mark, not the message.
    let offers = await services.leads.store.offersOf(lead.id);
    for (const end = Date.now() + 8000; offers.some((o) => o.status === 'pending') && Date.now() < end; offers = await services.leads.store.offersOf(lead.id)) await new Promise((r) => setTimeout(r, 20));
    expect(offers.map((o) => [o.agencySlug, o.status])).toEqual([
      ['xiangjiang-ip-trading', 'passed'],
      ['jingchu-tech-transfer', 'expired'],
      ['coordinator', 'sent'],
    ]);
  });

  it('status by command and buttons, every change audited; wrong agency and wrong transitions refused', async () => {
    const lead = (await services.leads.store.list({ status: 'claimed' })).at(-1)!;
    expect(text(await say(9003, { text: `/lead ${lead.ref} won` }, GROUP_B, 'group'))).toMatch(/没有找到由您的机构认领的这条线索/);
    expect(text(await say(9001, { text: `/lead ${lead.ref.toLowerCase()} contacted` }, GROUP_A, 'group'))).toMatch(/状态已更新为：已联系/);
    expect(text(await say(9001, { text: `/lead ${lead.ref} won` }, GROUP_A, 'group'))).toMatch(/状态已更新为：已成交/);
    expect(text(await say(9001, { text: `/lead ${lead.ref} contacted` }, GROUP_A, 'group'))).toMatch(/不能从“已成交”改为“已联系”/);
    const events = await services.leads.store.events(lead.id);
    expect(events.map((e) => `${e.action}:${e.fromStatus}->${e.toStatus}`)).toEqual([
      'created:null->new',
      'offered:new->new',
      'notified:new->notified',
      'claimed:notified->claimed',
      'status:claimed->contacted',
      'status:contacted->won',
    ]);
    expect(events.filter((e) => e.action === 'status').every((e) => /^staff:\d+$/.test(e.actor))).toBe(true);

    // The status buttons on the claimed notice do the same, and the notice shows the new status in place.
    const other = (await services.leads.store.list({ status: 'claimed' }))[0]!;
    const offer = (await services.leads.store.offersOf(other.id)).find((o) => o.status === 'claimed')!;
    const edits = fake.callsTo('editMessageText').length;
    fake.pushUpdate(callbackUpdate({ data: `ls:${other.id}.c`, userId: 9001, chatId: GROUP_A, chatType: 'group', messageId: Number(offer.messageId) }));
    const edit = (await fake.waitFor('editMessageText', edits + 1))[edits]!;
    expect(text(edit)).toMatch(/状态：已联系/);
    expect(keyboard(edit).map((b) => b.text)).toEqual(['已成交', '未成交', '专利详情']);
    expect((await services.leads.store.byId(other.id))!.status).toBe('contacted');
    // Someone from another agency pressing it changes nothing.
    fake.pushUpdate(callbackUpdate({ data: `ls:${other.id}.w`, userId: 9003, chatId: GROUP_A, chatType: 'group', messageId: Number(offer.messageId) }));
    await until(() => sent(GROUP_A).find((c) => /没有找到由您的机构认领的这条线索/.test(text(c))), 'the refusal');
    expect((await services.leads.store.byId(other.id))!.status).toBe('contacted');
  });
});
