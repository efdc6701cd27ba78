/**
 * The DingTalk channel end to end: the real dingtalk-stream DWClient against the loopback Stream
 * gateway (tests/support/fake-dingtalk.ts), fetch against its OpenAPI and session webhooks, the real
 * pipeline, PGlite and Meilisearch. Ack on receipt, redeliveries answered once, malformed frames
 * counted and survived, session-webhook expiry falling back to the OpenAPI, a stale token refetched
 * once, reconnects after the gateway drops us.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DingTalkChannel } from '../../bots/dingtalk/dingtalk-channel.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { createLogger } from '../../src/util/log.js';
import { createMetrics } from '../../src/util/metrics.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { startFakeDingTalk, type FakeDingTalk } from '../support/fake-dingtalk.js';

let services: Services;
let dir: string;
let fake: FakeDingTalk;
let channel: DingTalkChannel;
const metrics = createMetrics();
/** Messages wait here while a test holds the gate: a slow pipeline, without touching the real one. */
let gate: Promise<void> = Promise.resolve();
let skew = 0;

const sentTo = (id: string) => fake.sent.filter((s) => s.to.id === id);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-dingtalk-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), createLogger('silent'), { loadDemo: true });
  fake = await startFakeDingTalk({ redeliverAfterMs: 300, now: () => Date.now() + skew });
  const slow = {
    handle: async (...args: Parameters<Pipeline['handle']>) => {
      await gate;
      return services.pipeline.handle(...args);
    },
  } as unknown as Pipeline;
  channel = new DingTalkChannel({
    clientId: fake.clientId,
    clientSecret: fake.clientSecret,
    robotCode: fake.robotCode,
    apiUrl: fake.url,
    pipeline: slow,
    inbox: new InboxStore(services.database),
    log: createLogger('silent'),
    metrics,
    reconnectMs: { min: 50, max: 200 },
  });
  await channel.start();
});
afterAll(async () => {
  await channel?.stop();
  await fake?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('dingtalk channel', () => {
  it('acknowledges a callback before a slow handler finishes, so DingTalk does not re-push it', async () => {
    let release!: () => void;
    gate = new Promise((r) => (release = r));
    const acksBefore = fake.callsTo('ack').length;
    const frameId = fake.pushCallback(fake.robotMessage({ text: '/help', senderStaffId: 'slow1' }));
    const acks = await fake.waitFor('ack', acksBefore + 1);
    expect(acks.at(-1)!.key).toBe(frameId);
    // Longer than the fake's re-push delay: nothing pushed again, nothing answered yet.
    await new Promise((r) => setTimeout(r, 700));
    expect(fake.callsTo('ack').filter((a) => a.key === frameId)).toHaveLength(1);
    expect(sentTo('slow1')).toHaveLength(0);
    release();
    await expect.poll(() => sentTo('slow1').length, { timeout: 10_000 }).toBe(1);
    expect(sentTo('slow1')[0]!.via).toBe('webhook');
  });

  it('answers one message delivered three times (re-pushes with the same msgId) once', async () => {
    const msg = fake.robotMessage({ text: '/help', senderStaffId: 'triple1' });
    const frames = [fake.pushCallback(msg), fake.pushCallback(msg), fake.pushCallback(msg)];
    await expect.poll(() => sentTo('triple1').length, { timeout: 10_000 }).toBe(1);
    await expect.poll(() => frames.every((f) => fake.callsTo('ack').some((a) => a.key === f)), { timeout: 5000 }).toBe(true);
    await new Promise((r) => setTimeout(r, 500));
    expect(sentTo('triple1')).toHaveLength(1);
  });

  it('drops and counts malformed frames, never crashes, and keeps answering', async () => {
    const before = (await metrics.errors.get()).values.find((v) => v.labels.kind === 'malformed_frame')?.value ?? 0;
    fake.pushRaw('this is not json');
    fake.pushRaw(JSON.stringify({ type: 'CALLBACK', headers: { topic: '/v1.0/im/bot/messages/get', messageId: 'bad-1' }, data: '{not json' }));
    fake.pushRaw('null');
    fake.pushEvent({ anything: true });
    fake.pushSystem('ping', { opaque: 'x' });
    await fake.waitFor('pong', 1);
    fake.pushCallback(fake.robotMessage({ text: '/help', senderStaffId: 'after-bad' }));
    await expect.poll(() => sentTo('after-bad').length, { timeout: 10_000 }).toBe(1);
    const after = (await metrics.errors.get()).values.find((v) => v.labels.kind === 'malformed_frame')?.value ?? 0;
    expect(after - before).toBe(3);
    // The malformed callback was acked, so it is not pushed again and again.
    expect(fake.pendingAcks()).not.toContain('bad-1');
  });

  it('drops and counts card taps that are not on our cards, acknowledging them', async () => {
    const count = async () => (await metrics.errors.get()).values.find((v) => v.labels.kind === 'malformed_frame')?.value ?? 0;
    const before = await count();
    const frame = fake.pushCardCallback({ cardBizId: 'someone-elses-card', userId: 'u1', actionId: 'h' });
    await expect.poll(() => fake.callsTo('ack').some((a) => a.key === frame), { timeout: 5000 }).toBe(true);
    expect((await count()) - before).toBe(1);
    expect(fake.pendingAcks()).not.toContain(frame);
  });

  it('answers a group @-mention in the group, without the mention', async () => {
    fake.pushCallback(fake.robotMessage({ text: '/help', conversationType: '2', conversationId: 'cidHelpGroup', senderStaffId: 'g1' }));
    await expect.poll(() => sentTo('cidHelpGroup').length, { timeout: 10_000 }).toBe(1);
    expect(sentTo('cidHelpGroup')[0]!.to.kind).toBe('group');
  });

  it('falls back to the robot OpenAPI when the session webhook has expired, fetching a token', async () => {
    // DingTalk says the webhook still lives for 2 minutes, but its clock says it is gone.
    const msg = fake.robotMessage({ text: '/help', senderStaffId: 'late1', webhookTtlMs: 120_000 });
    skew = 180_000;
    fake.pushCallback(msg);
    await expect.poll(() => sentTo('late1').length, { timeout: 10_000 }).toBe(1);
    skew = 0;
    expect(sentTo('late1')[0]!.via).toBe('openapi');
    const hook = fake.callsTo('sessionWebhook').filter((c) => (c.response as { errcode?: number }).errcode === 300001);
    expect(hook.length).toBeGreaterThanOrEqual(1);
    // A webhook that is about to expire is not even tried.
    const hooksBefore = fake.callsTo('sessionWebhook').length;
    fake.pushCallback(fake.robotMessage({ text: '/help', senderStaffId: 'late2', webhookTtlMs: 30_000 }));
    await expect.poll(() => sentTo('late2').length, { timeout: 10_000 }).toBe(1);
    expect(sentTo('late2')[0]!.via).toBe('openapi');
    expect(fake.callsTo('sessionWebhook').length).toBe(hooksBefore);
  });

  it('refetches a stale access token once and sends', async () => {
    expect(await channel.push('push1', '提醒一')).toBe(true);
    const tokensBefore = fake.callsTo('oauth2.accessToken').length;
    fake.invalidateTokens();
    expect(await channel.push('push1', '提醒二')).toBe(true);
    expect(fake.callsTo('oauth2.accessToken').length).toBe(tokensBefore + 1);
    expect(sentTo('push1').map((s) => s.text)).toEqual(['提醒一', '提醒二']);
    // Refused again with the fresh token: one refetch only, then the caller hears about it.
    fake.failNext('batchSend', { status: 401, body: { code: 'InvalidAuthentication', message: '不合法的access_token' } }, { times: 2 });
    await expect(channel.push('push1', '提醒三')).rejects.toThrow(/fresh access token/);
    expect(fake.callsTo('oauth2.accessToken').length).toBe(tokensBefore + 2);
  });

  it('reports a person outside the app scope as unreachable', async () => {
    fake.unknownUsers.add('gone1');
    expect(await channel.outlet.post('gone1', { text: 'hi' })).toBe('unreachable');
  });

  it('reconnects after the gateway drops the connection', async () => {
    const before = fake.callsTo('ws.connect').length;
    fake.dropConnection();
    await fake.waitFor('ws.connect', before + 1);
    fake.pushCallback(fake.robotMessage({ text: '/help', senderStaffId: 'reconnected1' }));
    await expect.poll(() => sentTo('reconnected1').length, { timeout: 10_000 }).toBe(1);
    // A SYSTEM disconnect (gateway restart notice) also leads to a fresh connection.
    fake.pushSystem('disconnect');
    await fake.waitFor('ws.connect', before + 2);
  });
});
