import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fitKf, renderKf, type KfOut } from '../../bots/wecom/wecom-render.js';
import { startHarness, type Harness } from './wecom-harness.js';

let h: Harness;
/** The KF channel after the restart in the second test. */
let live: ReturnType<Harness['newKf']> | undefined;
beforeAll(async () => {
  h = await startHarness({ pageSize: 2 });
});
afterAll(async () => {
  await live?.stop();
  await h?.stop();
});

let n = 0;
const customer = () => `wmCustomer${++n}`;
const settle = () => new Promise((r) => setTimeout(r, 500));
const visible = (m: Record<string, unknown>) => (m.msgtype === 'text' ? (m.text as { content: string }).content : (m.msgmenu as { head_content: string }).head_content);

async function until(pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * A new process (the old one stopped after the first page of five messages): it reads on from the
 * stored cursor at start-up, records the other three, and answers all five; the count each got.
 */
async function readOnAfterRestart(people: string[], before: number): Promise<number[]> {
  const stored = await h.kfStore.cursor(h.fake.openKfId);
  const calls = h.fake.callsTo('kf/sync_msg').length;
  live = h.newKf();
  await live.start();
  expect(h.fake.callsTo('kf/sync_msg')[calls]!.body.cursor).toBe(stored);
  expect(await h.recorded('wechat')).toBe(before + 5);
  // Rows the stopped process held wait out its 10 s inbox lease before this one takes them: wait well past it.
  await until(() => people.every((p) => h.fake.kfMessages(p).length > 0), 30_000);
  await settle();
  return people.map((p) => h.fake.kfMessages(p).length);
}

describe('微信客服', () => {
  it('pulls on the notice and answers with kf/send_msg; a menu click comes back as its action', async () => {
    const ext = customer();
    h.fake.customerSays(ext, { text: '湖北 锂电池 专利' });
    expect((await h.kfNotify()).status).toBe(200);
    await until(() => h.fake.kfMessages(ext).length > 0);
    await settle();
    expect(h.fake.kfMessages(ext).length).toBeLessThanOrEqual(5);
    const menu = h.fake.kfMessages(ext).find((m) => m.msgtype === 'msgmenu');
    expect(menu).toBeDefined();
    const detail = (menu!.msgmenu as { list: { click: { id: string } }[] }).list.find((i) => i.click.id.startsWith('d:'))!.click.id;
    const before = h.fake.kfMessages(ext).length;
    h.fake.customerSays(ext, { text: '1. 详情', menuId: detail });
    await h.kfNotify();
    await until(() => h.fake.kfMessages(ext).length > before);
    await settle();
    const answer = h.fake.kfMessages(ext).slice(before).map(visible).join('\n');
    expect(answer).toContain(detail.slice(2));
    expect(answer).toMatch(/申请人|Applicant/);
  });

  it('neither loses nor repeats messages when it stops in the middle of the pages', async () => {
    const people = [customer(), customer(), customer(), customer(), customer()];
    const before = await h.recorded('wechat');
    for (const p of people) h.fake.customerSays(p, { text: '/help' });
    // The first page (2 messages) is read and committed; the next pull fails and the process stops there.
    h.fake.failNext('kf/sync_msg', { status: 502 }, { skip: 1 });
    await h.kf.notify('tok');
    expect(await h.recorded('wechat')).toBe(before + 2);
    await h.kf.stop();
    const each = await readOnAfterRestart(people, before);
    expect(new Set(each).size).toBe(1); // the same /help answer, once each
    expect(each[0]).toBeLessThanOrEqual(5);
  });

  it('stopped between two sync_msg pages, a new process reads on from the stored cursor: each message answered once', async () => {
    const people = [customer(), customer(), customer(), customer(), customer()];
    const before = await h.recorded('wechat');
    for (const p of people) h.fake.customerSays(p, { text: '/help' });
    const running = live!;
    const pulling = running.notify('tok');
    // SIGTERM while the first page (2 of 5) is being read: that page is committed, the next is not asked for.
    const stopped = running.stop();
    await pulling;
    await stopped;
    expect(await h.recorded('wechat')).toBe(before + 2);
    const each = await readOnAfterRestart(people, before);
    expect(new Set(each).size).toBe(1);
  });

  it('pulls again by itself after kf/sync_msg fails, and answers once when kf/send_msg fails', async () => {
    await live!.stop();
    live = h.newKf({ retryDelayMs: () => 20 });
    await live.start();
    const ext = customer();
    h.fake.customerSays(ext, { text: '/help' });
    // WeCom down for two pulls: no further notice comes, the channel tries again on its own.
    h.fake.failNext('kf/sync_msg', { status: 503 }, { times: 2 });
    h.fake.failNext('kf/send_msg', { errcode: -1, errmsg: 'system busy' });
    const failedPulls = h.fake.callsTo('kf/sync_msg').filter((c) => c.errcode !== 0).length;
    await live.notify('tok');
    await until(() => h.fake.kfMessages(ext).length > 0, 15_000);
    await settle();
    expect(h.fake.callsTo('kf/sync_msg').filter((c) => c.errcode !== 0).length - failedPulls).toBe(2);
    const attempts = h.fake.callsTo('kf/send_msg').filter((c) => c.body.touser === ext);
    expect(attempts[0]!.errcode).toBe(-1);
    // The refused message was sent again, and nothing twice.
    const delivered = h.fake.kfMessages(ext).map((m) => JSON.stringify(m));
    expect(new Set(delivered).size).toBe(delivered.length);
    expect(attempts.length).toBe(delivered.length + 1);
  });

  it('sends at most 5 messages per customer message, within 48 hours, and says so', async () => {
    const ext = customer();
    h.fake.customerSays(ext, { text: '/help' });
    await (live ?? h.kf).notify('tok');
    await until(() => h.fake.kfMessages(ext).length > 0);
    await settle();
    let pushes = 0;
    while ((await h.kf.push(ext, `notice ${pushes}`)) && pushes < 10) pushes++;
    expect(h.fake.kfMessages(ext)).toHaveLength(5);
    expect(h.fake.callsTo('kf/send_msg').filter((c) => c.body.touser === ext && c.errcode !== 0)).toHaveLength(0);
    expect(visible(h.fake.kfMessages(ext)[4]!)).toMatch(/回复任意内容可继续|Reply with anything/);
    // A new message opens a new window; 48 hours later it is closed again and nothing is tried.
    h.fake.customerSays(ext, { text: 'hi' });
    await (live ?? h.kf).notify('tok');
    await until(() => h.fake.kfMessages(ext).length > 5);
    h.clock.now += 48 * 3600_000 + 1000;
    const tried = h.fake.callsTo('kf/send_msg').length;
    expect(await h.kf.push(ext, 'too late')).toBe(false);
    expect(h.fake.callsTo('kf/send_msg').length).toBe(tried);
  });

  it('forget_me removes the customer window and the text they wrote; the confirmation still arrives', async () => {
    const ext = customer();
    const say = async (text: string, menuId?: string) => {
      const from = h.fake.kfMessages(ext).length;
      h.fake.customerSays(ext, { text, ...(menuId ? { menuId } : {}) });
      await (live ?? h.kf).notify('tok');
      await until(() => h.fake.kfMessages(ext).length > from);
      await settle();
      return h.fake.kfMessages(ext).slice(from);
    };
    await say('我的电话是 13912345678，想找电池专利');
    const ask = await say('/forget');
    const confirm = ask.flatMap((m) => (m.msgtype === 'msgmenu' ? (m.msgmenu as { list: { click: { id: string; content: string } }[] }).list : [])).find((i) => i.click.id === 'fy');
    expect(confirm, JSON.stringify(ask)).toBeDefined();
    expect(await h.kfStore.window(ext, new Date(h.clock.now))).toBeDefined();
    const done = await say(confirm!.click.content, confirm!.click.id);
    expect(done.map(visible).join('\n')).toContain('您的个人数据已删除');
    expect(await h.kfStore.window(ext, new Date(h.clock.now))).toBeUndefined();
    const kept = await h.env.services.database.rows<{ n: number }>(sql`select count(*)::int as n from inbound_updates where payload::text like '%13912345678%' or chat_id = ${ext} and status = 'done' and payload::text like '%forget%'`);
    expect(kept[0]!.n).toBe(0);
    // The 48-hour window is gone with them: nothing is pushed until they write again.
    expect(await h.kf.push(ext, 'after forgetting')).toBe(false);
  });

  it('merges and shortens a long answer to the messages left', () => {
    const outs = renderKf(Array.from({ length: 8 }, (_, i) => ({ text: `段落 ${i} `.repeat(200) })));
    expect(outs.length).toBeGreaterThan(5);
    const fitted = fitKf(outs, 3, 'zh');
    expect(fitted).toHaveLength(3);
    for (const o of fitted) expect(Buffer.byteLength(visible(o as unknown as Record<string, unknown>))).toBeLessThanOrEqual(2048);
    expect(visible(fitted[2] as unknown as Record<string, unknown>)).toContain('已截短');
    const withMenu: KfOut[] = [...outs, { msgtype: 'msgmenu', msgmenu: { head_content: 'pick', list: [{ type: 'click', click: { id: 'h', content: '帮助' } }] } }];
    expect(fitKf(withMenu, 2, 'en').map((o) => o.msgtype)).toEqual(['text', 'msgmenu']);
    expect(fitKf(outs, 0, 'zh')).toEqual([]);
  });
});
