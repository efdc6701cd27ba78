/**
 * DingTalk robot interactive cards (互动卡片普通版) for group chats, where text-back buttons cannot
 * work (the message they post does not @-mention the robot, so DingTalk never delivers it).
 *
 *  - Sent with `POST /v1.0/im/v1.0/robot/interactiveCards/send` {cardTemplateId: 'StandardCard',
 *    cardBizId, robotCode, openConversationId, cardData: JSON string, callbackType: 'STREAM'} and
 *    updated in place with `PUT /v1.0/im/robots/interactiveCards` {cardBizId, cardData}
 *    (open.dingtalk.com/document/orgapp/robots-send-interactive-cards and
 *    …/update-the-robot-to-send-interactive-cards, as called by open-dingtalk's Python Stream SDK
 *    `chatbot.py` and several connectors). `StandardCard` is the built-in card-builder JSON template,
 *    so nothing has to be built in the card platform; the app needs the robot-sending permission and,
 *    per reports, `Card.Instance.Write`.
 *  - Buttons are `actionType: 'request'` buttons whose `id` is our encoded action. A tap reaches us
 *    as a CALLBACK frame on topic `/v1.0/card/instances/callback` with data {outTrackId (our
 *    cardBizId), userId (the staff id), corpId, content: '{"cardPrivateData":{"actionIds":[id],
 *    "params":{}}}'} (open-dingtalk's SDKs' CardCallbackMessage), acknowledged like robot messages.
 *  - The callback does not name the conversation, so the cardBizId carries it:
 *    `pb1.<base64url(openConversationId)>.<random>` (the id is ours to choose and idempotent: a retry
 *    with the same id does not post a second card).
 */
import { randomBytes } from 'node:crypto';
import { decodeAction } from '../../src/core/actions.js';
import type { DingTalkMapped } from './dingtalk-map.js';
import type { InteractiveOut } from './dingtalk-render.js';

export const TOPIC_CARD = '/v1.0/card/instances/callback';
const PREFIX = 'pb1.';

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

export function newCardBizId(conversationId: string): string {
  return `${PREFIX}${Buffer.from(conversationId, 'utf8').toString('base64url')}.${randomBytes(6).toString('hex')}`;
}

/** The group a card of ours was posted to, from its cardBizId; undefined for anything else. */
export function cardConversation(cardBizId: string): string | undefined {
  if (!cardBizId.startsWith(PREFIX)) return undefined;
  const encoded = cardBizId.slice(PREFIX.length).split('.')[0] ?? '';
  const id = Buffer.from(encoded, 'base64url').toString('utf8');
  return id.startsWith('cid') ? id : undefined;
}

/** The StandardCard JSON (as the string the API takes): a markdown body and one row of buttons. */
export function standardCardData(card: InteractiveOut): string {
  const buttons = card.actions.map((a, i) =>
    'code' in a
      ? { type: 'button', label: { type: 'text', text: a.title, id: `label${i}` }, actionType: 'request', status: i === 0 ? 'primary' : 'normal', id: a.code }
      : { type: 'button', label: { type: 'text', text: a.title, id: `label${i}` }, actionType: 'openLink', url: { all: a.url }, status: 'normal', id: `link${i}` },
  );
  return JSON.stringify({
    config: { autoLayout: true, enableForward: false },
    header: { title: { type: 'text', text: card.title } },
    contents: [{ type: 'markdown', text: card.markdown, id: 'body' }, ...(buttons.length ? [{ type: 'action', actions: buttons, id: 'actions' }] : [])],
  });
}

function actionIdOf(data: Obj): string | undefined {
  for (const field of [data.content, data.value]) {
    try {
      const parsed = (typeof field === 'string' ? JSON.parse(field) : field) as { cardPrivateData?: { actionIds?: unknown } } | undefined;
      const ids = parsed?.cardPrivateData?.actionIds;
      if (Array.isArray(ids) && typeof ids[0] === 'string') return ids[0];
    } catch {
      // try the other field
    }
  }
  return undefined;
}

/** The inbox key of one tap on one of our cards: a re-push of the same frame keeps it, a second tap gets a new frame id. */
export function cardUpdateId(data: Obj, frameId: string | undefined): string | undefined {
  const card = str(data.outTrackId);
  const user = str(data.userId);
  const action = actionIdOf(data);
  return card && cardConversation(card) && user && action && frameId ? `card:${card}:${user}:${action.slice(0, 64)}:${frameId}` : undefined;
}

export function cardChatId(data: Obj): string | undefined {
  const card = str(data.outTrackId);
  return card ? cardConversation(card) : undefined;
}

/** A card tap → the same InboundMessage a Telegram button press gives; an unknown code is an expired button. */
export function mapCardCallback(data: Obj, updateId: string, now = new Date()): DingTalkMapped {
  const conversationId = cardChatId(data);
  const userId = str(data.userId);
  const code = actionIdOf(data);
  if (!conversationId || !userId || !code) return { kind: 'ignore', reason: 'card callback without our card, a user or an action' };
  const target = { kind: 'group' as const, conversationId };
  const action = decodeAction(code);
  if (!action) return { kind: 'expired-button', target };
  return {
    kind: 'message',
    msg: { platform: 'dingtalk', updateId, userId, chatId: conversationId, conversation: 'group', receivedAt: now, raw: data, action },
    target,
  };
}
