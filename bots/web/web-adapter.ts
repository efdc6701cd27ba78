/**
 * The web chat channel: `POST /api/chat {text?, action?, messageId?}` → `{replies}`. The web
 * user's identity comes from the server-issued session cookie (src/http/web-sessions.ts), not
 * from the body; `messageId` (optional, sent by our page) makes browser retries of the same
 * message idempotent.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { decodeAction, encodeAction, type Action } from '../../src/core/actions.js';
import { isCommandName, type Command } from '../../src/core/commands.js';
import type { InboundMessage, Reply } from '../../src/core/types.js';

export const chatRequestSchema = z
  .object({
    text: z.string().max(400_000, 'text is longer than 400000 characters').optional(),
    action: z.string().max(64, 'action is longer than 64 characters').optional(),
    messageId: z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'messageId must be 8–64 letters, digits, _ or -').optional(),
  })
  .strict()
  .refine((b) => b.text !== undefined || b.action !== undefined, 'send text or action');

export type ChatRequest = z.infer<typeof chatRequestSchema>;

export interface WebButton {
  label: string;
  action: string;
}
export interface WebReply {
  text: string;
  items?: { title: string; lines: string[]; buttons?: WebButton[] }[];
  buttons?: WebButton[][];
  link?: { label: string; url: string };
  emphasis?: string[];
}

export class BadActionError extends Error {
  readonly code = 'BAD_ACTION';
}

/** `/language en`, `/help`: the bot's slash commands work in the web chat as in Telegram; any other `/word` stays text. */
function webCommand(text: string): Command | undefined {
  const m = /^\/([A-Za-z]{2,20})(?:\s+([\s\S]*))?$/.exec(text.trim());
  const name = m?.[1]?.toLowerCase();
  return name && isCommandName(name) ? { name, args: (m![2] ?? '').trim() } : undefined;
}

export function toInbound(req: ChatRequest, sessionId: string, now: Date): InboundMessage {
  let action: Action | undefined;
  if (req.action !== undefined) {
    action = decodeAction(req.action);
    if (!action) throw new BadActionError('action is not a known button action');
  }
  return {
    platform: 'web',
    conversation: 'private',
    updateId: req.messageId ? `${sessionId}:${req.messageId}` : randomUUID(),
    userId: sessionId,
    chatId: sessionId,
    ...(req.text !== undefined && action === undefined ? webText(req.text) : {}),
    ...(action ? { action } : {}),
    receivedAt: now,
    raw: req,
  };
}

function webText(text: string): Pick<InboundMessage, 'text' | 'command'> {
  const command = text.length <= 4000 ? webCommand(text) : undefined;
  return command ? { text: command.args, command } : { text };
}

const button = (b: { label: string; action: Action }): WebButton => ({ label: b.label, action: encodeAction(b.action) });

export function renderWeb(replies: Reply[]): WebReply[] {
  return replies.map((r) => ({
    text: r.text,
    ...(r.items ? { items: r.items.map((i) => ({ title: i.title, lines: i.lines, ...(i.buttons ? { buttons: i.buttons.map(button) } : {}) })) } : {}),
    ...(r.buttons ? { buttons: r.buttons.map((row) => row.map(button)) } : {}),
    ...(r.link && /^https?:\/\//.test(r.link.url) ? { link: r.link } : {}),
    ...(r.emphasis?.length ? { emphasis: r.emphasis } : {}),
  }));
}
