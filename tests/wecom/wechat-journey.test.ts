/**
 * The whole way through the fake WeCom: a patentee writing to the 微信客服 account searches, reads a
 * policy, registers for the expo and submits a lead; an agency member on the self-built app gets
 * the notice as a template card, claims it by clicking (an encrypted template_card_event), the card
 * is updated in place with the click's response_code, and the author is told through kf/send_msg
 * inside their 48-hour window.
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appText, cardClick } from '../support/fake-wecom.js';
import { startHarness, type Harness } from './wecom-harness.js';

let h: Harness;
// The sample calendar's 2026 edition is open for registration on this day (a Saturday morning in Beijing).
const start = new Date('2026-11-21T02:00:00Z');
beforeAll(async () => {
  h = await startHarness({ start });
  h.env.services.leads.start();
});
afterAll(async () => {
  await h?.env.services.leads.stop();
  await h?.stop();
});

type Seen = { text: string; menu: { id: string; label: string }[] };
const seen = (m: Record<string, unknown>): Seen => {
  if (m.msgtype === 'text') return { text: (m.text as { content: string }).content, menu: [] };
  const menu = m.msgmenu as { head_content: string; tail_content?: string; list: { click: { id: string; content: string } }[] };
  return { text: [menu.head_content, menu.tail_content ?? ''].join('\n'), menu: menu.list.map((i) => ({ id: i.click.id, label: i.click.content })) };
};

async function settled<T>(read: () => T[], from: number, timeoutMs = 15_000): Promise<T[]> {
  const end = Date.now() + timeoutMs;
  while (read().length <= from) {
    if (Date.now() > end) throw new Error('no answer');
    await new Promise((r) => setTimeout(r, 25));
  }
  // An answer may be several messages: wait until no more arrive.
  for (let n = read().length; ; n = read().length) {
    await new Promise((r) => setTimeout(r, 300));
    if (read().length === n) return read().slice(from);
  }
}

const EXT = 'wmPatenteeZhang';
/** The customer writes (text, or a menu tap carrying the item's id); resolves with our answer. */
async function customer(content: { text: string; menuId?: string }): Promise<{ text: string; menu: Seen['menu'] }> {
  const from = h.fake.kfMessages(EXT).length;
  h.fake.customerSays(EXT, content);
  await h.kfNotify();
  const out = (await settled(() => h.fake.kfMessages(EXT), from)).map(seen);
  expect(out.length).toBeLessThanOrEqual(5);
  return { text: out.map((o) => o.text).join('\n'), menu: out.flatMap((o) => o.menu) };
}
const tap = (answer: { menu: Seen['menu'] }, id: string | RegExp) => {
  const item = answer.menu.find((i) => (typeof id === 'string' ? i.id === id : id.test(i.id)));
  expect(item, `menu item ${id} in ${JSON.stringify(answer.menu)}`).toBeDefined();
  return customer({ text: item!.label, menuId: item!.id });
};

const STAFF = 'LiSi';
async function member(text: string, msgId: string): Promise<string> {
  const from = h.fake.appMessages(STAFF).length;
  expect((await h.post(appText(STAFF, text, msgId, h.fake.corpId, Math.floor(h.clock.now / 1000)))).status).toBe(200);
  return (await settled(() => h.fake.appMessages(STAFF), from)).map((m) => (m.msgtype === 'text' ? (m.text as { content: string }).content : JSON.stringify(m.template_card))).join('\n');
}

describe('a patentee on WeChat and agency staff on WeCom', () => {
  it('search, policy, expo registration and a lead, claimed from a template card, the author told', async () => {
    const [{ id: hunanPatent }] = (await h.env.services.database.rows<{ id: string }>(sql`select id from patents where province = 'Hunan' order by id limit 1`)) as [{ id: string }];

    // Staff join the agency by invite code and make their WeCom the agency's lead inbox.
    const { code } = await h.env.services.staff.createInvite('staff', 'xiangjiang-ip-trading');
    expect(await member(`/join ${code}`, '9100001')).toMatch(/欢迎！您已成为“湘江知识产权交易服务中心（示例）”的工作人员/);
    expect(await member('/inbox', '9100002')).toMatch(/已设为“湘江知识产权交易服务中心（示例）”的线索收件箱/);

    // Search: results with a menu of details.
    const found = await customer({ text: '锂电池 专利' });
    expect(found.menu.some((i) => i.id.startsWith('d:')), JSON.stringify(found)).toBe(true);
    const detail = await tap(found, /^d:/);
    expect(detail.text).toMatch(/申请人|专利权人/);

    // A policy, quoted with its source and date.
    const policy = await customer({ text: '长沙的知识产权质押融资政策' });
    expect(policy.text).toMatch(/湖南/);
    expect(policy.text).toMatch(/https?:\/\//);

    // The expo registration dialogue, buttons as menu taps.
    expect((await customer({ text: '我要报名参加博览会' })).text).toMatch(/第 1\/5 步/);
    expect((await customer({ text: '张三' })).text).toMatch(/第 2\/5 步/);
    const role = await customer({ text: '长沙某某新能源有限公司' });
    expect((await tap(role, 'rr:patentee')).text).toMatch(/第 4\/5 步/);
    const consent = await customer({ text: '138 1234 5678' });
    const summary = await tap(consent, 'ry');
    expect(summary.text).toMatch(/张三[\s\S]*长沙某某新能源有限公司[\s\S]*13812345678/);
    expect((await tap(summary, 'ry')).text).toMatch(/报名成功！.*确认码：[2-9A-HJ-NP-Z]{6}/);

    // A lead: buy a Hunan patent.
    expect((await customer({ text: `我想购买专利${hunanPatent}` })).text).toMatch(/手机号或电子邮箱/);
    const more = await customer({ text: '13812345678' });
    const share = await tap(more, 'lk');
    expect(share.text).toMatch(/是否同意/);
    const confirm = await tap(share, 'ly');
    expect(confirm.text).toMatch(new RegExp(`请确认：[\\s\\S]*${hunanPatent}[\\s\\S]*湖南[\\s\\S]*13812345678`));
    const answer = await tap(confirm, 'ly');
    const ref = /编号 (L-[2-9A-Z]{6})/.exec(answer.text)?.[1];
    expect(ref, answer.text).toBeDefined();

    // The notice reaches the member as a template card with Claim / Pass buttons.
    await h.env.services.leads.idle();
    await h.env.services.leads.deliverDue();
    const isNotice = (c: { body: Record<string, unknown> }) => c.body.msgtype === 'template_card' && JSON.stringify(c.body).includes(ref!);
    await expect.poll(() => h.fake.callsTo('message/send').filter(isNotice).length, { timeout: 10_000 }).toBe(1);
    const noticeCall = h.fake.callsTo('message/send').find(isNotice)!;
    expect(noticeCall.body.touser).toBe(STAFF);
    const notice = noticeCall.body.template_card as { task_id: string; main_title: { title: string }; sub_title_text?: string; button_list: { text: string; key: string }[] };
    expect(`${notice.main_title.title}\n${notice.sub_title_text}`).toContain(ref!);
    expect(notice.sub_title_text).toContain('13812345678');
    const claim = notice.button_list.find((b) => b.key.startsWith('lc:'))!;
    expect(claim.text).toBe('认领');
    expect((await h.env.services.leads.store.byRef(ref!))!.status).toBe('notified');

    // The click: an encrypted template_card_event, answered at once; its response_code then updates the card.
    const clickCode = h.fake.issueResponseCode(notice.task_id);
    const authorBefore = h.fake.kfMessages(EXT).length;
    const res = await h.post(cardClick(STAFF, claim.key, notice.task_id, h.fake.corpId, clickCode, Math.floor(h.clock.now / 1000)));
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('<Encrypt>');
    const update = (await h.fake.waitFor('message/update_template_card', 1))[0]!;
    expect(update.errcode).toBe(0);
    expect(update.body.response_code).toBe(clickCode);
    const updated = h.fake.card(notice.task_id)!.updates[0] as { main_title?: { title: string }; sub_title_text?: string; button_list?: { key: string }[] };
    expect(`${updated.main_title?.title}\n${updated.sub_title_text}`).toMatch(/已由 .+ 认领/);
    expect(updated.button_list?.some((b) => b.key === claim.key)).toBe(false);
    expect((await h.env.services.leads.store.byRef(ref!))!.status).toBe('claimed');

    // The author hears it on WeChat, inside the window their last message opened.
    const told = (await settled(() => h.fake.kfMessages(EXT), authorBefore)).map(seen).map((s) => s.text).join('\n');
    expect(told).toContain(`您的需求 ${ref} 已由“湘江知识产权交易服务中心（示例）”接手`);
    expect(h.fake.callsTo('kf/send_msg').filter((c) => c.errcode !== 0)).toHaveLength(0);
  });
});
