/**
 * Broadcasts to 微信客服 customers: only inside their window (48 h after their last message, 5
 * messages). The preview counts who cannot be reached and why; the send reaches the others and
 * records the rest as unreachable without trying WeCom (which would refuse with 95001).
 */
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recipientsByPlatform } from '../../src/core/platforms.js';
import { startHarness, type Harness } from './wecom-harness.js';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ start: new Date('2026-11-21T02:00:00Z') });
  h.env.services.broadcasts.registerOutlet('wechat', h.kf.outlet);
});
afterAll(async () => {
  await h?.env.services.broadcasts.stop();
  await h?.stop();
});

async function subscribe(ext: string): Promise<void> {
  const from = h.fake.kfMessages(ext).length;
  // The "subscribe" button's id, as a menu tap.
  h.fake.customerSays(ext, { text: '订阅', menuId: 's' });
  await h.kfNotify();
  await expect.poll(() => h.fake.kfMessages(ext).length, { timeout: 10_000 }).toBeGreaterThan(from);
}

describe('broadcasts to WeChat customers', () => {
  it('preview counts who is outside the window and why; the send reaches only those inside it', async () => {
    await subscribe('wmOld');
    h.clock.now += 49 * 3600_000; // wmOld's 48 hours are over
    await subscribe('wmFresh');
    await subscribe('wmBusy');
    while (await h.kf.push('wmBusy', 'using up the window'));
    expect(h.fake.kfMessages('wmBusy')).toHaveLength(5);

    const counts = await h.env.services.broadcasts.store.audienceCounts({ kind: 'subscribers' });
    expect(counts).toMatchObject({ wechat: 1, wechatExpired: 1, wechatUsedUp: 1, unsubscribed: 0 });
    expect(recipientsByPlatform(counts, 'zh')).toBe('微信 1 人（另有 2 人无法送达：超过 48 小时未发消息 1 人，5 条回复已用完 1 人）');
    expect(recipientsByPlatform(counts, 'en')).toBe('WeChat 1 (2 more cannot be reached: no message from them in 48 hours 1, all 5 replies used 1)');

    const tried = h.fake.callsTo('kf/send_msg').length;
    const b = (await h.env.services.broadcasts.create({ audience: { kind: 'subscribers' }, textZh: '第二届中部地区专利博览会报名开始' }))!;
    h.env.services.broadcasts.kick();
    await h.env.services.broadcasts.idle();
    const rows = await h.env.services.database.rows<{ chat: string; status: string }>(sql`select chat_id as chat, status from broadcast_deliveries where broadcast_id = ${b.id} order by chat_id`);
    expect(rows).toEqual([
      { chat: 'wmBusy', status: 'unreachable' },
      { chat: 'wmFresh', status: 'sent' },
      { chat: 'wmOld', status: 'unreachable' },
    ]);
    const sends = h.fake.callsTo('kf/send_msg').slice(tried);
    expect(sends.map((c) => c.body.touser)).toEqual(['wmFresh']);
    expect(sends.every((c) => c.errcode === 0)).toBe(true);
    expect(JSON.stringify(sends[0]!.body)).toContain('第二届中部地区专利博览会报名开始');
  });
});
