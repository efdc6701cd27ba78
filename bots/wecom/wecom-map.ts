/**
 * WeCom payloads → InboundMessage.
 *  - Self-built app (decrypted callback XML): text messages and template-card clicks
 *    (template_card_event; EventKey is our encoded Action). updateId = MsgId, else
 *    FromUserName:CreateTime:Event (plus the card's TaskId and key, so two clicks in one second on
 *    two cards stay two). Always a private chat between the member and the app.
 *  - 微信客服 (kf/sync_msg entries): text from customers (origin 3); a menu click is a text message
 *    whose menu_id is our encoded Action. updateId = msgid.
 * Text that starts with a known /command becomes that command, as on the other channels.
 */
import { decodeAction } from '../../src/core/actions.js';
import { isCommandName } from '../../src/core/commands.js';
import type { InboundMessage } from '../../src/core/types.js';
import type { KfMessage } from './kf-store.js';
import { field, type WecomXml } from './wecom-xml.js';

export type WecomMapped =
  | { kind: 'message'; msg: InboundMessage; card?: { taskId: string; responseCode?: string } }
  | { kind: 'expired-button'; chatId: string }
  | { kind: 'not-text'; chatId: string }
  | { kind: 'ignore'; reason: string };

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:\s+([\s\S]*))?$/;

export function textOrCommand(text: string): Pick<InboundMessage, 'text' | 'command'> {
  const m = COMMAND.exec(text.trim());
  const name = m?.[1]?.toLowerCase();
  return m && name && isCommandName(name) ? { command: { name, args: (m[2] ?? '').trim() } } : { text };
}

export function appUpdateId(x: WecomXml): string | undefined {
  const msgId = field(x, 'MsgId');
  if (msgId) return msgId;
  const from = field(x, 'FromUserName');
  const created = field(x, 'CreateTime');
  if (!from || !created) return undefined;
  return [from, created, field(x, 'Event') ?? '', field(x, 'TaskId') ?? '', field(x, 'EventKey') ?? ''].join(':');
}

export function mapApp(x: WecomXml, now = new Date()): WecomMapped {
  const updateId = appUpdateId(x);
  const from = field(x, 'FromUserName');
  if (!updateId || !from) return { kind: 'ignore', reason: 'no sender or id' };
  const base = { platform: 'wecom' as const, updateId, userId: from, chatId: from, conversation: 'private' as const, receivedAt: now };
  const type = field(x, 'MsgType');
  if (type === 'text') return { kind: 'message', msg: { ...base, ...textOrCommand(field(x, 'Content') ?? '') } };
  if (type === 'event' && field(x, 'Event') === 'template_card_event') {
    const action = decodeAction(field(x, 'EventKey') ?? '');
    if (!action) return { kind: 'expired-button', chatId: from };
    const taskId = field(x, 'TaskId') ?? '';
    const responseCode = field(x, 'ResponseCode');
    return { kind: 'message', msg: { ...base, action }, card: { taskId, ...(responseCode ? { responseCode } : {}) } };
  }
  if (type === 'event') return { kind: 'ignore', reason: `event ${field(x, 'Event') ?? '?'}` };
  return { kind: 'not-text', chatId: from };
}

export function mapKf(m: KfMessage, now = new Date()): WecomMapped {
  const ext = m.external_userid;
  if (m.origin !== 3 || !ext) return { kind: 'ignore', reason: `origin ${m.origin}` };
  const base = { platform: 'wechat' as const, updateId: m.msgid, userId: ext, chatId: ext, conversation: 'private' as const, receivedAt: now };
  if (m.msgtype !== 'text') return { kind: 'not-text', chatId: ext };
  const text = (m.text ?? {}) as { content?: unknown; menu_id?: unknown };
  if (typeof text.menu_id === 'string' && text.menu_id) {
    const action = decodeAction(text.menu_id);
    return action ? { kind: 'message', msg: { ...base, action } } : { kind: 'expired-button', chatId: ext };
  }
  return { kind: 'message', msg: { ...base, ...textOrCommand(typeof text.content === 'string' ? text.content : '') } };
}
