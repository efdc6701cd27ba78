/**
 * Display names from Feishu's contact API through the real Lark SDK client against the loopback
 * fake: one call per person however often they write, nameless when the person is outside the
 * contact range, and no more calls for a while once Feishu says the permission is missing.
 */
import * as lark from '@larksuiteoapi/node-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FeishuNames } from '../../bots/feishu/feishu-names.js';
import { FeishuTokenCache } from '../../bots/feishu/feishu-token-cache.js';
import { createLogger } from '../../src/util/log.js';
import { APP_ID, APP_SECRET, startFakeFeishu, type FakeFeishu } from '../support/fake-feishu.js';

const quiet = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, trace: () => {} };
let fake: FakeFeishu;
let client: lark.Client;
beforeAll(async () => {
  fake = await startFakeFeishu();
  client = new lark.Client({ appId: APP_ID, appSecret: APP_SECRET, domain: fake.url, cache: new FeishuTokenCache(), logger: quiet, loggerLevel: lark.LoggerLevel.error });
});
afterAll(() => fake?.close());

describe('feishu display names', () => {
  it('asks once per person, and remembers who has no name to give', async () => {
    fake.names.set('ou_named1', '李雷');
    const names = new FeishuNames(client, createLogger('silent'));
    expect(await Promise.all([names.of('ou_named1'), names.of('ou_named1')])).toEqual(['李雷', '李雷']);
    expect(await names.of('ou_named1')).toBe('李雷');
    expect(fake.callsTo('contact.user').filter((c) => c.path.endsWith('/ou_named1'))).toHaveLength(1);
    expect(fake.callsTo('contact.user')[0]!.query.user_id_type).toBe('open_id');
    expect(await names.of('ou_outside1')).toBeUndefined();
    expect(await names.of('ou_outside1')).toBeUndefined();
    expect(fake.callsTo('contact.user').filter((c) => c.path.endsWith('/ou_outside1'))).toHaveLength(1);
  });

  it('without the contact permission: no name, and no further calls for an hour', async () => {
    fake.state.contactScope = false;
    let now = 1_000_000;
    const names = new FeishuNames(client, createLogger('silent'), () => now);
    const before = fake.callsTo('contact.user').length;
    expect(await names.of('ou_a')).toBeUndefined();
    expect(await names.of('ou_b')).toBeUndefined();
    expect(fake.callsTo('contact.user').length).toBe(before + 1);
    fake.state.contactScope = true;
    fake.names.set('ou_b', '韩梅梅');
    now += 3_600_001;
    expect(await names.of('ou_b')).toBe('韩梅梅');
  });
});
