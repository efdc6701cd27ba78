/**
 * A broadcast reaching Slack users by DM through real Bolt/WebClient against the loopback Web API in
 * its rate-limit mode: language, link button, Slack's 429 Retry-After waited out without loss, a
 * deactivated account marked unreachable and not retried.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SlackChannel } from '../../bots/slack/slack-channel.js';
import { createServices, type Services } from '../../src/app.js';
import { loadConfig } from '../../src/config/config.js';
import { InboxStore } from '../../src/services/inbox-store.js';
import { DbRateClock } from '../../src/services/rate-clock.js';
import { createLogger } from '../../src/util/log.js';
import { PACKAGE_ROOT } from '../../src/util/paths.js';
import { startFakeSlack, type FakeSlack } from '../support/fake-slack.js';

let services: Services;
let dir: string;
let fake: FakeSlack;
let slack: SlackChannel;
const log = createLogger('silent');
const USERS = Array.from({ length: 12 }, (_, i) => `U7${String(i).padStart(8, '0')}`);

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'pb-bcast-slack-'));
  services = await createServices(loadConfig({ DATA_DIR: dir, CONTENT_DIR: path.join(PACKAGE_ROOT, 'content'), LOG_LEVEL: 'silent' }), log, { loadDemo: false });
  fake = await startFakeSlack();
  slack = new SlackChannel({
    token: fake.botToken,
    signingSecret: 'secret-for-tests',
    apiUrl: `${fake.url}/api/`,
    pipeline: services.pipeline,
    inbox: new InboxStore(services.database),
    log,
    sender: { perSecond: 50, perChannelIntervalMs: 1000, shared: { clock: new DbRateClock(services.database), key: 'slack' } },
  });
  await slack.start();
  services.broadcasts.registerOutlet('slack', slack.outlet);
  for (const [i, id] of USERS.entries()) {
    const [u] = await services.database.rows<{ id: number }>(sql`insert into users (platform, platform_user_id, locale, subscribed) values ('slack', ${id}, ${i % 2 ? 'en' : 'zh'}, true) returning id`);
    expect(u).toBeDefined();
  }
});
afterAll(async () => {
  await services?.broadcasts.stop();
  await slack?.stop();
  await fake?.close();
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('broadcasts on Slack', () => {
  it('DMs every subscriber once in their language, waits out 429s, marks a deactivated account unreachable', async () => {
    fake.failNext('chat.postMessage', { error: 'account_inactive' }, { channel: USERS[3]! });
    fake.failNext('chat.postMessage', { status: 429, retryAfter: 1 }, { times: 2, channel: USERS[5]! });
    const b = await services.broadcasts.create({ audience: { kind: 'subscribers' }, textZh: '博览会明天开幕', textEn: 'The expo opens tomorrow', linkUrl: 'https://expo.example.cn/' });
    expect(b!.total).toBe(12);
    for (let i = 0; i < 100 && (await services.broadcasts.store.counts(b!.id)).pending + (await services.broadcasts.store.counts(b!.id)).sending > 0; i++) {
      services.broadcasts.kick();
      await services.broadcasts.idle();
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(await services.broadcasts.store.counts(b!.id)).toMatchObject({ sent: 11, unreachable: 1, failed: 0, pending: 0, sending: 0 });
    const posts = fake.callsTo('chat.postMessage').filter((c) => !c.failed);
    for (const [i, id] of USERS.entries()) {
      const mine = posts.filter((c) => c.params.channel === id);
      expect(mine, id).toHaveLength(i === 3 ? 0 : 1);
      if (i === 3) continue;
      expect(String(mine[0]!.params.text)).toContain(i % 2 ? 'The expo opens tomorrow' : '博览会明天开幕');
      const elements = (mine[0]!.params.blocks as { type: string; elements?: { url?: string; value?: string }[] }[]).filter((x) => x.type === 'actions').flatMap((x) => x.elements!);
      expect(elements.map((e) => e.url ?? e.value)).toEqual(['https://expo.example.cn/', 'u']);
    }
    expect(await services.broadcasts.store.finishIfDone(b!.id)).toBe(true);
  });
});
