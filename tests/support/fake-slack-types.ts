/** The fake Slack Web API's public types, its workspace's ids and the error a handler throws (tests/support/fake-slack.ts). */
import type { FakeSlackSocket } from './fake-slack-socket.js';

export interface SlackCall {
  /** Web API method (e.g. `chat.postMessage`), or `response_url` for posts to responseUrl(id). */
  method: string;
  /** Parsed arguments: JSON-encoded form values (blocks, attachments, view, metadata) decoded,
   *  known boolean flags ('true'/'false') as booleans, `token` removed. response_url: the JSON body
   *  plus `response_url_id`. */
  params: Record<string, unknown>;
  /** Token the call carried (bearer header, or `token` form field). */
  token?: string;
  /** Date.now() when the request arrived. */
  at: number;
  /** True when answered with ok:false or a non-200 status. */
  failed?: boolean;
  /** HTTP status answered. */
  status?: number;
  /** The `error` answered, when failed. */
  error?: string;
  /** The JSON body answered. */
  response?: Record<string, unknown>;
  /** Set for a call refused with 429 by the rate-limit mode (see FakeSlack.rateLimit). */
  rateLimited?: true;
}

export interface FakeSlackRateLimit {
  /** At most this many accepted posts/updates (all channels together) within any sliding 1000 ms window. */
  perSecond?: number;
  /** At most this many accepted posts/updates to one channel within any sliding 1000 ms window. */
  perChannelPerSecond?: number;
  /** Seconds in the `Retry-After` header of the 429 (default 1). */
  retryAfter?: number;
}

/** A chat.postMessage / chat.update that the rate-limit mode let through. */
export interface FakeSlackAcceptedSend {
  method: string;
  /** The channel argument; a user ID (U…/W…) as the DM it posts to (D…), as chat.postMessage resolves it. */
  channel: string;
  /** The `text` argument, or ''. */
  text: string;
  /** Date.now() when it was counted (kept non-decreasing), the time the window uses. */
  at: number;
}

/** Methods the rate-limit mode counts. */
export const RATE_LIMITED_METHODS: ReadonlySet<string> = new Set(['chat.postMessage', 'chat.update']);

export type SlackFailure = { status: 429; retryAfter: number } | { error: string };

export type MethodHandler = (params: Record<string, unknown>, call: SlackCall) => Record<string, unknown>;

export interface FakeSlackMessage {
  channel: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  thread_ts?: string;
  user: string;
  bot_id?: string;
}

export interface FakeSlack {
  /** http://127.0.0.1:PORT (no trailing slash). The Web API base is `url + '/api/'`. */
  url: string;
  /** The only token accepted, except by apps.connections.open. */
  botToken: string;
  /** The app-level token (`xapp-…`) apps.connections.open takes (Socket Mode); refused elsewhere. */
  appToken: string;
  /** Socket Mode: the WebSocket side (see fake-slack-socket.ts). */
  socket: FakeSlackSocket;
  botUserId: string;
  botId: string;
  teamId: string;
  appId: string;
  /** Every request in arrival order, failed ones included. */
  calls: SlackCall[];
  callsTo(method: string): SlackCall[];
  /**
   * The next N (`times`, default 1) calls of `method` fail: `{ status: 429, retryAfter }` → HTTP 429
   * with `Retry-After` and `{ok:false,error:'ratelimited'}`; `{ error }` → HTTP 200 `{ok:false,error}`
   * (response_url: HTTP 404). With `channel`, only calls whose `channel` argument matches count.
   * Checked after authentication and before argument validation.
   */
  failNext(method: string, failure: SlackFailure, opts?: { times?: number; channel?: string }): void;
  /** Resolves with callsTo(method) once `count` (default 1) calls have arrived (failed ones count);
   *  rejects after timeoutMs (default 5000) listing what did arrive. */
  waitFor(method: string, count?: number, timeoutMs?: number): Promise<SlackCall[]>;
  /** A response_url on this server: `${url}/response/${id}`. */
  responseUrl(id?: string): string;
  /** Messages posted (or seeded) and not deleted, optionally for one channel, oldest first. */
  messages(channel?: string): FakeSlackMessage[];
  /** Seed a message (e.g. the one a block_actions payload points at) so chat.update accepts it. */
  addMessage(m: { channel: string; ts?: string; text?: string; blocks?: unknown[]; thread_ts?: string; user?: string }): FakeSlackMessage;
  /** Overrides merged into conversations.info / users.info answers. */
  setChannel(id: string, info: Record<string, unknown>): void;
  setUser(id: string, info: Record<string, unknown>): void;
  /** Add or replace a Web API method. The handler returns the body (`ok: true` is added if absent);
   *  auth and failNext still apply; throw `new SlackApiError('x')` to answer `{ok:false,error:'x'}`. */
  on(method: string, handler: MethodHandler): void;
  /**
   * Turn the rate-limit mode on (or reconfigure it), or off with `undefined`. While on, every
   * chat.postMessage and chat.update is counted when its arguments have been read (after auth and
   * failNext, before validation): if accepting it would make more than `perSecond` accepted calls
   * within a sliding 1000 ms window — a call at t counts in (t-1000, t] — or more than
   * `perChannelPerSecond` to its channel, it is answered HTTP 429 with `Retry-After: N` and
   * `{ok:false,error:'ratelimited'}` (N = retryAfter ?? 1), recorded in `calls` as failed with
   * `rateLimited: true`, and not counted. An omitted limit is not enforced. Accepted calls that
   * then fail validation still count. Every call with options restarts the mode: windows,
   * rateLimited(), maxInWindow() and acceptedSends() start from zero. Turning it off keeps the
   * counters readable.
   */
  rateLimit(opts: FakeSlackRateLimit | undefined): void;
  /** How many calls the rate-limit mode answered with 429 since it was last turned on. */
  rateLimited(): number;
  /** The most accepted calls seen within any sliding 1000 ms window since rateLimit was last turned on. */
  maxInWindow(): number;
  /** Calls the rate-limit mode accepted since it was last turned on, in order. */
  acceptedSends(): FakeSlackAcceptedSend[];
  /** Rejects pending waitFor()s, closes every connection. */
  close(): Promise<void>;
}

export interface StartFakeSlackOptions {
  botToken?: string;
  appToken?: string;
  botUserId?: string;
  botId?: string;
  teamId?: string;
}

export const DEFAULT_BOT_TOKEN = 'xoxb-fake';
export const DEFAULT_APP_TOKEN = 'xapp-1-A0001-fake';
export const DEFAULT_BOT_USER_ID = 'UBOT0001';
export const DEFAULT_BOT_ID = 'BBOT0001';
export const DEFAULT_TEAM_ID = 'T0001';
export const DEFAULT_APP_ID = 'A0001';
export const DEFAULT_USER_ID = 'U0001';
export const TEAM_DOMAIN = 'patent-bridge-test';
/** The deprecated verification token Slack still puts in payloads. */
export const VERIFICATION_TOKEN = 'fake-verification-token';
/**
 * Default response_url of the body builders when none is given: a closed local port, so a test that
 * forgets `fake.responseUrl()` fails fast (ECONNREFUSED) instead of calling hooks.slack.com.
 */
export const UNROUTABLE_RESPONSE_URL = 'http://127.0.0.1:9/response/unset';

/** Throw from an `on()` handler to answer `{ ok: false, error }` (HTTP 200). */
export class SlackApiError extends Error {
  constructor(
    readonly error: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(error);
  }
}
