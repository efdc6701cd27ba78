/** Bot API Update builders for tests: text messages and button presses, shaped as Telegram sends them. */
import type { MessageEntity } from './fake-telegram-html.js';
import { BOT_FIRST_NAME, DEFAULT_BOT_ID, DEFAULT_BOT_USERNAME } from './fake-telegram-types.js';

// ---------------------------------------------------------------------------------------------
// Update builders
// ---------------------------------------------------------------------------------------------

export const nowSeconds = (): number => Math.floor(Date.now() / 1000);

let builderMessageId = 100_000; // far from the ids the fake gives the bot's own messages
let builderQueryId = 0;

interface UserOpts {
  userId: number;
  languageCode?: string | undefined;
}

function testUser({ userId, languageCode }: UserOpts): Record<string, unknown> {
  return {
    id: userId,
    is_bot: false,
    first_name: 'Test',
    last_name: 'User',
    username: `test_user_${userId}`,
    ...(languageCode ? { language_code: languageCode } : {}),
  };
}

function testChat(chatId: number, chatType: 'private' | 'group' | 'supergroup', userId: number): Record<string, unknown> {
  if (chatType === 'private') {
    return { id: chatId, first_name: 'Test', last_name: 'User', username: `test_user_${userId}`, type: 'private' };
  }
  return { id: chatId, title: chatType === 'group' ? 'Test Group' : 'Test Supergroup', type: chatType };
}

function defaultChatId(chatType: 'private' | 'group' | 'supergroup', userId: number): number {
  if (chatType === 'private') return userId;
  return chatType === 'group' ? -4_000_000_001 : -1_001_000_000_001;
}

/** bot_command entities (at the start or after whitespace) and @mention entities, as Telegram detects them. */
export function detectEntities(text: string): MessageEntity[] {
  const entities: MessageEntity[] = [];
  const commandRe = /(^|\s)(\/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?)(?![A-Za-z0-9_@/])/g;
  for (const m of text.matchAll(commandRe)) {
    const cmd = m[2] as string;
    entities.push({ type: 'bot_command', offset: (m.index ?? 0) + (m[1] as string).length, length: cmd.length });
  }
  const mentionRe = /(^|[^A-Za-z0-9_/@])(@[A-Za-z][A-Za-z0-9_]{4,31})(?![A-Za-z0-9_])/g;
  for (const m of text.matchAll(mentionRe)) {
    const offset = (m.index ?? 0) + (m[1] as string).length;
    const length = (m[2] as string).length;
    const insideCommand = entities.some(
      (e) => e.type === 'bot_command' && offset >= e.offset && offset < e.offset + e.length,
    );
    if (!insideCommand) entities.push({ type: 'mention', offset, length });
  }
  return entities.sort((a, b) => a.offset - b.offset);
}

/**
 * A Bot API Update with a text `message`. Entities: `bot_command` for /commands, `mention` for
 * @usernames (5–32 characters, as Telegram usernames), unless `entities` is given. update_id is
 * left out unless `updateId` is given — pushUpdate assigns one.
 */
export function textUpdate(o: {
  text: string;
  chatId?: number;
  userId?: number;
  chatType?: 'private' | 'group' | 'supergroup';
  languageCode?: string;
  updateId?: number;
  entities?: unknown[];
  messageId?: number;
}): Record<string, unknown> {
  const userId = o.userId ?? 1001;
  const chatType = o.chatType ?? 'private';
  const chatId = o.chatId ?? defaultChatId(chatType, userId);
  const entities = o.entities ?? detectEntities(o.text);
  return {
    ...(o.updateId !== undefined ? { update_id: o.updateId } : {}),
    message: {
      message_id: o.messageId ?? ++builderMessageId,
      from: testUser({ userId, languageCode: o.languageCode }),
      chat: testChat(chatId, chatType, userId),
      date: nowSeconds(),
      text: o.text,
      ...(entities.length > 0 ? { entities } : {}),
    },
  };
}

/**
 * A Bot API Update with a `callback_query` from a button on a message the bot sent earlier
 * (text `messageText`, default 'Choose an option', with one button carrying `data`).
 */
export function callbackUpdate(o: {
  data: string;
  chatId?: number;
  userId?: number;
  messageId?: number;
  updateId?: number;
  chatType?: 'private' | 'group' | 'supergroup';
  languageCode?: string;
  messageText?: string;
}): Record<string, unknown> {
  const userId = o.userId ?? 1001;
  const chatType = o.chatType ?? 'private';
  const chatId = o.chatId ?? defaultChatId(chatType, userId);
  const queryId = `${BigInt(userId) * 1_000_000n + BigInt(++builderQueryId)}`;
  return {
    ...(o.updateId !== undefined ? { update_id: o.updateId } : {}),
    callback_query: {
      id: queryId,
      from: testUser({ userId, languageCode: o.languageCode }),
      message: {
        message_id: o.messageId ?? ++builderMessageId,
        from: { id: DEFAULT_BOT_ID, is_bot: true, first_name: BOT_FIRST_NAME, username: DEFAULT_BOT_USERNAME },
        chat: testChat(chatId, chatType, userId),
        date: nowSeconds() - 60,
        text: o.messageText ?? 'Choose an option',
        reply_markup: { inline_keyboard: [[{ text: 'Option', callback_data: o.data }]] },
      },
      chat_instance: `${-(Math.abs(chatId) * 7919) % 9_000_000_000_000_000}`,
      data: o.data,
    },
  };
}

