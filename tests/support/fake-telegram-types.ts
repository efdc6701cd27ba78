/** The fake Bot API's public types and the identity of its bot (tests/support/fake-telegram.ts). */
import type { MessageEntity } from './fake-telegram-html.js';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

export interface FakeApiError {
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface FakeCall {
  /** Canonical Bot API method name (Telegram matches names case-insensitively). */
  method: string;
  params: Record<string, unknown>;
  /** Date.now() when the request arrived. */
  at: number;
  /** True when the call was answered with `ok: false` (failNext, validation, 401, 404, 409 …). */
  failed?: boolean;
  /** The error answered, when failed. */
  error?: FakeApiError;
  /** The `result` answered, when ok. Set when the answer is sent (later for a held getUpdates). */
  result?: unknown;
  /**
   * Set for a call caught by holdNext: the request never got an answer. With `deliver: false` the
   * call is also `failed` (nothing happened at "Telegram"); with `deliver: true` it has a `result`
   * (the message exists) although the client never learned of it.
   */
  held?: true;
  /** Set for a call refused with 429 by the rate-limit mode (see FakeTelegram.rateLimit). */
  rateLimited?: true;
}

export interface FakeRateLimit {
  /** At most this many accepted sends (all chats together) within any sliding 1000 ms window. */
  perSecond?: number;
  /** At most this many accepted sends to one chat_id within any sliding 1000 ms window. */
  perChatPerSecond?: number;
  /** The retry_after answered with the 429 (seconds; default 1). */
  retryAfter?: number;
}

/** A send that the rate-limit mode let through. */
export interface FakeAcceptedSend {
  method: string;
  /** String(chat_id); '' for an inline message edit (no chat_id). */
  chatId: string;
  /** `text`, else `caption`, else ''. */
  text: string;
  /** Date.now() when it was counted (kept non-decreasing), the time the window uses. */
  at: number;
}

export interface FakeHoldOptions {
  /** Only calls whose chat_id matches count (as failNext's chatId). */
  chatId?: number | string;
  /**
   * false (default): nothing is done — the call is recorded as failed and held, like a request
   * lost before it reached Telegram. true: the method runs (a sendMessage is stored and shows in
   * callsTo with its result, not failed) and only the answer is withheld, like Telegram accepting a
   * message whose answer the client never receives.
   */
  deliver?: boolean;
  /** How many calls to hold (default 1). */
  times?: number;
}

export type FakeFailure =
  | { code: 429; retryAfter: number }
  | { code: 403 }
  | { code: number; description: string; parameters?: FakeApiError['parameters'] };

export interface FakeWebhook {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
}

export interface FakeTelegram {
  /** e.g. http://127.0.0.1:41234 (no trailing slash) — use as telegraf's apiRoot. */
  url: string;
  /** The bot token the server accepts; any other token gets 401 Unauthorized. */
  token: string;
  botId: number;
  botUsername: string;
  /** Every call in order, including failed ones (see FakeCall.failed). */
  calls: FakeCall[];
  /** Calls of one method (case-insensitive), failed ones included. */
  callsTo(method: string): FakeCall[];
  /** Queue an update for getUpdates (assigns update_id if missing, increasing). Returns the queued update. */
  pushUpdate(update: Record<string, unknown>): Record<string, unknown>;
  /** Updates queued and not yet confirmed by a getUpdates offset. */
  pendingUpdates(): Record<string, unknown>[];
  /**
   * Make the next N (`times`, default 1) calls of `method` fail: `{ code: 429, retryAfter }` →
   * 429 "Too Many Requests: retry after N" with parameters.retry_after; `{ code: 403 }` →
   * "Forbidden: bot was blocked by the user"; or any code and description. With `chatId`, only
   * calls whose chat_id matches count. Codes ≥ 500 reach telegraf as the HTTP status text, as
   * telegraf ignores the body of those.
   */
  failNext(method: string, failure: FakeFailure, opts?: { times?: number; chatId?: number | string }): void;
  /**
   * Hold the next N (`times`, default 1) calls of `method`: the request is read and recorded, and
   * never answered — the client waits until its connection is dropped (releaseHeld, close, or the
   * client going away, e.g. a killed process). See FakeHoldOptions for `deliver` and `chatId`.
   * failNext rules are checked first. Held calls count for waitFor.
   */
  holdNext(method: string, opts?: FakeHoldOptions): void;
  /** Calls currently held open (not yet released, and the client still connected). */
  heldCalls(): FakeCall[];
  /** Drops the connections of every held call (the client sees the socket close); returns how many. */
  releaseHeld(): number;
  /**
   * Resolves with callsTo(method) once `count` (default 1) calls of `method` have been recorded
   * (failed ones count too); rejects after timeoutMs (default 10000) listing what was received.
   */
  waitFor(method: string, count?: number, timeoutMs?: number): Promise<FakeCall[]>;
  /**
   * Turn the rate-limit mode on (or reconfigure it), or off with `undefined`. While on, every
   * send-like call (sendMessage, editMessageText, editMessageReplyMarkup, editMessageCaption,
   * copyMessage, forwardMessage, sendPhoto, sendDocument, … see RATE_LIMITED_METHODS) is counted
   * when it arrives: if accepting it would make more than `perSecond` accepted sends within a
   * sliding 1000 ms window — a send at t counts in (t-1000, t] — or more than `perChatPerSecond` to
   * its chat_id, it is answered 429 `Too Many Requests: retry after N` with
   * `parameters.retry_after: N` (N = retryAfter ?? 1), recorded in `calls` as failed with
   * `rateLimited: true`, and not counted. An omitted limit is not enforced. Checked after failNext
   * and before holdNext (a refused call consumes no hold; a `deliver: false` hold bypasses the
   * limiter entirely). Accepted calls that then fail validation (400) still count: they reached
   * the limiter. Every call with options restarts the mode: windows, rateLimited(), maxInWindow()
   * and acceptedSends() start from zero. Turning it off keeps the counters readable.
   */
  rateLimit(opts: FakeRateLimit | undefined): void;
  /** How many calls the rate-limit mode answered with 429 since it was last turned on. */
  rateLimited(): number;
  /** The most accepted sends seen within any sliding 1000 ms window since rateLimit was last turned on. */
  maxInWindow(): number;
  /** Sends the rate-limit mode accepted since it was last turned on, in order. */
  acceptedSends(): FakeAcceptedSend[];
  /** Set by setWebhook, cleared by deleteWebhook. */
  webhook: FakeWebhook | undefined;
  /** Ends held getUpdates with an empty result, rejects pending waitFor()s, closes every connection. */
  close(): Promise<void>;
}

export interface StartFakeTelegramOptions {
  token?: string;
  botUsername?: string;
  /** Defaults to the number before ':' in the token, as with real tokens. */
  botId?: number;
}

export const DEFAULT_FAKE_TOKEN = '123456:TEST-token-abcdefghijklmnop';
export const DEFAULT_BOT_USERNAME = 'patent_bridge_bot';
export const DEFAULT_BOT_ID = 123456;
export const BOT_FIRST_NAME = 'Patent Bridge';
