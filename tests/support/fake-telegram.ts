/**
 * A fake Telegram Bot API server for tests.
 *
 * It is a real HTTP server on 127.0.0.1 (random port) that the real telegraf client talks to:
 *
 *   const fake = await startFakeTelegram();
 *   const bot = new Telegraf(fake.token, { telegram: { apiRoot: fake.url, webhookReply: false } });
 *
 * Requests are `${url}/bot${token}/${method}` with parameters from the query string and from a
 * JSON, `application/x-www-form-urlencoded` or `multipart/form-data` body, as Telegram accepts.
 * Answers are Bot API shaped: `{ ok: true, result }` or
 * `{ ok: false, error_code, description, parameters? }` with the same HTTP status as error_code.
 *
 * Behaviour copied from Telegram because tests rely on it catching real mistakes:
 *  - `parse_mode: 'HTML'` text goes through a port of Telegram's (tdlib's) HTML entity parser, so
 *    unescaped user text (`a < b`, `<br>`, an unclosed `<b>`) fails with
 *    `400 Bad Request: can't parse entities: …` exactly as it does in production. The returned
 *    Message carries the plain text and `entities`, as Telegram's does.
 *  - text is trimmed; empty → `message text is empty`; over 4096 characters → `message is too long`.
 *  - inline keyboards: callback_data must be 1–64 bytes (`BUTTON_DATA_INVALID`), a button needs an
 *    action (`Text buttons are unallowed in the inline keyboard`), urls must be urls.
 *  - editing a message to identical text and keyboard → `message is not modified: …`; editing a
 *    message the bot did not send → `message can't be edited`; answering a callback query twice →
 *    `query is too old …`; deleting twice → `message to delete not found`.
 *  - getUpdates long-polls, confirms updates below `offset`, honours `limit` and `allowed_updates`,
 *    answers 409 while a webhook is set, and answers 409 "terminated by other getUpdates request"
 *    to a held poll when a second poller arrives (two bots on one token).
 *  - setWebhook wants an https url on port 80, 88, 443 or 8443 and a secret of `A-Za-z0-9_-`.
 *
 * Faults: failNext answers errors (429, 403, 5xx …); holdNext leaves a request unanswered — after
 * performing it or not — to test a client that dies between a send and its own bookkeeping.
 * rateLimit turns on a flood-control mode: sends beyond a configured rate (overall and per chat,
 * over a sliding 1000 ms window) are answered 429 "Too Many Requests: retry after N", as Telegram's.
 *
 * Nothing is delivered to a webhook url: with a webhook set, pushed updates only queue up (they
 * show in getWebhookInfo's pending_update_count). Feed webhook handlers directly instead.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { checkRateLimitOptions, readBody, SlidingWindowLimiter } from './fake-base.js';
import { parseTelegramHtml, trimFormatted, type MessageEntity } from './fake-telegram-html.js';
import { ApiError, badRequest } from './fake-telegram-api-error.js';
import { isRecord, parseParams, toInt } from './fake-telegram-params.js';
import { nowSeconds } from './fake-telegram-updates.js';
import {
  BOT_FIRST_NAME,
  DEFAULT_BOT_ID,
  DEFAULT_BOT_USERNAME,
  DEFAULT_FAKE_TOKEN,
  type FakeAcceptedSend,
  type FakeApiError,
  type FakeCall,
  type FakeFailure,
  type FakeHoldOptions,
  type FakeRateLimit,
  type FakeTelegram,
  type FakeWebhook,
  type StartFakeTelegramOptions,
} from './fake-telegram-types.js';

// The fake's pieces live in their own files; tests import them all from here.
export * from './fake-telegram-types.js';
export { parseTelegramHtml, type MessageEntity } from './fake-telegram-html.js';
export * from './fake-telegram-updates.js';

/** A result answered together with a top-level `description`, as setWebhook's is. */
class Described {
  constructor(
    readonly result: unknown,
    readonly description: string,
  ) {}
}

function failureToError(failure: FakeFailure): ApiError {
  if ('description' in failure && typeof failure.description === 'string') {
    const parameters = 'parameters' in failure ? failure.parameters : undefined;
    return new ApiError(failure.code, failure.description, parameters);
  }
  if (failure.code === 429 && 'retryAfter' in failure) {
    const n = failure.retryAfter;
    return new ApiError(429, `Too Many Requests: retry after ${n}`, { retry_after: n });
  }
  if (failure.code === 403) return new ApiError(403, 'Forbidden: bot was blocked by the user');
  return new ApiError(failure.code, `Error ${failure.code}`);
}

// ---------------------------------------------------------------------------------------------
// Rate limiting
// ---------------------------------------------------------------------------------------------

/** Methods the rate-limit mode counts: everything that posts or changes a message in a chat. */
export const RATE_LIMITED_METHODS: ReadonlySet<string> = new Set([
  'sendMessage',
  'editMessageText',
  'editMessageReplyMarkup',
  'editMessageCaption',
  'editMessageMedia',
  'copyMessage',
  'copyMessages',
  'forwardMessage',
  'forwardMessages',
  'sendPhoto',
  'sendDocument',
  'sendVideo',
  'sendAudio',
  'sendVoice',
  'sendAnimation',
  'sendVideoNote',
  'sendSticker',
  'sendMediaGroup',
  'sendLocation',
  'sendVenue',
  'sendContact',
  'sendPoll',
  'sendDice',
  'sendInvoice',
]);




// ---------------------------------------------------------------------------------------------
// Updates
// ---------------------------------------------------------------------------------------------

/** Update types Telegram leaves out unless allowed_updates names them. */
const NOT_SENT_BY_DEFAULT = new Set(['chat_member', 'message_reaction', 'message_reaction_count']);

const updateType = (u: Record<string, unknown>): string | undefined => Object.keys(u).find((k) => k !== 'update_id');


// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

interface StoredMessage {
  message: Record<string, unknown>;
  fromBot: boolean;
  deleted: boolean;
}

interface Poller {
  res: ServerResponse;
  limit: number;
  finish: (error: ApiError | undefined, result?: unknown) => void;
  timer: NodeJS.Timeout | undefined;
}

interface Waiter {
  method: string;
  count: number;
  resolve: (calls: FakeCall[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface FailRule {
  method: string;
  error: ApiError;
  remaining: number;
  chatId: string | undefined;
}

interface HoldRule {
  method: string;
  deliver: boolean;
  remaining: number;
  chatId: string | undefined;
}

type Handler = (params: Record<string, unknown>) => unknown;

const NOT_MODIFIED =
  'message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message';

const BUTTON_ACTIONS = [
  'url',
  'callback_data',
  'web_app',
  'login_url',
  'switch_inline_query',
  'switch_inline_query_current_chat',
  'switch_inline_query_chosen_chat',
  'copy_text',
  'callback_game',
  'pay',
] as const;

export async function startFakeTelegram(opts: StartFakeTelegramOptions = {}): Promise<FakeTelegram> {
  const token = opts.token ?? DEFAULT_FAKE_TOKEN;
  const botUsername = opts.botUsername ?? DEFAULT_BOT_USERNAME;
  const botId = opts.botId ?? (toInt(token.split(':')[0]) || DEFAULT_BOT_ID);
  const botUser = { id: botId, is_bot: true, first_name: BOT_FIRST_NAME, username: botUsername };

  const calls: FakeCall[] = [];
  let queue: Record<string, unknown>[] = [];
  let nextUpdateId = 1;
  let nextMessageId = 1;
  let allowedUpdates: Set<string> | null = null; // null: Telegram's default set
  const pollers = new Set<Poller>();
  const waiters = new Set<Waiter>();
  const failRules: FailRule[] = [];
  const holdRules: HoldRule[] = [];
  const held = new Map<FakeCall, ServerResponse>();
  const messages = new Map<string, StoredMessage>();
  const chats = new Map<string, Record<string, unknown>>();
  const answeredQueries = new Set<string>();
  const commands = new Map<string, unknown[]>();
  let webhook: FakeWebhook | undefined;
  let closed = false;
  let limiter: { window: SlidingWindowLimiter; retryAfter: number } | undefined;
  let lastLimiter: SlidingWindowLimiter | undefined; // readable after the mode is turned off
  let accepted: FakeAcceptedSend[] = [];

  const sameMethod = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  const callsTo = (method: string): FakeCall[] => calls.filter((c) => sameMethod(c.method, method));
  const messageKey = (chatId: unknown, messageId: unknown): string => `${String(chatId)}:${String(messageId)}`;

  // --- state helpers ---------------------------------------------------------------------------

  const isAllowed = (u: Record<string, unknown>): boolean => {
    const type = updateType(u);
    if (type === undefined) return true;
    return allowedUpdates === null ? !NOT_SENT_BY_DEFAULT.has(type) : allowedUpdates.has(type);
  };

  const setAllowedUpdates = (value: unknown): void => {
    if (!Array.isArray(value)) return;
    allowedUpdates = value.length === 0 ? null : new Set(value.map(String));
  };

  /** Drops updates the current allowed_updates excludes and returns the first `limit`. */
  const deliverable = (limit: number): Record<string, unknown>[] => {
    queue = queue.filter(isAllowed);
    return queue.slice(0, limit);
  };

  const registerChat = (chat: unknown): void => {
    if (isRecord(chat) && chat.id !== undefined) chats.set(String(chat.id), chat);
  };

  const registerMessage = (message: unknown): void => {
    if (!isRecord(message) || !isRecord(message.chat)) return;
    registerChat(message.chat);
    const from = isRecord(message.from) ? message.from : undefined;
    const fromBot = from?.is_bot === true || (from === undefined && message.chat.type === 'channel');
    messages.set(messageKey(message.chat.id, message.message_id), { message, fromBot, deleted: false });
  };

  const registerUpdate = (u: Record<string, unknown>): void => {
    for (const key of ['message', 'edited_message', 'channel_post', 'edited_channel_post'] as const) {
      if (isRecord(u[key])) registerMessage(u[key]);
    }
    const cq = u.callback_query;
    if (isRecord(cq) && isRecord(cq.message)) registerMessage(cq.message);
  };

  const chatFor = (chatId: unknown): Record<string, unknown> => {
    const known = chats.get(String(chatId));
    if (known) return known;
    if (typeof chatId === 'string' && chatId.startsWith('@')) {
      return { id: -1001000000001, title: 'Test Channel', username: chatId.slice(1), type: 'channel' };
    }
    const id = toInt(chatId) ?? 0;
    if (id > 0) return { id, first_name: 'Test', type: 'private' };
    if (id <= -1000000000000) return { id, title: 'Test Supergroup', type: 'supergroup' };
    return { id, title: 'Test Group', type: 'group' };
  };

  const requireChatId = (params: Record<string, unknown>): unknown => {
    const chatId = params.chat_id;
    if (chatId === undefined || chatId === null || chatId === '') throw badRequest('chat_id is empty');
    return chatId;
  };

  /** Text validation shared by sendMessage and editMessageText. */
  const formatText = (params: Record<string, unknown>): { text: string; entities: MessageEntity[] } => {
    const raw = params.text;
    const src = typeof raw === 'string' ? raw : typeof raw === 'number' ? String(raw) : '';
    const mode = typeof params.parse_mode === 'string' ? params.parse_mode.toLowerCase() : '';
    let parsed: { text: string; entities: MessageEntity[] };
    if (mode === 'html') {
      try {
        parsed = parseTelegramHtml(src);
      } catch (error) {
        throw badRequest(`can't parse entities: ${(error as Error).message}`);
      }
    } else if (mode === '') {
      parsed = { text: src, entities: Array.isArray(params.entities) ? (params.entities as MessageEntity[]) : [] };
    } else if (mode === 'markdown' || mode === 'markdownv2') {
      parsed = { text: src, entities: [] }; // not validated; only HTML is parsed here
    } else {
      throw badRequest('unsupported parse_mode');
    }
    const formatted = trimFormatted(parsed.text, parsed.entities);
    if (formatted.text.length === 0) throw badRequest('message text is empty');
    if (formatted.text.length > 4096) throw badRequest('message is too long');
    return formatted;
  };

  /** Validates reply_markup; returns it when it is an inline keyboard (the only kind a Message echoes). */
  const inlineMarkup = (params: Record<string, unknown>): Record<string, unknown> | undefined => {
    const markup = params.reply_markup;
    if (markup === undefined || markup === null) return undefined;
    if (!isRecord(markup)) throw badRequest("can't parse reply keyboard markup JSON object");
    if (!('inline_keyboard' in markup)) return undefined;
    const rows = markup.inline_keyboard;
    const notArrays = badRequest('field "inline_keyboard" of the InlineKeyboardMarkup should be an Array of Arrays');
    if (!Array.isArray(rows)) throw notArrays;
    for (const row of rows) {
      if (!Array.isArray(row)) throw notArrays;
      for (const button of row) {
        if (!isRecord(button)) throw badRequest("can't parse inline keyboard button: InlineKeyboardButton must be an Object");
        if (typeof button.text !== 'string') {
          throw badRequest(`can't parse inline keyboard button: Field "text" must be of type String`);
        }
        if (!BUTTON_ACTIONS.some((k) => button[k] !== undefined && button[k] !== null)) {
          throw badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard");
        }
        const data = button.callback_data;
        if (data !== undefined && data !== null) {
          const bytes = typeof data === 'string' ? Buffer.byteLength(data, 'utf8') : 0;
          if (bytes < 1 || bytes > 64) throw badRequest('BUTTON_DATA_INVALID');
        }
        const url = button.url;
        if (url !== undefined && url !== null && !isButtonUrl(url)) throw badRequest('BUTTON_URL_INVALID');
      }
    }
    return markup;
  };

  const replyTo = (params: Record<string, unknown>, chatId: unknown): Record<string, unknown> | undefined => {
    const rp = isRecord(params.reply_parameters) ? params.reply_parameters : undefined;
    const messageId = rp?.message_id ?? params.reply_to_message_id;
    if (messageId === undefined) return undefined;
    const stored = messages.get(messageKey(rp?.chat_id ?? chatId, messageId));
    if (!stored || stored.deleted) return undefined;
    const { reply_to_message: _nested, ...plain } = stored.message;
    return plain;
  };

  // --- methods ---------------------------------------------------------------------------------

  const handlers: Record<string, Handler> = {
    getMe: () => ({
      ...botUser,
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
    }),

    setWebhook: (params) => {
      const url = typeof params.url === 'string' ? params.url.trim() : '';
      if (url === '') {
        const had = webhook !== undefined;
        webhook = undefined;
        if (params.drop_pending_updates === true) queue = [];
        return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
      }
      let parsed: URL;
      try {
        parsed = new URL(url);
      } catch {
        throw badRequest('bad webhook: Failed to resolve host: Name or service not known');
      }
      if (parsed.protocol !== 'https:') throw badRequest('bad webhook: An HTTPS URL must be provided for webhook');
      if (parsed.port !== '' && !['80', '88', '443', '8443'].includes(parsed.port)) {
        throw badRequest('bad webhook: Webhook can be set up only on ports 80, 88, 443 or 8443');
      }
      const secret = params.secret_token;
      if (secret !== undefined && secret !== null && secret !== '') {
        if (typeof secret !== 'string' || !/^[A-Za-z0-9_-]*$/.test(secret)) {
          throw badRequest('secret token contains unallowed characters');
        }
        if (secret.length > 256) throw badRequest('secret token is too long');
      }
      if (params.drop_pending_updates === true) queue = [];
      setAllowedUpdates(params.allowed_updates);
      const same = webhook?.url === url;
      webhook = {
        url,
        ...(typeof secret === 'string' && secret !== '' ? { secretToken: secret } : {}),
        ...(Array.isArray(params.allowed_updates) ? { allowedUpdates: params.allowed_updates.map(String) } : {}),
      };
      // A poll held while the webhook appears is ended the way Telegram ends it.
      for (const p of [...pollers]) p.finish(webhookConflict());
      return new Described(true, same ? 'Webhook is already set' : 'Webhook was set');
    },

    deleteWebhook: (params) => {
      const had = webhook !== undefined;
      webhook = undefined;
      if (params.drop_pending_updates === true) queue = [];
      return new Described(true, had ? 'Webhook was deleted' : 'Webhook is already deleted');
    },

    getWebhookInfo: () => ({
      url: webhook?.url ?? '',
      has_custom_certificate: false,
      pending_update_count: queue.length,
      ...(webhook ? { max_connections: 40 } : {}),
      ...(webhook?.allowedUpdates ? { allowed_updates: webhook.allowedUpdates } : {}),
    }),

    sendMessage: (params) => {
      const chatId = requireChatId(params);
      const { text, entities } = formatText(params);
      const markup = inlineMarkup(params);
      const reply = replyTo(params, chatId);
      const message: Record<string, unknown> = {
        message_id: nextMessageId++,
        from: botUser,
        chat: chatFor(chatId),
        date: nowSeconds(),
        ...(reply ? { reply_to_message: reply } : {}),
        text,
        ...(entities.length > 0 ? { entities } : {}),
        ...(isRecord(params.link_preview_options) ? { link_preview_options: params.link_preview_options } : {}),
        ...(markup ? { reply_markup: markup } : {}),
      };
      messages.set(messageKey(chatId, message.message_id), { message, fromBot: true, deleted: false });
      return message;
    },

    editMessageText: (params) => editMessage(params, true),
    editMessageReplyMarkup: (params) => editMessage(params, false),

    answerCallbackQuery: (params) => {
      const id = params.callback_query_id;
      if (id === undefined || id === null || id === '') throw badRequest('QUERY_ID_INVALID');
      if (answeredQueries.has(String(id))) {
        throw badRequest('query is too old and response timeout expired or query ID is invalid');
      }
      answeredQueries.add(String(id));
      return true;
    },

    deleteMessage: (params) => {
      const chatId = requireChatId(params);
      if (params.message_id === undefined) throw badRequest('message identifier is not specified');
      const stored = messages.get(messageKey(chatId, params.message_id));
      if (stored?.deleted) throw badRequest('message to delete not found');
      if (stored) stored.deleted = true;
      return true;
    },

    sendChatAction: (params) => {
      requireChatId(params);
      return true;
    },

    setMyCommands: (params) => {
      const list = params.commands;
      if (!Array.isArray(list)) throw badRequest('parameter "commands" is required');
      for (const c of list) {
        if (!isRecord(c) || typeof c.command !== 'string' || !/^[a-z0-9_]{1,32}$/.test(c.command)) {
          throw badRequest('BOT_COMMAND_INVALID');
        }
      }
      commands.set(commandsKey(params), list);
      return true;
    },
    getMyCommands: (params) => commands.get(commandsKey(params)) ?? [],
    deleteMyCommands: (params) => {
      commands.delete(commandsKey(params));
      return true;
    },

    getChat: (params) => {
      const chatId = requireChatId(params);
      return { ...chatFor(chatId), accent_color_id: 0, max_reaction_count: 11 };
    },
  };

  const commandsKey = (params: Record<string, unknown>): string =>
    `${JSON.stringify(params.scope ?? { type: 'default' })}|${String(params.language_code ?? '')}`;

  function editMessage(params: Record<string, unknown>, withText: boolean): unknown {
    const formatted = withText ? formatText(params) : undefined;
    const markup = inlineMarkup(params);
    if (params.inline_message_id !== undefined && params.inline_message_id !== '') return true;
    if (params.chat_id === undefined || params.message_id === undefined) {
      throw badRequest('message identifier is not specified');
    }
    const chatId = params.chat_id;
    const key = messageKey(chatId, params.message_id);
    const stored = messages.get(key);
    if (stored?.deleted) throw badRequest('message to edit not found');
    if (stored && !stored.fromBot) throw badRequest("message can't be edited");
    const old = stored?.message;
    if (old) {
      const oldText = old.text;
      const oldEntities = JSON.stringify(old.entities ?? []);
      const newText = formatted ? formatted.text : oldText;
      const newEntities = formatted ? JSON.stringify(formatted.entities) : oldEntities;
      if (
        newText === oldText &&
        newEntities === oldEntities &&
        JSON.stringify(markup ?? null) === JSON.stringify(old.reply_markup ?? null)
      ) {
        throw badRequest(NOT_MODIFIED);
      }
    }
    const base: Record<string, unknown> = old ?? {
      message_id: toInt(params.message_id) ?? params.message_id,
      from: botUser,
      chat: chatFor(chatId),
      date: nowSeconds(),
      text: '',
    };
    const { entities: _e, reply_markup: _m, edit_date: _d, ...rest } = base;
    const edited: Record<string, unknown> = {
      ...rest,
      ...(formatted ? { text: formatted.text } : {}),
      ...(formatted ? (formatted.entities.length > 0 ? { entities: formatted.entities } : {}) : _e ? { entities: _e } : {}),
      edit_date: nowSeconds(),
      ...(markup ? { reply_markup: markup } : {}),
    };
    messages.set(key, { message: edited, fromBot: true, deleted: false });
    return edited;
  }

  const handlerByLowerName = new Map<string, { name: string; handler: Handler }>();
  for (const [name, handler] of Object.entries(handlers)) handlerByLowerName.set(name.toLowerCase(), { name, handler });

  // --- waiters ---------------------------------------------------------------------------------

  const describeCalls = (): string => {
    if (calls.length === 0) return 'no calls at all';
    const counts = new Map<string, number>();
    for (const c of calls) counts.set(c.method, (counts.get(c.method) ?? 0) + 1);
    const tally = [...counts].map(([m, k]) => `${m}×${k}`).join(', ');
    const recent = calls
      .slice(-10)
      .map((c) => {
        const bits: string[] = [];
        if (c.params.chat_id !== undefined) bits.push(`chat_id=${String(c.params.chat_id)}`);
        if (typeof c.params.text === 'string') bits.push(`text=${JSON.stringify(c.params.text.slice(0, 60))}`);
        if (c.error) bits.push(`→ ${c.error.error_code} ${c.error.description}`);
        if (c.held) bits.push(c.failed ? '→ held, not delivered' : '→ held, delivered');
        return `  ${c.method}(${bits.join(', ')})`;
      })
      .join('\n');
    return `${tally}\nlast calls:\n${recent}`;
  };

  const notifyWaiters = (): void => {
    for (const w of [...waiters]) {
      const got = callsTo(w.method);
      if (got.length >= w.count) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(got);
      }
    }
  };

  // --- HTTP ------------------------------------------------------------------------------------

  const send = (res: ServerResponse, status: number, body: unknown): void => {
    if (res.writableEnded || res.destroyed) return;
    const json = JSON.stringify(body);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) });
    res.end(json);
  };

  const webhookConflict = (): ApiError =>
    new ApiError(
      409,
      "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    );

  function getUpdates(params: Record<string, unknown>, res: ServerResponse, finish: Poller['finish']): void {
    if (webhook) return finish(webhookConflict());
    // A newer poll ends any held one, as Telegram does with two bot instances on one token.
    for (const p of [...pollers]) {
      p.finish(new ApiError(409, 'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running'));
    }
    const offset = toInt(params.offset) ?? 0;
    if (offset > 0) queue = queue.filter((u) => (u.update_id as number) >= offset);
    else if (offset < 0) queue = queue.slice(offset);
    if ('allowed_updates' in params) setAllowedUpdates(params.allowed_updates);
    const limit = Math.min(100, Math.max(1, toInt(params.limit) ?? 100));
    const timeout = Math.max(0, Number(params.timeout ?? 0) || 0);
    const ready = deliverable(limit);
    if (ready.length > 0 || timeout === 0 || closed) return finish(undefined, ready);

    const poller: Poller = { res, limit, timer: undefined, finish: () => undefined };
    poller.finish = (error, result) => {
      if (!pollers.delete(poller)) return;
      clearTimeout(poller.timer);
      finish(error, result);
    };
    poller.timer = setTimeout(() => poller.finish(undefined, []), timeout * 1000);
    poller.timer.unref();
    res.on('close', () => {
      // The client went away (telegraf aborts its poll on stop()); forget the poll.
      if (pollers.delete(poller)) clearTimeout(poller.timer);
    });
    pollers.add(poller);
  }

  const wakePollers = (): void => {
    for (const p of [...pollers]) {
      const ready = deliverable(p.limit);
      if (ready.length > 0) p.finish(undefined, ready);
    }
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let body: Buffer;
    try {
      body = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const match = /^\/bot([^/]*)\/([^/]*)\/?$/.exec(url.pathname);
    if (!match) {
      send(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      return;
    }
    const decode = (s: string): string => {
      try {
        return decodeURIComponent(s);
      } catch {
        return s;
      }
    };
    const pathToken = decode(match[1] ?? '');
    const rawMethod = decode(match[2] ?? '');
    const entry = handlerByLowerName.get(rawMethod.toLowerCase());
    const method = entry?.name ?? (rawMethod.toLowerCase() === 'getupdates' ? 'getUpdates' : rawMethod);

    let params: Record<string, unknown> = {};
    let parseError: ApiError | undefined;
    try {
      params = parseParams(url, req.headers['content-type'], body);
    } catch (error) {
      parseError = error instanceof ApiError ? error : badRequest(String(error));
    }

    const call: FakeCall = { method, params, at: Date.now() };
    calls.push(call);
    let answered = false;
    const finish = (error: ApiError | undefined, result?: unknown): void => {
      if (answered) return;
      answered = true;
      if (error) {
        call.failed = true;
        call.error = error.toBody();
        send(res, error.code, { ok: false, ...error.toBody() });
      } else if (result instanceof Described) {
        call.result = result.result;
        send(res, 200, { ok: true, result: result.result, description: result.description });
      } else {
        call.result = result;
        send(res, 200, { ok: true, result });
      }
      notifyWaiters();
    };

    try {
      if (pathToken !== token) throw new ApiError(401, 'Unauthorized');
      if (parseError) throw parseError;
      const chatId = params.chat_id === undefined ? undefined : String(params.chat_id);
      const ruleIndex = failRules.findIndex(
        (r) => sameMethod(r.method, method) && r.remaining > 0 && (r.chatId === undefined || r.chatId === chatId),
      );
      const rule = failRules[ruleIndex];
      if (rule) {
        rule.remaining--;
        if (rule.remaining <= 0) failRules.splice(ruleIndex, 1);
        throw rule.error;
      }
      if (method === 'getUpdates') {
        getUpdates(params, res, finish);
        if (!answered) notifyWaiters(); // a held poll counts as received
        return;
      }
      if (!entry) throw new ApiError(404, 'Not Found: method not found');
      const holdIndex = holdRules.findIndex(
        (r) => sameMethod(r.method, method) && r.remaining > 0 && (r.chatId === undefined || r.chatId === chatId),
      );
      const hold = holdRules[holdIndex];
      // A `deliver: false` hold is a request lost before "Telegram": it never meets the limiter.
      if (limiter && RATE_LIMITED_METHODS.has(method) && !(hold && !hold.deliver)) {
        const at = limiter.window.tryAccept(chatId, call.at);
        if (at === undefined) {
          call.rateLimited = true;
          throw failureToError({ code: 429, retryAfter: limiter.retryAfter });
        }
        const text = typeof params.text === 'string' ? params.text : typeof params.caption === 'string' ? params.caption : '';
        accepted.push({ method, chatId: chatId ?? '', text, at });
      }
      if (hold) {
        hold.remaining--;
        if (hold.remaining <= 0) holdRules.splice(holdIndex, 1);
        // deliver: the method runs (a validation error is still answered, as Telegram would);
        // otherwise nothing happens. Either way no answer is sent.
        if (hold.deliver) call.result = entry.handler(params);
        else call.failed = true;
        call.held = true;
        answered = true;
        held.set(call, res);
        res.on('close', () => held.delete(call));
        notifyWaiters();
        return;
      }
      finish(undefined, entry.handler(params));
    } catch (error) {
      finish(error instanceof ApiError ? error : new ApiError(500, 'Internal Server Error'));
      if (!(error instanceof ApiError)) console.error('fake-telegram: handler crashed', error);
    }
  }

  const server = createServer((req, res) => {
    void handle(req, res);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const fake: FakeTelegram = {
    url: `http://127.0.0.1:${port}`,
    token,
    botId,
    botUsername,
    calls,
    callsTo,
    get webhook() {
      return webhook;
    },
    set webhook(value) {
      webhook = value;
    },

    pushUpdate(update) {
      const given = toInt(update.update_id);
      const id = given ?? nextUpdateId;
      nextUpdateId = Math.max(nextUpdateId, id + 1);
      const queued: Record<string, unknown> = { update_id: id, ...update };
      queued.update_id = id;
      registerUpdate(queued);
      let at = queue.length;
      while (at > 0 && ((queue[at - 1] as Record<string, unknown>).update_id as number) > id) at--;
      queue.splice(at, 0, queued);
      wakePollers();
      return queued;
    },

    pendingUpdates: () => [...queue],

    failNext(method, failure, opts = {}) {
      failRules.push({
        method,
        error: failureToError(failure),
        remaining: opts.times ?? 1,
        chatId: opts.chatId === undefined ? undefined : String(opts.chatId),
      });
    },

    holdNext(method, opts = {}) {
      holdRules.push({
        method,
        deliver: opts.deliver ?? false,
        remaining: opts.times ?? 1,
        chatId: opts.chatId === undefined ? undefined : String(opts.chatId),
      });
    },

    heldCalls: () => [...held.keys()],

    rateLimit(opts) {
      if (opts === undefined) {
        limiter = undefined;
        return;
      }
      checkRateLimitOptions({ ...opts });
      const window = new SlidingWindowLimiter(opts.perSecond, opts.perChatPerSecond);
      limiter = { window, retryAfter: opts.retryAfter ?? 1 };
      lastLimiter = window;
      accepted = [];
    },

    rateLimited: () => lastLimiter?.refused ?? 0,
    maxInWindow: () => lastLimiter?.max ?? 0,
    acceptedSends: () => [...accepted],

    releaseHeld() {
      const n = held.size;
      for (const res of held.values()) res.destroy();
      held.clear();
      return n;
    },

    waitFor(method, count = 1, timeoutMs = 10_000) {
      const have = callsTo(method);
      if (have.length >= count) return Promise.resolve(have);
      if (closed) return Promise.reject(new Error(`fake-telegram: closed; ${method} was called ${have.length} time(s)`));
      return new Promise<FakeCall[]>((resolve, reject) => {
        const waiter: Waiter = {
          method,
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            reject(
              new Error(
                `fake-telegram: waited ${timeoutMs} ms for ${count} call(s) of ${method}, got ${callsTo(method).length}. Received: ${describeCalls()}`,
              ),
            );
          }, timeoutMs),
        };
        waiters.add(waiter);
      });
    },

    async close() {
      if (closed) return;
      closed = true;
      fake.releaseHeld();
      const heldPolls = [...pollers];
      for (const p of heldPolls) p.finish(undefined, []);
      for (const w of [...waiters]) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(new Error(`fake-telegram: closed while waiting for ${w.count} call(s) of ${w.method}. Received: ${describeCalls()}`));
      }
      // Let the empty answers just written leave before every connection is dropped.
      await Promise.all(
        heldPolls.map(
          ({ res }) =>
            new Promise<void>((resolve) => {
              if (res.writableFinished || res.destroyed) return resolve();
              res.once('finish', () => resolve());
              res.once('close', () => resolve());
            }),
        ),
      );
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}

function isButtonUrl(url: unknown): boolean {
  if (typeof url !== 'string' || url === '' || /\s/.test(url)) return false;
  let parsed: URL;
  try {
    parsed = new URL(/^[a-z][a-z0-9+.-]*:/i.test(url) ? url : `http://${url}`);
  } catch {
    return false;
  }
  if (parsed.protocol === 'tg:' || parsed.protocol === 'ton:') return true;
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.hostname.includes('.');
}

