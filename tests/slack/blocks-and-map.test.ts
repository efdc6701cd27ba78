import { describe, expect, it } from 'vitest';
import { chunkText, MAX_BLOCKS, renderSlack } from '../../bots/slack/slack-blocks.js';
import { mapSlack, slackToPlain } from '../../bots/slack/slack-map.js';

const BOT = 'UBOT0001';
const event = (ev: Record<string, unknown>) => ({ type: 'event_callback', event_id: 'Ev1', team_id: 'T1', event: { ts: '1700000000.000100', user: 'U1', channel: 'D1', channel_type: 'im', type: 'message', text: 'hi', ...ev } });

describe('renderSlack', () => {
  it('puts user strings in plain_text, escapes the fallback, and keeps buttons to ids', () => {
    const [out] = renderSlack([{ text: '<!channel> *bold* <@U123> & co', items: [{ title: '<@U999>', lines: ['a'], buttons: [{ label: '详情', action: { type: 'detail', patentId: 'CN119900001A' } }] }] }]);
    expect(out!.text).toBe('&lt;!channel&gt; *bold* &lt;@U123&gt; &amp; co');
    const section = out!.blocks[0] as { text: { type: string; text: string } };
    expect(section.text).toEqual({ type: 'plain_text', text: '<!channel> *bold* <@U123> & co', emoji: false });
    const actions = out!.blocks.find((b) => b.type === 'actions') as { elements: { action_id: string; value: string }[] };
    expect(actions.elements).toEqual([expect.objectContaining({ action_id: 'pb-0', value: 'd:CN119900001A' })]);
    expect(JSON.stringify(out!.blocks)).not.toContain('mrkdwn');
  });

  it('keeps sections under 3,000 characters and messages under 50 blocks', () => {
    const long = Array.from({ length: 400 }, (_, i) => `line ${i} ` + 'x'.repeat(40)).join('\n');
    const items = Array.from({ length: 30 }, (_, i) => ({ title: `t${i}`, lines: ['l'], buttons: [{ label: 'b', action: { type: 'help' as const } }] }));
    const outs = renderSlack([{ text: long, items }]);
    expect(outs.length).toBeGreaterThan(1);
    for (const o of outs) {
      expect(o.blocks.length).toBeLessThanOrEqual(MAX_BLOCKS);
      for (const b of o.blocks) if (b.type === 'section') expect(b.text.text.length).toBeLessThanOrEqual(3000);
    }
    expect(chunkText('a'.repeat(7000)).map((c) => c.length)).toEqual([3000, 3000, 1000]);
  });
});

describe('mapSlack', () => {
  it('maps a DM without a thread and a mention into a thread, stripping the mention', () => {
    expect(mapSlack(event({ text: '湖北 锂电池' }), BOT)).toMatchObject({ kind: 'message', msg: { platform: 'slack', updateId: 'Ev1', userId: 'U1', chatId: 'D1', text: '湖北 锂电池' }, target: { kind: 'channel', channel: 'D1' } });
    expect((mapSlack(event({}), BOT) as { target: { threadTs?: string } }).target.threadTs).toBeUndefined();
    const m = mapSlack(event({ type: 'app_mention', channel: 'C1', channel_type: 'channel', text: `<@${BOT}> lithium &amp; battery` }), BOT);
    expect(m).toMatchObject({ msg: { text: 'lithium & battery' }, target: { channel: 'C1', threadTs: '1700000000.000100' } });
    expect(mapSlack(event({ type: 'app_mention', channel: 'C1', thread_ts: '1699.1', text: `<@${BOT}> hi` }), BOT)).toMatchObject({ target: { threadTs: '1699.1' } });
    // a mention is answered in the channel's thread, where everybody sees it; a DM only to the person
    expect(m).toMatchObject({ msg: { conversation: 'group' } });
    expect(mapSlack(event({}), BOT)).toMatchObject({ msg: { conversation: 'private' } });
  });

  it('ignores its own, other bots’, edited and channel messages', () => {
    expect(mapSlack(event({ user: BOT }), BOT).kind).toBe('ignore');
    expect(mapSlack(event({ bot_id: 'B2' }), BOT).kind).toBe('ignore');
    expect(mapSlack(event({ subtype: 'message_changed' }), BOT).kind).toBe('ignore');
    expect(mapSlack(event({ channel: 'C1', channel_type: 'channel' }), BOT).kind).toBe('ignore');
  });

  it('maps /patent and button presses, and flags forged button values', () => {
    const cmd = { command: '/patent', text: 'robot', user_id: 'U1', channel_id: 'C1', trigger_id: 'tr1', response_url: 'https://hooks.slack.com/x' };
    expect(mapSlack(cmd, BOT)).toMatchObject({ msg: { updateId: 'cmd:tr1', text: 'robot' }, target: { kind: 'response_url' } });
    expect(mapSlack({ ...cmd, text: '' }, BOT)).toMatchObject({ msg: { command: { name: 'help' } } });
    const act = (value: string, ephemeral = false) => ({
      type: 'block_actions', trigger_id: 'tr2', user: { id: 'U1' }, channel: { id: 'C1' }, response_url: 'https://hooks.slack.com/y',
      container: { is_ephemeral: ephemeral }, message: { ts: '1700.5' }, actions: [{ action_id: 'pb-0', value, action_ts: '1' }],
    });
    expect(mapSlack(act('m:2'), BOT)).toMatchObject({ msg: { action: { type: 'more', page: 2 } }, target: { kind: 'channel', channel: 'C1', threadTs: '1700.5' } });
    expect(mapSlack(act('m:2', true), BOT)).toMatchObject({ target: { kind: 'response_url' } });
    expect(mapSlack(act('<!channel>'), BOT).kind).toBe('expired-button');
  });

  it('turns Slack markup back into what was typed', () => {
    expect(slackToPlain(`<@${BOT}> see <https://x.org|x.org> &lt;b&gt; <#C1|general>`, BOT)).toBe('see x.org <b> general');
  });
});
