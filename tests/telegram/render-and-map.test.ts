import type { Update } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { escapeHtml, pack, renderTelegram } from '../../bots/telegram/telegram-html.js';
import { mapUpdate } from '../../bots/telegram/telegram-update.js';

const msg = (text: string, chatType: 'private' | 'group' = 'private', extra: Record<string, unknown> = {}) =>
  ({
    update_id: 10,
    message: { message_id: 1, date: 0, text, chat: { id: chatType === 'private' ? 42 : -100, type: chatType }, from: { id: 42, is_bot: false, first_name: 'A', language_code: 'zh-hans' }, ...extra },
  }) as unknown as Update;

describe('renderTelegram', () => {
  it('escapes every user-supplied string and adds markup only around escaped text', () => {
    const [out] = renderTelegram([{ text: 'a <b> & </a> "q"', items: [{ title: '<i>x</i>', lines: ['1 < 2 & 3'], buttons: [{ label: '详情', action: { type: 'detail', patentId: 'CN119900001A' } }] }] }]);
    expect(out!.text).toContain('a &lt;b&gt; &amp; &lt;/a&gt; &quot;q&quot;');
    expect(out!.text).toContain('<b>1. &lt;i&gt;x&lt;/i&gt;</b>');
    expect(out!.text).toContain('1 &lt; 2 &amp; 3');
    expect(out!.reply_markup!.inline_keyboard).toEqual([[{ text: '1. 详情', callback_data: 'd:CN119900001A' }]]);
    expect(escapeHtml('&amp;')).toBe('&amp;amp;');
  });

  it('splits long replies at line boundaries under 4096 characters, buttons on the last part', () => {
    const text = Array.from({ length: 300 }, (_, i) => `第${i}行 <内容> ` + '专利'.repeat(10)).join('\n');
    const outs = renderTelegram([{ text, buttons: [[{ label: 'Help', action: { type: 'help' } }]] }]);
    expect(outs.length).toBeGreaterThan(1);
    for (const o of outs) expect(o.text.length).toBeLessThanOrEqual(4096);
    expect(outs.slice(0, -1).every((o) => !o.reply_markup)).toBe(true);
    expect(outs.at(-1)!.reply_markup).toBeDefined();
    expect(outs.map((o) => o.text).join('\n')).toBe(escapeHtml(text));
  });

  it('cuts a single enormous line too', () => {
    const outs = renderTelegram([{ text: '&'.repeat(20_000) }]);
    for (const o of outs) expect(o.text.length).toBeLessThanOrEqual(4096);
    expect(outs.map((o) => o.text).join('').replace(/\n/g, '')).toBe('&amp;'.repeat(20_000));
    expect(pack(['a', 'b', 'c'], 3)).toEqual(['a\nb', 'c']);
  });
});

describe('mapUpdate', () => {
  it('maps private text, commands with and without @bot, and arguments', () => {
    expect(mapUpdate(msg('湖北 锂电池'), 'pb_bot')).toMatchObject({ kind: 'message', msg: { platform: 'telegram', updateId: '10', userId: '42', chatId: '42', text: '湖北 锂电池', localeHint: 'zh-hans' } });
    expect(mapUpdate(msg('/search 湖北 锂电池'), 'pb_bot')).toMatchObject({ msg: { command: { name: 'search', args: '湖北 锂电池' } } });
    expect(mapUpdate(msg('/start@PB_bot'), 'pb_bot')).toMatchObject({ msg: { command: { name: 'start', args: '' } } });
    expect(mapUpdate(msg('/language en'), 'pb_bot')).toMatchObject({ msg: { command: { name: 'language', args: 'en' } } });
    expect(mapUpdate(msg('/start@other_bot'), 'pb_bot')).toMatchObject({ kind: 'ignore' });
  });

  it('answers only commands and mentions in groups', () => {
    expect(mapUpdate(msg('大家好', 'group'), 'pb_bot')).toMatchObject({ kind: 'ignore' });
    expect(mapUpdate(msg('/help', 'group'), 'pb_bot')).toMatchObject({ kind: 'message', msg: { command: { name: 'help' } } });
    expect(mapUpdate(msg('@pb_bot 湖北 锂电池', 'group'), 'pb_bot')).toMatchObject({ kind: 'message', msg: { text: '湖北 锂电池', chatId: '-100' } });
    expect(mapUpdate(msg('/unknowncmd', 'group'), 'pb_bot')).toMatchObject({ kind: 'ignore' });
    // who sees the answer: the group, or only the person (console links go only to the latter)
    expect(mapUpdate(msg('/console', 'group'), 'pb_bot')).toMatchObject({ msg: { conversation: 'group' } });
    expect(mapUpdate(msg('/console'), 'pb_bot')).toMatchObject({ msg: { conversation: 'private' } });
  });

  it('maps button presses, and flags data it did not produce', () => {
    const cb = (data: string) => ({ update_id: 11, callback_query: { id: 'q1', from: { id: 42, is_bot: false, first_name: 'A' }, chat_instance: 'x', data, message: { message_id: 5, date: 0, chat: { id: 42, type: 'private' } } } }) as unknown as Update;
    expect(mapUpdate(cb('m:2'), 'pb_bot')).toMatchObject({ kind: 'message', callbackQueryId: 'q1', msg: { action: { type: 'more', page: 2 }, chatId: '42' } });
    expect(mapUpdate(cb('<script>'), 'pb_bot')).toEqual({ kind: 'expired-button', chatId: '42', callbackQueryId: 'q1' });
  });

  it('ignores what it cannot answer', () => {
    expect(mapUpdate({ update_id: 1 } as Update, 'pb_bot')).toMatchObject({ kind: 'ignore' });
    expect(mapUpdate(msg('hi', 'private', { from: { id: 1, is_bot: true, first_name: 'B' } }), 'pb_bot')).toMatchObject({ kind: 'ignore' });
    expect(mapUpdate({ update_id: 2, message: { message_id: 1, date: 0, chat: { id: 1, type: 'private' }, from: { id: 1, is_bot: false, first_name: 'A' }, photo: [] } } as unknown as Update, 'pb_bot')).toMatchObject({ kind: 'ignore' });
  });
});
