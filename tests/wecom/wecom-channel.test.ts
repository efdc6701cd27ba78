import * as oracle from '@wecom/crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.js';
import type { Pipeline } from '../../src/core/pipeline.js';
import { createHttpApp } from '../../src/http/http-app.js';
import { createLogger } from '../../src/util/log.js';
import { appText, cardClick, urlCheck } from '../support/fake-wecom.js';
import { AES_KEY, startHarness, TOKEN, type Harness } from './wecom-harness.js';

let h: Harness;
/** While set, the pipeline waits for it before answering (a slow handler). */
let gate: Promise<void> | undefined;

beforeAll(async () => {
  h = await startHarness({
    pipeline: (p) =>
      new Proxy(p, {
        get: (target, prop) =>
          prop === 'handle'
            ? async (...args: Parameters<Pipeline['handle']>) => {
                await gate;
                return target.handle(...args);
              }
            : Reflect.get(target, prop),
      }),
  });
});
afterAll(async () => h?.stop());

let n = 0;
const member = () => `member${++n}`;

describe('WeCom callback', () => {
  it('answers the URL check with the decrypted echostr as plain text', async () => {
    const q = urlCheck('echo-1234567890', { token: TOKEN, encodingAesKey: AES_KEY, receiveId: h.fake.corpId, timestamp: Math.floor(h.clock.now / 1000) });
    const res = await h.app.request(`http://localhost/wecom/callback?${q}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    expect(await res.text()).toBe('echo-1234567890');
    // One hex digit of the signature changed (to another digit: writing a fixed '0' left it unchanged
    // whenever the signature began with 0, one run in sixteen).
    const forgedQ = q.replace(/msg_signature=([0-9a-f])/, (_, d: string) => `msg_signature=${d === '0' ? '1' : '0'}`);
    expect(forgedQ).not.toBe(q);
    const forged = await h.app.request(`http://localhost/wecom/callback?${forgedQ}`);
    expect(forged.status).toBe(401);
  });

  it('answers a message delivered three times once', async () => {
    const who = member();
    const xml = appText(who, '/help', `7001${n}`, h.fake.corpId, Math.floor(h.clock.now / 1000));
    const answers = await Promise.all([h.post(xml), h.post(xml), h.post(xml)]);
    expect(answers.map((r) => r.status)).toEqual([200, 200, 200]);
    await h.fake.waitFor('message/send', 1);
    await new Promise((r) => setTimeout(r, 600));
    expect(h.fake.appMessages(who)).toHaveLength(1);
  });

  it('refuses a bad signature, a wrong receive id and malformed XML with 4xx and records nothing', async () => {
    const before = await h.recorded();
    const xml = appText(member(), 'hello', '7002', h.fake.corpId, Math.floor(h.clock.now / 1000));
    expect((await h.post(xml, { token: 'not-our-token' })).status).toBe(401);
    const wrong = await h.post(xml, { receiveId: 'wwsomeoneelse' });
    expect(wrong.status).toBe(403);
    expect(((await wrong.json()) as { error: { code: string } }).error.code).toBe('WRONG_RECEIVE_ID');
    const malformed = await h.app.request('http://localhost/wecom/callback?msg_signature=a&timestamp=1&nonce=x', { method: 'POST', body: '<xml><Encrypt>abc</xml>' });
    expect(malformed.status).toBe(400);
    const bomb = await h.app.request('http://localhost/wecom/callback?msg_signature=a&timestamp=1&nonce=x', { method: 'POST', body: '<!DOCTYPE x [<!ENTITY a "aaaa">]><xml><Encrypt>&a;</Encrypt></xml>' });
    expect(bomb.status).toBe(400);
    // Encrypted but not XML inside.
    const cb = oracle.encrypt(AES_KEY, 'not xml at all', h.fake.corpId);
    const ts = String(Math.floor(h.clock.now / 1000));
    const inner = await h.app.request(`http://localhost/wecom/callback?msg_signature=${oracle.getSignature(TOKEN, ts, 'n', cb)}&timestamp=${ts}&nonce=n`, { method: 'POST', body: `<xml><Encrypt><![CDATA[${cb}]]></Encrypt></xml>` });
    expect(inner.status).toBe(400);
    expect(await h.recorded()).toBe(before);
  });

  it('acknowledges after recording, before a slow handler finishes', async () => {
    let open!: () => void;
    gate = new Promise<void>((r) => (open = r));
    const who = member();
    const before = await h.recorded('wecom');
    const res = await h.post(appText(who, '/help', `7003${n}`, h.fake.corpId, Math.floor(h.clock.now / 1000)));
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('success');
    expect(await h.recorded('wecom')).toBe(before + 1);
    expect(h.fake.appMessages(who)).toHaveLength(0);
    open();
    gate = undefined;
    await h.fake.waitFor('message/send', h.fake.callsTo('message/send').length + 1);
    expect(h.fake.appMessages(who)).toHaveLength(1);
  });

  it('answers a card click at once with an encrypted passive reply that greys the buttons', async () => {
    const who = member();
    const res = await h.post(cardClick(who, 'h', 'task1', h.fake.corpId, h.fake.issueResponseCode(), Math.floor(h.clock.now / 1000)));
    expect(res.status).toBe(200);
    const body = await res.text();
    const encrypt = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(body)![1]!;
    const ts = /<TimeStamp>(\d+)<\/TimeStamp>/.exec(body)![1]!;
    const nonce = /<Nonce><!\[CDATA\[([^\]]+)\]\]><\/Nonce>/.exec(body)![1]!;
    expect(body).toContain(`<MsgSignature><![CDATA[${oracle.getSignature(TOKEN, ts, nonce, encrypt)}]]>`);
    const plain = oracle.decrypt(AES_KEY, encrypt);
    expect(plain.id).toBe(h.fake.corpId);
    expect(plain.message).toContain('<MsgType><![CDATA[update_button]]></MsgType>');
    expect(plain.message).toContain(`<ToUserName><![CDATA[${who}]]>`);
    // The click's action (help) is then done through the inbox.
    await h.fake.waitFor('message/send', h.fake.callsTo('message/send').length + 1);
    expect(h.fake.appMessages(who).length).toBeGreaterThan(0);
  });

  it('refetches the access token once when WeCom invalidates it', async () => {
    const fetched = h.api.tokenFetches.app;
    h.fake.invalidateTokens(42001);
    const who = member();
    expect(await h.channel.push(who, 'token test')).toBe(true);
    expect(h.api.tokenFetches.app).toBe(fetched + 1);
    expect(h.fake.appMessages(who)).toHaveLength(1);
    h.fake.invalidateTokens(40014);
    expect(await h.channel.push(who, 'token test 2')).toBe(true);
    expect(h.api.tokenFetches.app).toBe(fetched + 2);
  });

  it('refetches the token only once: a second 42001 in a row is an error, not a loop', async () => {
    const fetched = h.api.tokenFetches.app;
    const calls = h.fake.callsTo('message/send').length;
    h.fake.failNext('message/send', { errcode: 42001, errmsg: 'access_token expired' }, { times: 2 });
    await expect(h.channel.push(member(), 'twice expired')).rejects.toThrow(/42001/);
    expect(h.api.tokenFetches.app).toBe(fetched + 1);
    expect(h.fake.callsTo('message/send').length).toBe(calls + 2);
  });

  it('answers once through a WeCom outage: a 502 and a busy -1 are retried from the inbox', async () => {
    const who = member();
    h.fake.failNext('message/send', { status: 502 });
    h.fake.failNext('message/send', { errcode: -1, errmsg: 'system busy' }, { skip: 1 });
    const calls = h.fake.callsTo('message/send').length;
    expect((await h.post(appText(who, '/help', `7009${n}`, h.fake.corpId, Math.floor(h.clock.now / 1000)))).status).toBe(200);
    await expect.poll(() => h.fake.appMessages(who).length, { timeout: 20_000, interval: 100 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 600));
    const mine = h.fake.callsTo('message/send').slice(calls).filter((c) => c.body.touser === who);
    expect(mine.map((c) => c.errcode)).toEqual([-1, -1, 0]);
    expect(h.fake.appMessages(who)).toHaveLength(1);
  });

  it('refuses to send a text over 2,048 bytes rather than have WeCom reject it', async () => {
    const calls = h.fake.callsTo('message/send').length;
    await expect(h.channel.sender.send(member(), { msgtype: 'text', text: { content: '专'.repeat(683) } })).rejects.toThrow(RangeError);
    expect(h.fake.callsTo('message/send').length).toBe(calls);
  });

  it('holds 30 messages a minute per member, so WeCom drops none', async () => {
    const who = member();
    const start = h.clock.now;
    for (let i = 0; i < 45; i++) expect(await h.channel.push(who, `burst ${i}`)).toBe(true);
    expect(h.fake.appMessages(who)).toHaveLength(45);
    expect(h.fake.callsTo('message/send').filter((c) => c.dropped)).toHaveLength(0);
    expect(h.fake.memberLimiter.maxPerKey).toBeLessThanOrEqual(30);
    // 45 messages need a second minute, not more.
    expect(h.clock.now - start).toBeGreaterThanOrEqual(60_000);
    expect(h.clock.now - start).toBeLessThan(62_000);
  });

  it('shows the published 微信客服 link on the web chat page, and refuses one that is not https', async () => {
    const kfUrl = 'https://work.weixin.qq.com/kf/kfc0123456789abcdef?enc_scene=ENCweb&scene_param="1"';
    const web = createHttpApp({ pipeline: h.env.services.pipeline, log: createLogger('silent'), clock: () => new Date(h.clock.now), readiness: {}, wechatKfUrl: kfUrl });
    const page = await (await web.request('http://localhost/')).text();
    expect(page).toContain('<a href="https://work.weixin.qq.com/kf/kfc0123456789abcdef?enc_scene=ENCweb&amp;scene_param=&quot;1&quot;" target="_blank" rel="noopener noreferrer">在微信中咨询');
    expect(page).not.toContain('<!--wechat-kf-link-->');
    expect(await (await h.app.request('http://localhost/')).text()).not.toContain('data-test="wechat-kf"');
    expect(() => loadConfig({ WECOM_KF_URL: 'http://work.weixin.qq.com/kfid/kfc01' })).toThrow(/WECOM_KF_URL/);
  });

  it('splits a long text at 2,048 bytes', async () => {
    const who = member();
    const long = Array.from({ length: 300 }, (_, i) => `第${i}行：湖北 锂电池 专利`).join('\n');
    expect(await h.channel.push(who, long)).toBe(true);
    const sent = h.fake.appMessages(who).map((m) => (m.text as { content: string }).content);
    expect(sent.length).toBeGreaterThan(1);
    for (const s of sent) expect(Buffer.byteLength(s)).toBeLessThanOrEqual(2048);
    expect(sent.join('\n')).toBe(long);
  });
});
