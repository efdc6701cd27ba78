/**
 * A lead submitted in the web chat reaches a Feishu group inbox (bound there with /inbox by staff
 * who joined with their invite code in a direct chat), is claimed from the notice card, the card
 * is updated in place (PATCH), and the web author is told. Real Lark SDK against the loopback fake.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeishuChannel } from '../../bots/feishu/feishu-channel.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { APP_ID, APP_SECRET, cardActionEvent, ENCRYPT_KEY, messageEvent, signedEventRequest, startFakeFeishu, VERIFICATION_TOKEN, type FakeFeishu, type FakeMessage } from '../support/fake-feishu.js';
import { sessionHeader } from '../support/web-session.js';

let services: Services;
let dir: string;
let fake: FakeFeishu;
let feishu: FeishuChannel;
let app: ReturnType<typeof createHttpApp>;
const now = new Date('2026-11-23T02:00:00Z');
const log = createLogger('silent');

type R = { text: string };
async function say(sessionId: string, body: { text?: string; action?: string }): Promise<R> {
  const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader(sessionId) }, body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { replies: R[] }).replies.at(-1)!;
}
const event = async (envelope: unknown) => expect((await app.request(signedEventRequest('http://localhost/feishu/events', envelope, { timestamp: Math.floor(now.getTime() / 1000) }))).status).toBe(200);
type El = { tag: string; text?: { content: string }; columns?: { elements: { text: { content: string }; behaviors: { value?: { a: string } }[] }[] }[] };
const els = (m: FakeMessage | Record<string, unknown>) => ((('content' in m ? m.content : m) as { body: { elements: El[] } }).body.elements);
const visible = (c: Record<string, unknown>) => els(c).flatMap((e) => (e.text ? [e.text.content] : [])).join('\n');
const buttons = (c: Record<string, unknown>) => els(c).flatMap((e) => (e.columns ?? []).flatMap((col) => col.elements.map((b) => ({ label: b.text.content, value: b.behaviors[0]!.value?.a ?? '' }))));

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-leads-feishu-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), log, { loadDemo: true, clock: () => now });
  fake = await startFakeFeishu();
  feishu = new FeishuChannel({ appId: APP_ID, appSecret: APP_SECRET, domain: fake.url, mode: 'http', encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN, pipeline: services.pipeline, inbox: new InboxStore(services.database), log, clock: () => now });
  await feishu.start();
  services.leads.registerOutlet('feishu', feishu.outlet);
  app = createHttpApp({ pipeline: services.pipeline, log, clock: () => now, readiness: {}, feishuEvents: (r) => feishu.handleRequest(r) });
});
afterAll(async () => {
  await feishu?.stop();
  await fake?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('leads with a Feishu group inbox', () => {
  it('notifies the group, a claim from the card updates it in place, and the web author is told', async () => {
    const { code } = await services.staff.createInvite('staff', 'jingchu-tech-transfer');
    // Feishu events carry no names: the channel asks the contact API for the staff member's.
    fake.names.set('ou_staff500', '王芳');
    await event(messageEvent({ text: `/join ${code}`, openId: 'ou_staff500', chatId: 'oc_p2p_staff500' }));
    await expect.poll(() => fake.messages('oc_p2p_staff500').length, { timeout: 10_000 }).toBe(1);
    await event(messageEvent({ text: '/inbox', chatType: 'group', chatId: 'oc_group500', openId: 'ou_staff500' }));
    await expect.poll(async () => (await services.staff.inboxes()).find((i) => i.agencySlug === 'jingchu-tech-transfer')?.chatId, { timeout: 10_000 }).toBe('oc_group500');
    await expect.poll(() => fake.messages('oc_group500').length, { timeout: 10_000 }).toBe(1); // "this is now the inbox"
    const before = 1;

    expect((await say('web-fs-1', { text: 'We want to license a drone patent' })).text).toMatch(/Which province/);
    await say('web-fs-1', { text: 'Hubei' });
    await say('web-fs-1', { text: 'alice@example.com' });
    await say('web-fs-1', { text: 'budget around 500k' });
    await say('web-fs-1', { text: 'yes' });
    const ref = /reference is (L-[2-9A-Z]{6})/.exec((await say('web-fs-1', { action: 'ly' })).text)?.[1];
    expect(ref).toBeDefined();
    await services.leads.idle();
    await services.leads.deliverDue();

    const notice = fake.messages('oc_group500')[before]!;
    expect(notice.msg_type).toBe('interactive');
    expect(visible(notice.content)).toContain(ref!);
    expect(visible(notice.content)).toContain('alice@example.com');
    const claim = buttons(notice.content).find((b) => b.value.startsWith('lc:'))!;
    expect(claim.label).toBe('认领');

    // Someone outside the agency presses Claim: refused, nothing changes.
    await event(cardActionEvent({ value: { a: claim.value }, messageId: notice.message_id, chatId: 'oc_group500', openId: 'ou_stranger' }));
    await expect.poll(() => fake.messages('oc_group500').length, { timeout: 10_000 }).toBe(before + 2);
    expect(visible(fake.messages('oc_group500').at(-1)!.content)).toMatch(/只有“荆楚技术转移服务社（示例）”的工作人员/);
    expect((await services.leads.store.byRef(ref!))!.status).toBe('notified');

    await event(cardActionEvent({ value: { a: claim.value }, messageId: notice.message_id, chatId: 'oc_group500', openId: 'ou_staff500' }));
    await expect.poll(() => fake.callsTo('message.patch').length, { timeout: 10_000 }).toBe(1);
    const patch = fake.callsTo('message.patch')[0]!;
    expect(patch.code).toBe(0);
    expect(patch.path).toBe(`/open-apis/im/v1/messages/${notice.message_id}`);
    expect(visible(notice.updates[0]!)).toMatch(/✔ 已由 王芳 认领/);
    expect(fake.callsTo('contact.user').filter((c) => c.path.endsWith('/ou_staff500'))).toHaveLength(1); // cached after the first message
    expect(buttons(notice.updates[0]!).some((b) => b.value === claim.value)).toBe(false);
    expect((await services.leads.store.byRef(ref!))!.status).toBe('claimed');
    // The web author has no push channel: the news comes with their next reply.
    const res = await app.request('/api/chat', { method: 'POST', headers: { 'content-type': 'application/json', ...sessionHeader('web-fs-1') }, body: JSON.stringify({ text: 'hello' }) });
    const replies = ((await res.json()) as { replies: R[] }).replies;
    expect(replies[0]!.text).toMatch(new RegExp(`^Your request ${ref} has been taken on by Jingchu Technology Transfer Service \\(sample\\)`));
  });
});
