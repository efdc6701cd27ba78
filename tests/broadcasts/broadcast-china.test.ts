/**
 * One broadcast to subscribers on Feishu, DingTalk and Telegram at once: each person gets it once,
 * in their language, on their platform (Feishu by open_id through the real Lark SDK, DingTalk by
 * staff id through oToMessages/batchSend after the real dingtalk-stream connection, Telegram through
 * telegraf), with Feishu's chat limit (230020) waited out and a person outside the app's
 * availability scope (Feishu 230013, DingTalk invalidStaffIdList) marked unreachable, not retried.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DingTalkChannel } from '../../bots/dingtalk/dingtalk-channel.js';
import { FeishuChannel } from '../../bots/feishu/feishu-channel.js';
import { TelegramChannel } from '../../bots/telegram/telegram-channel.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { DbRateClock } from '../../src/services/rate-clock.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { startFakeDingTalk, type FakeDingTalk } from '../support/fake-dingtalk.js';
import { APP_ID, APP_SECRET, startFakeFeishu, type FakeFeishu } from '../support/fake-feishu.js';
import { startFakeTelegram, type FakeTelegram } from '../support/fake-telegram.js';

let services: Services;
let dir: string;
let feishuFake: FakeFeishu;
let tgFake: FakeTelegram;
let dtFake: FakeDingTalk;
let dingtalk: DingTalkChannel;
let feishu: FeishuChannel;
let telegram: TelegramChannel;
const log = createLogger('silent');
const FEISHU = Array.from({ length: 8 }, (_, i) => `ou_b${String(i).padStart(6, '0')}`);
const TELEGRAM = Array.from({ length: 4 }, (_, i) => String(880000 + i));
const DINGTALK = Array.from({ length: 4 }, (_, i) => `dtstaff${i}`);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-bcast-feishu-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), log, { loadDemo: false });
  feishuFake = await startFakeFeishu();
  tgFake = await startFakeTelegram();
  dtFake = await startFakeDingTalk();
  const clock = new DbRateClock(services.database);
  const inbox = new InboxStore(services.database);
  feishu = new FeishuChannel({ appId: APP_ID, appSecret: APP_SECRET, domain: feishuFake.url, mode: 'ws', pipeline: services.pipeline, inbox, log, sender: { shared: { clock, key: 'feishu' } } });
  telegram = new TelegramChannel({ token: tgFake.token, apiRoot: tgFake.url, pipeline: services.pipeline, inbox, users: services.users, log, pollTimeoutSeconds: 1, sender: { perChatIntervalMs: 1000, shared: { clock, key: 'telegram' } } });
  dingtalk = new DingTalkChannel({ clientId: dtFake.clientId, clientSecret: dtFake.clientSecret, robotCode: dtFake.robotCode, apiUrl: dtFake.url, pipeline: services.pipeline, inbox, log, sender: { shared: { clock, key: 'dingtalk' } } });
  await feishu.start();
  await telegram.start();
  await dingtalk.start();
  services.broadcasts.registerOutlet('dingtalk', dingtalk.outlet);
  services.broadcasts.registerOutlet('feishu', feishu.outlet);
  services.broadcasts.registerOutlet('telegram', telegram.outlet);
  for (const [platform, ids] of [['feishu', FEISHU], ['telegram', TELEGRAM], ['dingtalk', DINGTALK]] as const)
    for (const [i, id] of ids.entries()) await services.database.rows(sql`insert into users (platform, platform_user_id, locale, subscribed) values (${platform}, ${id}, ${i % 2 ? 'en' : 'zh'}, true) returning id`);
});
afterAll(async () => {
  await services?.broadcasts.stop();
  await feishu?.stop();
  await telegram?.stop();
  await dingtalk?.stop();
  await dtFake?.close();
  await feishuFake?.close();
  await tgFake?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('broadcasts on Feishu, DingTalk and Telegram', () => {
  it('reaches every subscriber once, in their language, on their platform', async () => {
    feishuFake.outOfScope(FEISHU[3]!);
    dtFake.unknownUsers.add(DINGTALK[2]!);
    feishuFake.failNext('message.create', { status: 400, code: 230020 }, { times: 2, key: FEISHU[5]! });
    const b = await services.broadcasts.create({ audience: { kind: 'subscribers' }, textZh: '博览会明天开幕', textEn: 'The expo opens tomorrow' });
    expect(b!.total).toBe(16);
    for (let i = 0; i < 100; i++) {
      const c = await services.broadcasts.store.counts(b!.id);
      if (c.pending + c.sending === 0) break;
      services.broadcasts.kick();
      await services.broadcasts.idle();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await services.broadcasts.store.counts(b!.id)).toMatchObject({ sent: 14, unreachable: 2, failed: 0, pending: 0, sending: 0 });
    for (const [i, id] of FEISHU.entries()) {
      const mine = feishuFake.messages(id);
      expect(mine, id).toHaveLength(i === 3 ? 0 : 1);
      if (i !== 3) expect(JSON.stringify(mine[0]!.content)).toContain(i % 2 ? 'The expo opens tomorrow' : '博览会明天开幕');
    }
    expect(feishuFake.callsTo('message.create').filter((c) => c.body.receive_id === FEISHU[5] && c.query.receive_id_type === 'open_id').map((c) => c.code)).toEqual([230020, 230020, 0]);
    for (const [i, id] of DINGTALK.entries()) {
      const mine = dtFake.sent.filter((m) => m.to.kind === 'user' && m.to.id === id);
      expect(mine, id).toHaveLength(i === 2 ? 0 : 1);
      if (i !== 2) expect(mine[0]!.text).toContain(i % 2 ? 'The expo opens tomorrow' : '博览会明天开幕');
    }
    expect(dtFake.callsTo('batchSend').filter((c) => c.key === DINGTALK[2])).toHaveLength(1); // unreachable is not retried
    for (const [i, id] of TELEGRAM.entries()) {
      const mine = tgFake.callsTo('sendMessage').filter((c) => !c.failed && String(c.params.chat_id) === id);
      expect(mine, id).toHaveLength(1);
      expect(String(mine[0]!.params.text)).toContain(i % 2 ? 'The expo opens tomorrow' : '博览会明天开幕');
    }
  });
});
