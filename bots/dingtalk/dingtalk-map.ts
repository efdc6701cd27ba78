/**
 * DingTalk robot message (Stream topic /v1.0/im/bot/messages/get) → InboundMessage plus where the
 * answer goes. conversationType '1' is a private chat, '2' a group; DingTalk delivers group messages
 * to the robot only when it is @-mentioned, with the mention already taken out of `text.content`
 * (we strip a leftover "@name" too). Text starting with `/` is one of our commands, as in Telegram.
 * Buttons are text-back buttons (see dingtalk-render.ts): the person's client sends "<label> (#code)"
 * and the code decodes to an Action; a marker that does not decode is an expired button, never a guess.
 * Dedupe is on `msgId`, which DingTalk keeps when it re-pushes an unacknowledged callback.
 */
import { decodeAction } from '../../src/core/actions.js';
import { isCommandName } from '../../src/core/commands.js';
import type { InboundMessage } from '../../src/core/types.js';

/** Where replies go: the session webhook while it lives, else the robot OpenAPI for this group or person. */
export type DingTalkTarget =
  | { kind: 'group'; conversationId: string; webhook?: Webhook }
  | { kind: 'user'; staffId?: string; webhook?: Webhook };
export interface Webhook {
  url: string;
  /** Epoch ms (sessionWebhookExpiredTime). */
  expiresAt: number;
}

export type DingTalkMapped =
  | { kind: 'message'; msg: InboundMessage; target: DingTalkTarget }
  | { kind: 'expired-button'; target: DingTalkTarget }
  | { kind: 'ignore'; reason: string };

type Obj = Record<string, unknown>;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** The suffix a text-back button sends; dingtalk-render.ts writes it. */
export const ACTION_MARK = /\(#([^\s()]{1,64})\)\s*$/;
const COMMAND = /^\/([A-Za-z0-9_]{1,32})(?:\s+([\s\S]*))?$/;

/** Group chats are conversation ids (DingTalk's openConversationId, "cid…"); private chats are the person's staff id. */
export const isGroupChat = (chatId: string) => chatId.startsWith('cid');

export function dingtalkUpdateId(data: Obj): string | undefined {
  return str(data.msgId);
}

/** The inbox key that keeps one chat's messages in order. */
export function dingtalkChatId(data: Obj): string | undefined {
  if (data.conversationType === '2') return str(data.conversationId);
  return str(data.senderStaffId) ?? str(data.senderId);
}

export function mapDingTalk(data: Obj, now = new Date()): DingTalkMapped {
  const updateId = dingtalkUpdateId(data);
  if (!updateId) return { kind: 'ignore', reason: 'no msgId to deduplicate on' };
  const group = data.conversationType === '2';
  if (!group && data.conversationType !== '1') return { kind: 'ignore', reason: `conversationType ${String(data.conversationType)}` };
  const staffId = str(data.senderStaffId);
  // Outside members of a group have no staff id; senderId is stable per app, but cannot be pushed to.
  const userId = staffId ?? str(data.senderId);
  if (!userId) return { kind: 'ignore', reason: 'no sender' };
  const conversationId = str(data.conversationId);
  if (group && !conversationId) return { kind: 'ignore', reason: 'group message without conversationId' };
  const url = str(data.sessionWebhook);
  const expiresAt = Number(data.sessionWebhookExpiredTime);
  const webhook = url && Number.isFinite(expiresAt) ? { webhook: { url, expiresAt } } : {};
  const target: DingTalkTarget = group ? { kind: 'group', conversationId: conversationId!, ...webhook } : { kind: 'user', ...(staffId ? { staffId } : {}), ...webhook };
  if (data.msgtype !== 'text') return { kind: 'ignore', reason: `msgtype ${String(data.msgtype)}` };
  const raw = typeof (data.text as Obj | undefined)?.content === 'string' ? String((data.text as Obj).content) : '';
  const name = str(data.senderNick);
  const base = {
    platform: 'dingtalk' as const,
    updateId,
    userId,
    chatId: group ? conversationId! : userId,
    conversation: group ? ('group' as const) : ('private' as const),
    receivedAt: now,
    raw: data,
    ...(name ? { displayName: name.slice(0, 60) } : {}),
  };
  const text = (group ? raw.replace(/^\s*@\S+\s+/, '') : raw).trim();
  if (!text) return { kind: 'ignore', reason: 'empty text' };
  const mark = ACTION_MARK.exec(text);
  if (mark) {
    const action = decodeAction(mark[1]!);
    return action ? { kind: 'message', msg: { ...base, action }, target } : { kind: 'expired-button', target };
  }
  const cmd = COMMAND.exec(text);
  if (cmd) {
    const lower = cmd[1]!.toLowerCase();
    if (isCommandName(lower)) return { kind: 'message', msg: { ...base, command: { name: lower, args: (cmd[2] ?? '').trim() } }, target };
  }
  return { kind: 'message', msg: { ...base, text }, target };
}
