/**
 * Feishu event envelope (schema 2.0) → InboundMessage. im.message.receive_v1: text messages in a
 * direct chat (p2p → 'private'), and in groups only when the bot is @-mentioned (→ 'group'), the
 * mention removed; messages from apps (ourselves included) are ignored. Text starting with `/`
 * is a command, as in Telegram (Feishu has no native slash commands for bots). card.action.trigger:
 * the button's `value.a` decoded with decodeAction; one that does not decode is an expired button.
 */
import { decodeAction } from '../../src/core/actions.js';
import { isCommandName } from '../../src/core/commands.js';
import type { InboundMessage } from '../../src/core/types.js';

export interface FeishuEnvelope {
  schema?: string;
  header?: { event_id?: string; event_type?: string; token?: string; app_id?: string; create_time?: string };
  event?: Record<string, unknown>;
}

export type FeishuMapped =
  | { kind: 'message'; msg: InboundMessage }
  | { kind: 'expired-button'; chatId: string }
  | { kind: 'ignore'; reason: string };

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null ? (v as Obj) : {});

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:\s+([\s\S]*))?$/;

/** The dedupe id: message_id for messages (Feishu: "请使用 message_id 去重，不要依赖 event_id"); a key per click for cards. */
export function feishuUpdateId(env: FeishuEnvelope): string | undefined {
  const e = obj(env.event);
  if (env.header?.event_type === 'im.message.receive_v1') return str(obj(e.message).message_id);
  if (env.header?.event_type === 'card.action.trigger') {
    const ctx = obj(e.context);
    const msg = str(ctx.open_message_id);
    const who = str(obj(e.operator).open_id);
    const value = str(obj(obj(e.action).value).a) ?? JSON.stringify(obj(e.action).value ?? null);
    // The callback token is new for every click, so two deliberate clicks are two updates.
    const token = str(e.token) ?? str(env.header?.event_id);
    return msg && who && token ? `card:${msg}:${who}:${value.slice(0, 64)}:${token}` : undefined;
  }
  return undefined;
}

export function feishuChatId(env: FeishuEnvelope): string | undefined {
  const e = obj(env.event);
  if (env.header?.event_type === 'im.message.receive_v1') return str(obj(e.message).chat_id);
  if (env.header?.event_type === 'card.action.trigger') return str(obj(e.context).open_chat_id) ?? str(obj(e.operator).open_id);
  return undefined;
}

export function mapFeishu(env: FeishuEnvelope, botOpenId: string, now = new Date()): FeishuMapped {
  const updateId = feishuUpdateId(env);
  if (!updateId) return { kind: 'ignore', reason: `event ${env.header?.event_type ?? 'without a type'}` };
  const base = { platform: 'feishu' as const, updateId, receivedAt: now, raw: env };
  const e = obj(env.event);

  if (env.header?.event_type === 'card.action.trigger') {
    const chatId = feishuChatId(env)!;
    const openId = str(obj(e.operator).open_id)!;
    const action = decodeAction(String(obj(obj(e.action).value).a ?? ''));
    if (!action) return { kind: 'expired-button', chatId };
    // A p2p chat's id does not say it is p2p; the card remembers nothing either. Cards in groups are
    // what matter here (lead notices): answering as 'group' never leaks a private link.
    return { kind: 'message', msg: { ...base, userId: openId, chatId, conversation: 'group', action } };
  }

  const sender = obj(e.sender);
  const message = obj(e.message);
  const openId = str(obj(sender.sender_id).open_id);
  if (sender.sender_type !== 'user' || !openId || openId === botOpenId) return { kind: 'ignore', reason: 'from an app or ourselves' };
  const chatId = str(message.chat_id);
  if (!chatId) return { kind: 'ignore', reason: 'no chat' };
  if (message.message_type !== 'text') return { kind: 'ignore', reason: `message type ${String(message.message_type)}` };
  let text: string;
  try {
    text = String(obj(JSON.parse(String(message.content ?? ''))).text ?? '');
  } catch {
    return { kind: 'ignore', reason: 'content is not JSON' };
  }
  const group = message.chat_type !== 'p2p';
  const mentions = Array.isArray(message.mentions) ? (message.mentions as Obj[]) : [];
  const mentionsBot = mentions.some((m) => obj(m.id).open_id === botOpenId);
  if (group && !mentionsBot) return { kind: 'ignore', reason: 'group message without a mention of the bot' };
  // Mentions arrive as placeholders (@_user_1): drop the bot's, show others by name.
  for (const m of mentions) {
    const key = str(m.key);
    if (key) text = text.split(key).join(obj(m.id).open_id === botOpenId ? ' ' : `@${str(m.name) ?? ''}`);
  }
  text = text.replace(/[ \t]+/g, ' ').trim();
  const who = { userId: openId, chatId, conversation: group ? ('group' as const) : ('private' as const) };
  const cmd = COMMAND.exec(text);
  const name = cmd?.[1]!.toLowerCase() ?? '';
  if (cmd && isCommandName(name)) return { kind: 'message', msg: { ...base, ...who, command: { name, args: (cmd[2] ?? '').trim() } } };
  return { kind: 'message', msg: { ...base, ...who, text } };
}
