/**
 * Leads with a Slack agency channel and authors in the web chat: capture in English, every
 * validation, the daily limit, the notice in Slack with Claim / Pass, the claim edited in place
 * with chat.update, and delivery failures: a Slack outage retried until it is back, retries
 * exhausted → dead letter (visible, retryable), and an inbox the bot was removed from → the lead
 * moves on to the next agency at once.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChannel } from '../../bots/slack/slack-channel.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { blockActionBody, signedSlackRequest, slashCommandBody, startFakeSlack, type FakeSlack, type SlackCall } from '../support/fake-slack.js';
import { sessionHeader } from '../support/web-session.js';

const SECRET = 'slack-signing-secret-for-tests';
let services: Services;
let dir: string;
let fake: FakeSlack;
let slack: SlackChannel;
let app: ReturnType<typeof createHttpApp>;
let now = new Date('2026-11-23T02:00:00Z');
const log = createLogger('silent');

type R = { text: string; buttons?: { label: string; action: string }[][] };
async function say(sessionId: string, body: { text?: string; action?: string }): Promise<R> {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader(sessionId) }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: R[] }).replies.at(-1)!;
}
/** One delivery pass after any pass the last submit started has finished. */
const deliver = async () => {
  await services.leads.idle();
  await services.leads.deliverDue();
};
const slackReq = (body: string) => app.request(signedSlackRequest('http://localhost/slack/events', body, SECRET));
const posts = (channel: string) => fake.callsTo('chat.postMessage').filter((c) => c.params.channel === channel && !c.failed);
const buttons = (c: SlackCall) =>
  (c.params.blocks as { type: string; elements?: { value: string; text: { text: string } }[] }[]).filter((b) => b.type === 'actions').flatMap((b) => b.elements!.map((e) => ({ label: e.text.text, value: e.value })));

async function staffChannel(user: string, agency: string, channel: string) {
  const { code } = await services.staff.createInvite('staff', agency);
  await slackReq(slashCommandBody({ text: `join ${code}`, userId: user, channelId: `D${user}` }));
  await slackReq(slashCommandBody({ text: 'inbox', userId: user, channelId: channel }));
  await expect.poll(async () => (await services.staff.inboxes()).find((i) => i.agencySlug === agency)?.chatId, { timeout: 10_000 }).toBe(channel);
}

async function englishLead(session: string, email = 'alice@example.com'): Promise<string> {
  expect((await say(session, { text: 'We want to license a drone patent' })).text).toMatch(/Which province is this about/);
  expect((await say(session, { text: 'Hubei' })).text).toMatch(/How can the agency reach you/);
  expect((await say(session, { text: email })).text).toMatch(/Anything to add/);
  expect((await say(session, { text: 'budget around 500k' })).text).toMatch(/Do you agree/);
  const summary = await say(session, { text: 'yes' });
  expect(summary.text).toMatch(/Type: License a patent[\s\S]*Province: Hubei[\s\S]*Contact: [\s\S]*Note: budget around 500k/);
  expect(summary.text).toContain(`Contact: ${email}`);
  const done = await say(session, { action: 'ly' });
  const ref = /reference is (L-[2-9A-Z]{6})/.exec(done.text)?.[1];
  expect(ref, done.text).toBeDefined();
  return ref!;
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-leads-slack-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent', LEAD_NOTICE_ATTEMPTS: '3' });
  services = await createServices(config, log, { loadDemo: true, clock: () => now });
  fake = await startFakeSlack();
  slack = new SlackChannel({ token: fake.botToken, signingSecret: SECRET, apiUrl: `${fake.url}/api/`, pipeline: services.pipeline, inbox: new InboxStore(services.database), log, sender: { perChannelIntervalMs: 0 } });
  await slack.start();
  services.leads.registerOutlet('slack', slack.outlet);
  app = createHttpApp({ pipeline: services.pipeline, log, clock: () => now, readiness: {}, slackEvents: (r) => slack.handleRequest(r) });
});
afterAll(async () => {
  await slack?.stop();
  await fake?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('leads with a Slack agency channel', () => {
  it('captures in English, notifies the Slack channel, and a claim updates the notice in place', async () => {
    await staffChannel('U500', 'jingchu-tech-transfer', 'C500');
    const ref = await englishLead('web-en-1');
    await deliver();
    const [notice] = posts('C500');
    expect(String(notice!.params.text)).toContain(ref);
    expect(String(notice!.params.text)).toContain('alice@example.com');
    expect(buttons(notice!).map((b) => b.label)).toEqual(['认领', '转给其他机构']);
    // Someone who is not staff of this agency presses Claim: refused, nothing changes.
    await slackReq(blockActionBody({ actionId: 'a1', value: buttons(notice!)[0]!.value, userId: 'U999', channelId: 'C500', messageTs: String((notice!.response as { ts: string }).ts) }));
    await expect.poll(() => posts('C500').length, { timeout: 10_000 }).toBe(2);
    expect(String(posts('C500')[1]!.params.text)).toMatch(/只有“荆楚技术转移服务社（示例）”的工作人员/);
    expect((await services.leads.store.byRef(ref))!.status).toBe('notified');

    await slackReq(blockActionBody({ actionId: 'a2', value: buttons(notice!)[0]!.value, userId: 'U500', channelId: 'C500', messageTs: String((notice!.response as { ts: string }).ts) }));
    await expect.poll(() => fake.callsTo('chat.update').length, { timeout: 10_000 }).toBe(1);
    const update = fake.callsTo('chat.update')[0]!;
    expect(update.failed).toBeFalsy();
    expect(update.params.ts).toBe((notice!.response as { ts: string }).ts);
    expect(String(update.params.text)).toMatch(/✔ 已由 user_u500 认领/);
    expect((await services.leads.store.byRef(ref))!.status).toBe('claimed');
    // The web author has no push channel: the news comes with their next reply.
    const replies = async () => ((await (await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader('web-en-1') }, body: JSON.stringify({ text: 'hello' }) })).json()) as { replies: R[] }).replies;
    expect((await replies())[0]!.text).toBe(`Your request ${ref} has been taken on by Jingchu Technology Transfer Service (sample); they will contact you soon.`);
    expect(JSON.stringify(await replies())).not.toContain(ref);
  });

  it('re-asks on every bad answer; cancel leaves without saving', async () => {
    const s = 'web-validate';
    const [patent] = await services.database.rows<{ id: string }>(sql`select id from patents order by id limit 1`);
    expect((await say(s, { text: '你好' })).text).toBeTruthy();
    expect((await say(s, { action: `i:${patent!.id}` })).text).toMatch(/您希望服务机构帮您做什么/);
    expect((await say(s, { text: '随便' })).text).toMatch(/您希望服务机构帮您做什么/);
    expect((await say(s, { text: '我想发布技术需求' })).text).toMatch(/哪个省|怎么联系您/);
    expect((await say(s, { text: '取消' })).text).toMatch(/已取消/);
    expect((await say(s, { text: '我想提交一个交易需求' })).text).toMatch(/请描述您需要的技术/);
    expect((await say(s, { text: '短' })).text).toMatch(/4–500 个字/);
    expect((await say(s, { text: '需要一种低成本的污水脱氮工艺' })).text).toMatch(/哪个省/);
    expect((await say(s, { text: '广东' })).text).toMatch(/请从中部六省中选择/);
    expect((await say(s, { text: '不限' })).text).toMatch(/怎么联系您/);
    expect((await say(s, { text: '010-12345678' })).text).toMatch(/没有识别出手机号或邮箱/);
    expect((await say(s, { text: '+86 139 0000 1111' })).text).toMatch(/还有补充吗/);
    expect((await say(s, { text: '长'.repeat(501) })).text).toMatch(/500 字以内/);
    expect((await say(s, { text: '取消' })).text).toMatch(/已取消，未发送任何内容/);
    expect((await services.leads.store.list()).some((l) => l.phone === '13900001111')).toBe(false);
  });

  it('a Slack outage is retried until it is back; exhausted retries are dead-lettered and can be retried', async () => {
    await staffChannel('U600', 'xiangjiang-ip-trading', 'C600');
    now = new Date(now.getTime() + 60_000); // so the round-robin below has no tie to break
    fake.failNext('chat.postMessage', { error: 'internal_error' }, { times: 2, channel: 'C600' });
    const ref = await englishLead('web-en-2', 'bob@example.com');
    // jingchu (Hubei) was offered the last Hubei lead; round-robin gives this one to xiangjiang.
    await deliver();
    const offer = (await services.leads.store.offersOf((await services.leads.store.byRef(ref))!.id))[0]!;
    expect(offer).toMatchObject({ agencySlug: 'xiangjiang-ip-trading', status: 'pending', attempts: 1 });
    expect(offer.error).toMatch(/internal_error/);
    now = new Date(now.getTime() + 60_000);
    await deliver();
    now = new Date(now.getTime() + 60_000);
    await deliver();
    expect(posts('C600').filter((c) => String(c.params.text).includes(ref))).toHaveLength(1);
    expect((await services.leads.store.offersOf(offer.leadId))[0]).toMatchObject({ status: 'sent', attempts: 3 });

    // Down for longer than the retry budget (3 attempts here): dead-lettered, listed, counted.
    // Round-robin: xiangjiang just had one, so this one goes to jingchu (C500).
    fake.failNext('chat.postMessage', { error: 'internal_error' }, { times: 3, channel: 'C500' });
    const ref2 = await englishLead('web-en-3', 'carol@example.com');
    for (let i = 0; i < 4; i++) {
      await deliver();
      now = new Date(now.getTime() + 10 * 60_000);
    }
    const dead = await services.leads.store.deadLetters();
    const mine = dead.find((d) => d.ref === ref2)!;
    expect(mine).toMatchObject({ status: 'failed', attempts: 3, agencySlug: 'jingchu-tech-transfer' });
    const metrics = await services.metrics.registry.getSingleMetricAsString('patent_bridge_lead_notices_total');
    expect(metrics).toMatch(/patent_bridge_lead_notices_total\{platform="slack",result="dead"\} 1/);
    // Slack is back; the operator retries the dead letter and it arrives once.
    expect(await services.leads.store.retry(mine.id, now)).toBe(true);
    await deliver();
    expect(posts('C500').filter((c) => String(c.params.text).includes(ref2))).toHaveLength(1);
    const events = await services.leads.store.events((await services.leads.store.byRef(ref2))!.id);
    expect(events[0]!.actor).toMatch(/^user:\d+$/);
    expect(events.map((e) => `${e.actor}:${e.action}`)).toEqual([`${events[0]!.actor}:created`, 'system:offered', 'system:notice_failed', 'admin:retried', 'system:notified']);
  });

  it('an inbox the bot was removed from: the lead moves on to the next agency at once', async () => {
    await staffChannel('U700', 'jingchu-tech-transfer', 'C700');
    fake.failNext('chat.postMessage', { error: 'channel_not_found' }, { times: 1, channel: 'C600' });
    fake.failNext('chat.postMessage', { error: 'channel_not_found' }, { times: 1, channel: 'C700' });
    await services.staff.bindInbox('coordinator', 'slack', 'C800', null);
    const ref = await englishLead('web-en-4', 'dave@example.com');
    for (let i = 0; i < 4; i++) await deliver();
    const offers = await services.leads.store.offersOf((await services.leads.store.byRef(ref))!.id);
    expect(offers.map((o) => o.status)).toEqual(['failed', 'failed', 'sent']);
    expect(offers.at(-1)!.agencySlug).toBe('coordinator');
    expect(posts('C800').filter((c) => String(c.params.text).includes(ref))).toHaveLength(1);
  });
  it('a search that found nothing and an unanswered policy question both lead into a request', async () => {
    const s = 'web-entry-points';
    const none = await say(s, { text: '搜索饕餮貔貅专利' });
    expect(none.buttons!.flat().map((b) => b.action)).toContain('ld');
    expect((await say(s, { action: 'ld' })).text).toMatch(/哪个省/);
    expect((await say(s, { text: '取消' })).text).toMatch(/已取消/);
    const policy = await say(s, { text: '湖南有没有专利保险补贴政策' });
    expect(policy.buttons!.flat().map((b) => b.action)).toContain('lq');
    expect((await say(s, { action: 'lq' })).text).toMatch(/哪个省/);
    await say(s, { action: 'lv:Hunan' });
    await say(s, { text: 'expo@example.com' });
    await say(s, { action: 'lk' });
    await say(s, { action: 'ly' });
    const summary = await say(s, { text: '看一下' });
    expect(summary.text).toMatch(/请点“确认发送”或“取消”/);
    const ref = /编号 (L-[2-9A-Z]{6})/.exec((await say(s, { action: 'ly' })).text)![1]!;
    const lead = (await services.leads.store.byRef(ref))!;
    expect(lead).toMatchObject({ type: 'consult', province: 'Hunan', need: '湖南有没有专利保险补贴政策', email: 'expo@example.com' });

    // forget_me keeps the lead for the agency's records, without the person's details.
    await say(s, { text: '删除我的信息' });
    await say(s, { action: 'fy' });
    expect(await services.leads.store.byRef(ref)).toMatchObject({ userId: null, email: null, phone: null, need: null, notes: null, type: 'consult' });
  });

  // Last: it moves the clock a day on, which expires every open offer above.
  it('limits open leads per person per day, with a clear answer', async () => {
    const s = 'web-limit';
    for (let i = 0; i < 3; i++) {
      await say(s, { text: '求购污水处理技术' });
      await say(s, { action: 'lv:any' });
      await say(s, { text: '13800000000' });
      await say(s, { action: 'lk' });
      await say(s, { action: 'ly' });
      expect((await say(s, { action: 'ly' })).text).toMatch(/已发送，编号/);
    }
    expect((await say(s, { text: '求购污水处理技术' })).text).toMatch(/24 小时内最多提交 3 条需求/);
    now = new Date(now.getTime() + 25 * 3600_000);
    expect((await say(s, { text: '求购污水处理技术' })).text).toMatch(/哪个省/);
    await say(s, { text: '取消' });
  });
});
