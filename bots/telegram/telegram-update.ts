/**
 * Telegram Update → InboundMessage. Private chats: every text message. Groups: only commands
 * (addressed to no bot or to this bot) and messages that mention this bot. Callback queries carry
 * an encoded Action; one that does not decode becomes an "expired button" answer, never a guess.
 */
import type { Update } from 'telegraf/types';
import { decodeAction } from '../../src/core/actions.js';
import { isCommandName } from '../../src/core/commands.js';
import type { InboundMessage } from '../../src/core/types.js';

export type Mapped =
  | { kind: 'message'; msg: InboundMessage; callbackQueryId?: string }
  | { kind: 'expired-button'; chatId: string; callbackQueryId: string; localeHint?: string }
  | { kind: 'ignore'; reason: string; callbackQueryId?: string };

const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:@([A-Za-z0-9_]{3,64}))?(?:\s+([\s\S]*))?$/;

const displayName = (u: { first_name: string; last_name?: string }) => [u.first_name, u.last_name].filter(Boolean).join(' ').slice(0, 60);

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isId = (v: unknown) => Number.isSafeInteger(v);

/**
 * Why an update can never be handled, when it cannot: a message without a chat, a button press
 * without its sender (Telegram does not send these; a broken proxy or a forger might). A redelivery
 * would be the same, so the channel records it as rejected and acknowledges it.
 */
export function unusableUpdate(update: Update): 'no_chat' | 'no_from' | undefined {
  const u = update as unknown as Record<string, unknown>;
  const m = u.message;
  if (m != null) {
    if (!isObj(m) || !isObj(m.chat) || !isId(m.chat.id)) return 'no_chat';
    if (m.from != null && (!isObj(m.from) || !isId(m.from.id))) return 'no_from';
  }
  const q = u.callback_query;
  if (q != null) {
    if (!isObj(q) || !isObj(q.from) || !isId(q.from.id)) return 'no_from';
    if (q.message != null && (!isObj(q.message) || !isObj(q.message.chat) || !isId(q.message.chat.id))) return 'no_chat';
  }
  return undefined;
}

export function mapUpdate(update: Update, botUsername: string, now = new Date()): Mapped {
  const base = { platform: 'telegram' as const, updateId: String(update.update_id), receivedAt: now, raw: update };
  if ('callback_query' in update && update.callback_query) {
    const q = update.callback_query;
    const chatId = q.message?.chat.id ?? q.from.id;
    const data = 'data' in q ? q.data : undefined;
    const action = data ? decodeAction(data) : undefined;
    const localeHint = q.from.language_code;
    if (!action) return { kind: 'expired-button', chatId: String(chatId), callbackQueryId: q.id, ...(localeHint ? { localeHint } : {}) };
    return {
      kind: 'message',
      callbackQueryId: q.id,
      msg: { ...base, userId: String(q.from.id), chatId: String(chatId), conversation: q.message && q.message.chat.type !== 'private' ? 'group' : 'private', displayName: displayName(q.from), action, ...(localeHint ? { localeHint } : {}) },
    };
  }
  if (!('message' in update) || !update.message) return { kind: 'ignore', reason: 'not a message or button' };
  const m = update.message;
  if (!('text' in m) || typeof m.text !== 'string') return { kind: 'ignore', reason: 'not a text message' };
  if (!m.from || m.from.is_bot) return { kind: 'ignore', reason: 'from a bot or a channel' };
  const group = m.chat.type !== 'private';
  const who = { userId: String(m.from.id), chatId: String(m.chat.id), conversation: group ? ('group' as const) : ('private' as const), displayName: displayName(m.from), ...(m.from.language_code ? { localeHint: m.from.language_code } : {}) };
  const cmd = COMMAND.exec(m.text.trim());
  if (cmd) {
    const [, name, target, args] = cmd;
    if (target && target.toLowerCase() !== botUsername.toLowerCase()) return { kind: 'ignore', reason: 'command for another bot' };
    const lower = name!.toLowerCase();
    if (isCommandName(lower)) return { kind: 'message', msg: { ...base, ...who, command: { name: lower, args: (args ?? '').trim() } } };
    if (group) return { kind: 'ignore', reason: 'unknown command in a group' };
    return { kind: 'message', msg: { ...base, ...who, text: m.text } };
  }
  const mention = new RegExp(`@${botUsername.replace(/[^A-Za-z0-9_]/g, '')}\\b`, 'i');
  if (group && !mention.test(m.text)) return { kind: 'ignore', reason: 'group message without a mention' };
  const text = group ? m.text.replace(mention, ' ').trim() : m.text;
  return { kind: 'message', msg: { ...base, ...who, text } };
}
