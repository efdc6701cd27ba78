/**
 * The only two types that cross between `bots/` (platform adapters) and `src/` (the product).
 * Handlers never see a platform payload; adapters never decide anything about patents or users.
 */
import type { Action } from './actions.js';
import type { Command } from './commands.js';

/** Where people are; 'email' is a push target only (web users who gave an address), never a chat. */
export type Platform = 'web' | 'telegram' | 'slack' | 'dingtalk' | 'feishu' | 'wecom' | 'wechat' | 'cli' | 'email';
export type Locale = 'zh' | 'en';

export interface InboundMessage {
  platform: Platform;
  /** Unique per platform; the pipeline dedupes on (platform, updateId) before any side effect. */
  updateId: string;
  /** The platform's stable id of the person (Telegram user id, Slack user id, web session id). */
  userId: string;
  /** Where replies go (chat id, channel id, session id). */
  chatId: string;
  /** What the person typed, if anything. */
  text?: string;
  /** A pressed button, if any (decoded from callback data / action value). */
  action?: Action;
  /** A slash command, if the message is one; `text` then holds its arguments. */
  command?: Command;
  /** Display name as the platform gives it; never logged. */
  displayName?: string;
  /**
   * Who sees the replies: 'private' (a direct chat, or an answer only the sender sees) or 'group'
   * (others in the chat see them). Adapters set it; anything personal or secret (a console sign-in
   * link) is only sent when it is 'private'. Unset counts as 'group'.
   */
  conversation?: 'private' | 'group';
  /** Language hint from the platform (Telegram language_code), if any. */
  localeHint?: string;
  receivedAt: Date;
  /** The platform payload, kept for adapters and debugging; handlers must not read it. */
  raw?: unknown;
}

export interface Button {
  label: string;
  action: Action;
}

/** One entry of a list reply (a search hit, a registration, …). Plain text only: adapters escape. */
export interface ReplyItem {
  title: string;
  lines: string[];
  buttons?: Button[];
}

/**
 * A message to the person. All strings are plain text; each adapter escapes for its own markup
 * (Telegram HTML, Slack mrkdwn, web DOM text) in one place.
 */
export interface Reply {
  text: string;
  items?: ReplyItem[];
  /** Rows of buttons under the message. */
  buttons?: Button[][];
  /** A link button (http/https only; checked where it is composed). */
  link?: { label: string; url: string };
  /** Parts of `text` to stand out (a confirmation code); plain text, each adapter shows it its own way or not at all. */
  emphasis?: string[];
}
