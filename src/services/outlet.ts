/**
 * How the product posts into a chat that is not a reply (an agency's lead inbox) and edits that
 * post later ("claimed by …"). Each running channel registers one; errors say whether trying again
 * can help.
 */
import type { Reply } from '../core/types.js';

export interface Outlet {
  /** Posts the message; returns the platform's id of it (Telegram message_id, Slack ts). */
  send(chatId: string, reply: Reply): Promise<string>;
  edit(chatId: string, messageId: string, reply: Reply): Promise<void>;
  /** A one-off message to a person (a broadcast): how the platform answered; throws when it may work later. */
  post(chatId: string, reply: Reply): Promise<'sent' | 'unreachable' | 'rejected'>;
}

export class OutletError extends Error {
  constructor(
    message: string,
    /** true: the chat refuses us (bot removed, channel gone); retrying will not help. */
    readonly permanent: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'OutletError';
  }
}
