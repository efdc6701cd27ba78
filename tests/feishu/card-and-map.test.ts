/** Feishu rendering and inbound mapping, as pure functions. */
import { describe, expect, it } from 'vitest';
import { MAX_CARD_BYTES, renderFeishu } from '../../bots/feishu/feishu-card.js';
import { feishuUpdateId, mapFeishu } from '../../bots/feishu/feishu-map.js';
import { BOT_OPEN_ID, cardActionEvent, messageEvent } from '../support/fake-feishu.js';

const cards = (r: Parameters<typeof renderFeishu>[0]) => renderFeishu(r).map((o) => JSON.parse(o.content) as { schema: string; config: { update_multi: boolean }; body: { elements: unknown[] } });

describe('renderFeishu', () => {
  it('puts every string in plain_text, never markdown, with our actions in button values', () => {
    const [card] = cards([{ text: '**bold** <at id=all></at> [x](http://evil)', items: [{ title: 't <b>', lines: ['l1'], buttons: [{ label: '详情', action: { type: 'detail', patentId: 'CN1234567A' } }] }], buttons: [[{ label: 'Help', action: { type: 'help' } }]], link: { label: 'Open', url: 'https://expo.example.cn/' } }]);
    expect(card!.schema).toBe('2.0');
    expect(card!.config.update_multi).toBe(true);
    const json = JSON.stringify(card);
    expect(json).not.toMatch(/lark_md|"markdown"/);
    expect(json).toContain('"content":"**bold** <at id=all></at> [x](http://evil)"');
    expect(json).toContain('{"type":"callback","value":{"a":"d:CN1234567A"}}');
    expect(json).toContain('{"type":"callback","value":{"a":"h"}}');
    expect(json).toContain('{"type":"open_url","default_url":"https://expo.example.cn/"}');
  });

  it('splits a reply over the 30 KB card limit, buttons on the last card', () => {
    const out = renderFeishu([{ text: Array.from({ length: 400 }, (_, i) => `第${i}行 专利说明 `.repeat(10)).join('\n'), buttons: [[{ label: 'Help', action: { type: 'help' } }]] }]);
    expect(out.length).toBeGreaterThan(1);
    for (const o of out) expect(Buffer.byteLength(o.content)).toBeLessThanOrEqual(MAX_CARD_BYTES);
    expect(out.filter((o) => o.content.includes('"a":"h"'))).toHaveLength(1);
    expect(out.at(-1)!.content).toContain('"a":"h"');
  });
});

describe('mapFeishu', () => {
  const map = (env: unknown) => mapFeishu(env as never, BOT_OPEN_ID);
  it('maps a direct message as private, with message_id as the dedupe id', () => {
    const env = messageEvent({ text: '湖北 锂电池', messageId: 'om_1', openId: 'ou_a' });
    expect(feishuUpdateId(env)).toBe('om_1');
    expect(map(env)).toMatchObject({ kind: 'message', msg: { platform: 'feishu', updateId: 'om_1', userId: 'ou_a', conversation: 'private', text: '湖北 锂电池' } });
  });

  it('takes group messages only when the bot is mentioned, without the mention; /commands map to commands', () => {
    expect(map(messageEvent({ text: 'hello', chatType: 'group', chatId: 'oc_g', mention: false }))).toMatchObject({ kind: 'ignore' });
    expect(map(messageEvent({ text: 'hello', chatType: 'group', chatId: 'oc_g', mention: 'ou_someone_else' }))).toMatchObject({ kind: 'ignore' });
    expect(map(messageEvent({ text: '锂电池', chatType: 'group', chatId: 'oc_g' }))).toMatchObject({ kind: 'message', msg: { chatId: 'oc_g', conversation: 'group', text: '锂电池' } });
    expect(map(messageEvent({ text: '/inbox', chatType: 'group', chatId: 'oc_g' }))).toMatchObject({ kind: 'message', msg: { command: { name: 'inbox', args: '' } } });
    expect(map(messageEvent({ text: '/join AB12CD' }))).toMatchObject({ kind: 'message', msg: { command: { name: 'join', args: 'AB12CD' } } });
    expect(map(messageEvent({ text: '/nope x' }))).toMatchObject({ kind: 'message', msg: { text: '/nope x' } });
  });

  it('ignores apps, ourselves and non-text messages', () => {
    expect(map(messageEvent({ text: 'x', senderType: 'app' }))).toMatchObject({ kind: 'ignore' });
    expect(map(messageEvent({ text: 'x', openId: BOT_OPEN_ID }))).toMatchObject({ kind: 'ignore' });
    const img = messageEvent({ text: 'x' });
    (img.event.message as Record<string, unknown>).message_type = 'image';
    expect(map(img)).toMatchObject({ kind: 'ignore' });
  });

  it('decodes card clicks; a value that does not decode is an expired button; each click has its own id', () => {
    const a = cardActionEvent({ value: { a: 'lc:12' }, messageId: 'om_n', chatId: 'oc_g', openId: 'ou_s', token: 'c-1' });
    const b = cardActionEvent({ value: { a: 'lc:12' }, messageId: 'om_n', chatId: 'oc_g', openId: 'ou_s', token: 'c-2' });
    expect(map(a)).toMatchObject({ kind: 'message', msg: { userId: 'ou_s', chatId: 'oc_g', action: { type: 'lead_claim', offerId: 12 } } });
    expect(feishuUpdateId(a)).toBe('card:om_n:ou_s:lc:12:c-1');
    expect(feishuUpdateId(a)).not.toBe(feishuUpdateId(b));
    expect(map(cardActionEvent({ value: { a: 'zz:9' }, messageId: 'om_n', chatId: 'oc_g' }))).toEqual({ kind: 'expired-button', chatId: 'oc_g' });
  });
});
