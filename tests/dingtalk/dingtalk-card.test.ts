/**
 * Group interactive cards: the StandardCard JSON carries our action codes as request-button ids,
 * the cardBizId brings the group back from a callback, and taps that are not ours or carry a code
 * that does not decode are ignored or answered as expired — never guessed.
 */
import { describe, expect, it } from 'vitest';
import { cardConversation, cardUpdateId, mapCardCallback, newCardBizId, standardCardData } from '../../bots/dingtalk/dingtalk-card.js';
import { renderDingTalk } from '../../bots/dingtalk/dingtalk-render.js';
import { encodeAction } from '../../src/core/actions.js';

const tap = (cardBizId: string, actionId: string, userId = 'staff1') => {
  const content = JSON.stringify({ cardPrivateData: { actionIds: [actionId], params: {} } });
  return { outTrackId: cardBizId, userId, content, value: content, corpId: 'dingcorp', type: 'actionCallback' };
};

describe('dingtalk group cards', () => {
  it('renders buttons (list items too) as request buttons and links as openLink, without text-back links', () => {
    const [out] = renderDingTalk([{ text: '结果 *1*', items: [{ title: 'A', lines: ['x'], buttons: [{ label: '详情', action: { type: 'detail', patentId: 'p1' } }] }], buttons: [[{ label: '更多', action: { type: 'more', page: 2 } }]], link: { label: '网站', url: 'https://example.org/x' } }]);
    expect(out!.kind).toBe('card');
    const card = JSON.parse(standardCardData((out as { interactive: Parameters<typeof standardCardData>[0] }).interactive)) as { contents: { type: string; text?: string; actions?: { id: string; actionType: string; label: { text: string }; url?: { all: string } }[] }[] };
    const actions = card.contents.find((c) => c.type === 'action')!.actions!;
    expect(actions.map((a) => [a.label.text, a.actionType])).toEqual([['1. 详情', 'request'], ['更多', 'request'], ['网站', 'openLink']]);
    expect(actions[0]!.id).toBe(encodeAction({ type: 'detail', patentId: 'p1' }));
    expect(actions[2]!.url!.all).toBe('https://example.org/x');
    const body = card.contents.find((c) => c.type === 'markdown')!.text!;
    expect(body).toContain('结果 \\*1\\*');
    expect(body).not.toContain('dtmd://');
  });

  it('brings the group back from the cardBizId and maps a tap to the action', () => {
    const id = newCardBizId('cidAbc+/==');
    expect(cardConversation(id)).toBe('cidAbc+/==');
    expect(newCardBizId('cidAbc+/==')).not.toBe(id);
    expect(cardConversation('someone-elses-card')).toBeUndefined();
    const code = encodeAction({ type: 'lead_claim', offerId: 7 });
    const data = tap(id, code);
    const updateId = cardUpdateId(data, 'frame1')!;
    expect(cardUpdateId(data, 'frame2')).not.toBe(updateId);
    const mapped = mapCardCallback(data, updateId);
    expect(mapped).toMatchObject({ kind: 'message', target: { kind: 'group', conversationId: 'cidAbc+/==' }, msg: { userId: 'staff1', chatId: 'cidAbc+/==', conversation: 'group', action: { type: 'lead_claim', offerId: 7 } } });
  });

  it('answers a code that does not decode as an expired button, and ignores cards that are not ours', () => {
    const id = newCardBizId('cidG');
    expect(mapCardCallback(tap(id, 'zz:not-a-code'), 'u1').kind).toBe('expired-button');
    expect(mapCardCallback(tap('foreign-card', encodeAction({ type: 'help' })), 'u2').kind).toBe('ignore');
    expect(cardUpdateId({ outTrackId: id, userId: 'x', content: 'not json' }, 'f')).toBeUndefined();
    expect(cardUpdateId(tap('foreign-card', 'h'), 'f')).toBeUndefined();
  });
});
