/**
 * The DingTalk sender's limits against the fake's flood control, on a virtual clock shared by the
 * sender's pacing and the fake's sliding window (no wall-clock waits): 20 messages per minute per
 * group held, and what happens without the pacing (the fake refuses, which is what the group limit
 * test must be able to see).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { DingTalkDeliveryError, DingTalkSender } from '../../bots/dingtalk/dingtalk-sender.js';
import { createLogger } from '../../src/util/log.js';
import { startFakeDingTalk, type FakeDingTalk } from '../support/fake-dingtalk.js';

let fake: FakeDingTalk | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

function virtualClock() {
  let t = Date.UTC(2026, 10, 23, 2, 0, 0);
  return { now: () => t, sleep: async (ms: number) => void (t += Math.max(0, ms)) };
}

async function setup(groupPerMinute: number) {
  const clock = virtualClock();
  fake = await startFakeDingTalk({ now: clock.now });
  const sender = new DingTalkSender({ apiUrl: fake.url, clientId: fake.clientId, clientSecret: fake.clientSecret, robotCode: fake.robotCode, log: createLogger('silent'), groupPerMinute, ...clock });
  return { sender, clock, fake };
}

describe('dingtalk sender limits', () => {
  it('holds 20 messages per minute per group, over the OpenAPI and the session webhook alike', async () => {
    const { sender, clock, fake } = await setup(20);
    const start = clock.now();
    const hook = fake.robotMessage({ text: 'x', conversationType: '2', conversationId: 'cidBusy', webhookTtlMs: 3_600_000 });
    const results = [];
    for (let i = 0; i < 45; i++) {
      const webhook = i % 2 ? { webhook: { url: hook.sessionWebhook, expiresAt: hook.sessionWebhookExpiredTime } } : {};
      results.push(await sender.send({ kind: 'group', conversationId: 'cidBusy', ...webhook }, { kind: 'text', text: `m${i}` }));
    }
    // Other groups are not held up by the busy one.
    const other = clock.now();
    await sender.send({ kind: 'group', conversationId: 'cidQuiet' }, { kind: 'text', text: 'q' });
    expect(clock.now() - other).toBeLessThan(1000);
    expect(results.every((r) => r === 'sent')).toBe(true);
    expect(fake.limiter.refused).toBe(0);
    expect(fake.limiter.maxPerKey).toBeLessThanOrEqual(20);
    expect(fake.sent.filter((s) => s.to.id === 'cidBusy').map((s) => s.via)).toContain('webhook');
    // 45 messages at 20/min take a bit over two minutes.
    console.log(`dingtalk: 45 group messages took ${((clock.now() - start) / 1000).toFixed(1)} s of virtual time; busiest minute ${fake.limiter.maxPerKey}`);
    expect(clock.now() - start).toBeGreaterThanOrEqual(44 * 3000);
  });

  it('without the pacing the group limit bites: DingTalk refuses and the sender says retry', async () => {
    const { sender } = await setup(600);
    let refused: unknown;
    for (let i = 0; i < 25 && !refused; i++) await sender.send({ kind: 'group', conversationId: 'cidFlood' }, { kind: 'text', text: `m${i}` }).catch((e: unknown) => (refused = e));
    expect(refused).toBeInstanceOf(DingTalkDeliveryError);
    expect(String((refused as Error).message)).toMatch(/rate limit/);
  });

  it('maps a group the robot left to unreachable and a malformed message to rejected', async () => {
    const { sender, fake } = await setup(20);
    fake.removedGroups.add('cidGone');
    expect(await sender.send({ kind: 'group', conversationId: 'cidGone' }, { kind: 'text', text: 'x' })).toBe('unreachable');
    expect(await sender.send({ kind: 'group', conversationId: 'cidOk' }, { kind: 'card', title: 't', markdown: 'm', buttons: [] })).toBe('rejected');
    fake.failNext('groupSend', { status: 503, body: { code: 'ServiceUnavailable' } });
    await expect(sender.send({ kind: 'group', conversationId: 'cidOk' }, { kind: 'text', text: 'x' })).rejects.toBeInstanceOf(DingTalkDeliveryError);
  });
});
