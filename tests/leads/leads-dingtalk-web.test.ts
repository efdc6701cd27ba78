/**
 * Leads with a DingTalk group as the agency inbox and an author in the web chat: staff join in a
 * private chat with their invite code, `/inbox` in the group binds it, the notice arrives there as
 * a robot interactive card with Claim / Pass request buttons (text-back buttons would post a message
 * that does not @ the robot, which DingTalk never delivers from a group), a tap from someone else
 * (a card callback over the Stream connection) is refused, the staff member's tap claims it, the card
 * is updated in place naming them, and the author hears about it. Then a broadcast reaching DingTalk users by private message. Real dingtalk-stream
 * against the loopback fake, real services.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DingTalkChannel } from '../../bots/dingtalk/dingtalk-channel.js';
import { markdownToPlain } from '../../bots/dingtalk/dingtalk-render.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { startFakeDingTalk, type DingTalkSent, type FakeDingTalk } from '../support/fake-dingtalk.js';
import { sessionHeader } from '../support/web-session.js';

let services: Services;
let dir: string;
let fake: FakeDingTalk;
let dingtalk: DingTalkChannel;
let app: ReturnType<typeof createHttpApp>;
const now = new Date('2026-11-23T02:00:00Z');
const log = createLogger('silent');
const GROUP = 'cidAgencyInbox500';

type R = { text: string };
async function say(sessionId: string, body: { text?: string; action?: string }): Promise<R> {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader(sessionId) }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: R[] }).replies.at(-1)!;
}
const inGroup = () => fake.sent.filter((s) => s.to.id === GROUP);
const toUser = (id: string) => fake.sent.filter((s) => s.to.kind === 'user' && s.to.id === id);
const plain = (s: DingTalkSent) => (s.kind === 'text' || s.kind === 'sampleText' ? s.text : markdownToPlain(s.text));
/** The text a text-back button makes the client send. */
const content = (url: string) => decodeURIComponent(url.replace(/^dtmd:\/\/dingtalkclient\/sendMessage\?content=/, ''));
const say1 = (text: string, staff: string, group = false) =>
  fake.pushCallback(fake.robotMessage({ text, senderStaffId: staff, senderNick: `员工${staff}`, ...(group ? { conversationType: '2' as const, conversationId: GROUP } : {}) }));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-leads-dingtalk-'));
  const config = loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' });
  services = await createServices(config, log, { loadDemo: true, clock: () => now });
  fake = await startFakeDingTalk();
  dingtalk = new DingTalkChannel({ clientId: fake.clientId, clientSecret: fake.clientSecret, robotCode: fake.robotCode, apiUrl: fake.url, pipeline: services.pipeline, inbox: new InboxStore(services.database), log, sender: { groupPerMinute: 20 } });
  await dingtalk.start();
  services.leads.registerOutlet('dingtalk', dingtalk.outlet);
  services.broadcasts.registerOutlet('dingtalk', dingtalk.outlet);
  app = createHttpApp({ pipeline: services.pipeline, log, clock: () => now, readiness: {} });
});
afterAll(async () => {
  await services?.broadcasts.stop();
  await dingtalk?.stop();
  await fake?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('leads with a DingTalk group inbox', () => {
  it('binds the group, posts the notice, refuses outsiders, claims from the card and tells the author', async () => {
    const { code } = await services.staff.createInvite('staff', 'jingchu-tech-transfer');
    say1(`/join ${code}`, 'staff500');
    await expect.poll(() => toUser('staff500').length, { timeout: 10_000 }).toBe(1);
    say1('/inbox', 'staff500', true);
    await expect.poll(async () => (await services.staff.inboxes()).find((i) => i.agencySlug === 'jingchu-tech-transfer')?.chatId, { timeout: 10_000 }).toBe(GROUP);
    // The console link is only given in a private chat.
    say1('/console', 'staff500', true);
    await expect.poll(() => inGroup().length, { timeout: 10_000 }).toBe(2);
    expect(plain(inGroup()[1]!)).not.toMatch(/https?:\/\//);

    expect((await say('web-dt-1', { text: 'We want to license a drone patent' })).text).toMatch(/Which province/);
    await say('web-dt-1', { text: 'Hubei' });
    await say('web-dt-1', { text: 'carol@example.com' });
    await say('web-dt-1', { text: 'no' });
    await say('web-dt-1', { text: 'yes' });
    const done = await say('web-dt-1', { action: 'ly' });
    const ref = /reference is (L-[2-9A-Z]{6})/.exec(done.text)?.[1];
    expect(ref, done.text).toBeDefined();
    await services.leads.idle();
    await services.leads.deliverDue();
    await expect.poll(() => inGroup().length, { timeout: 10_000 }).toBe(3);
    const notice = inGroup()[2]!;
    expect(notice.via).toBe('openapi');
    expect(notice.kind).toBe('interactiveCard');
    expect(plain(notice)).toContain(ref!);
    expect(plain(notice)).toContain('carol@example.com');
    expect(notice.buttons.map((b) => b.title)).toEqual(['认领', '转给其他机构']);
    const claim = notice.buttons[0]!.url.replace(/^request:/, '');
    expect(claim).toMatch(/^lc:\d+$/);
    const card = fake.cards.get(notice.cardBizId!)!;
    expect(card.openConversationId).toBe(GROUP);

    // Someone who is not staff of this agency taps Claim: refused in the group, nothing changes.
    const acks = fake.callsTo('ack').length;
    const tap1 = fake.pushCardCallback({ cardBizId: notice.cardBizId!, userId: 'outsider1', actionId: claim });
    await expect.poll(() => inGroup().length, { timeout: 10_000 }).toBe(4);
    expect(fake.callsTo('ack').slice(acks).some((a) => a.key === tap1)).toBe(true);
    expect(plain(inGroup()[3]!)).toMatch(/只有“荆楚技术转移服务社（示例）”的工作人员/);
    expect((await services.leads.store.byRef(ref!))!.status).toBe('notified');

    // The staff member's tap, delivered twice (a re-push of the same frame): claimed once, card updated in place.
    const frame = fake.pushCardCallback({ cardBizId: notice.cardBizId!, userId: 'staff500', actionId: claim });
    fake.pushCardCallback({ cardBizId: notice.cardBizId!, userId: 'staff500', actionId: claim }, frame);
    await expect.poll(async () => (await services.leads.store.byRef(ref!))!.status, { timeout: 10_000 }).toBe('claimed');
    await expect.poll(() => card.updates.length, { timeout: 10_000 }).toBe(1);
    const updated = card.updates[0]!.contents;
    const text = updated.filter((c) => c.type === 'markdown').map((c) => markdownToPlain(c.text ?? '')).join('\n');
    expect(text).toContain(ref!);
    expect(text).toMatch(/✔ 已由 员工staff500 认领/);
    const ids = updated.flatMap((c) => c.actions ?? []).map((a) => a.id);
    expect(ids).not.toContain(claim);
    expect(ids).toEqual(expect.arrayContaining([expect.stringMatching(/^ls:\d+\.c$/)]));
    await services.leads.idle();
    // No second notice: the group saw the card change, not a new card.
    expect(inGroup().filter((m) => m.kind === 'interactiveCard' && plain(m).includes(ref!))).toHaveLength(1);
    // The web author has no push channel: the news comes with their next reply, once.
    const replies = async () => ((await (await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader('web-dt-1') }, body: JSON.stringify({ text: 'hello' }) })).json()) as { replies: R[] }).replies;
    expect((await replies())[0]!.text).toBe(`Your request ${ref} has been taken on by Jingchu Technology Transfer Service (sample); they will contact you soon.`);
    expect(JSON.stringify(await replies())).not.toContain(ref);
  });

  it('a broadcast reaches DingTalk users in their language; one outside the app scope is unreachable', async () => {
    const users = ['dtb1', 'dtb2', 'dtb3', 'dtb4'];
    for (const [i, id] of users.entries()) await services.database.rows(sql`insert into users (platform, platform_user_id, locale, subscribed) values ('dingtalk', ${id}, ${i % 2 ? 'en' : 'zh'}, true) returning id`);
    fake.unknownUsers.add('dtb4');
    const b = await services.broadcasts.create({ audience: { kind: 'subscribers' }, textZh: '博览会明天开幕', textEn: 'The expo opens tomorrow' });
    expect(b).toBeDefined();
    for (let i = 0; i < 100; i++) {
      const c = await services.broadcasts.store.counts(b!.id);
      if (c.pending + c.sending === 0) break;
      services.broadcasts.kick();
      await services.broadcasts.idle();
      await new Promise((r) => setTimeout(r, 100));
    }
    const counts = await services.broadcasts.store.counts(b!.id);
    expect(counts).toMatchObject({ unreachable: 1, failed: 0, pending: 0, sending: 0 });
    for (const [i, id] of users.slice(0, 3).entries()) {
      const mine = toUser(id);
      expect(mine, id).toHaveLength(1);
      expect(plain(mine[0]!)).toContain(i % 2 ? 'The expo opens tomorrow' : '博览会明天开幕');
    }
  });
});
