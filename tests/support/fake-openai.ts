/**
 * A fake OpenAI-compatible Chat Completions API for tests.
 *
 * It is a real HTTP server on 127.0.0.1 (random port) that the real `openai` client (v6) talks to:
 *
 *   const fake = await startFakeOpenAI();
 *   const client = new OpenAI({ apiKey: fake.apiKey, baseURL: fake.url + '/v1', timeout: 1000, maxRetries: 0 });
 *   fake.script({ toolCall: { name: 'search_patents', arguments: { query: 'battery' } } });
 *   const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages, tools });
 *
 * Endpoints: POST /v1/chat/completions (JSON, non-streaming only) and GET /v1/models (one model).
 * Anything else → 404 `Invalid URL (METHOD /path)`, as OpenAI answers (so a baseURL without `/v1`
 * fails here as it does in production).
 *
 * Answers are OpenAI shaped: a `chat.completion` object (see FakeOpenAIStep) or an error body
 * `{ error: { message, type, param, code } }` with the HTTP status the client maps to its error
 * classes (400 BadRequestError, 401 AuthenticationError, 429 RateLimitError, ≥500
 * InternalServerError; a response later than the client's `timeout` → APIConnectionTimeoutError).
 *
 * Behaviour copied from OpenAI because it catches real mistakes (all 400 invalid_request_error,
 * checked after auth and before a scripted step is taken, so a refused request consumes nothing):
 *  - body that is not a JSON object; `stream: true` (not supported by this fake); no `model`;
 *    `messages` missing, not an array or empty; a message role outside system, developer, user,
 *    assistant, tool, function;
 *  - a `tool` message that does not answer a `tool_calls` id of the assistant message before it
 *    ("messages with role 'tool' must be a response to a preceeding message with 'tool_calls'"),
 *    and an assistant message with `tool_calls` not followed by a tool message for every id;
 *  - `tools` not a non-empty array of `{ type: 'function', function: { name } }` with names
 *    matching ^[a-zA-Z0-9_-]{1,64}$; `tool_choice` without `tools`;
 *  - `response_format: { type: 'json_object' }` when no message contains the word "json".
 *
 * Auth: `Authorization: Bearer <apiKey>`; missing or wrong → 401 with code `invalid_api_key`.
 * Start with `requireKey: false` for local-model style endpoints that take any key or none.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

// ---------------------------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------------------------

/** A message as sent in `messages` (loosely typed: the fake records whatever arrives). */
export interface FakeChatMessage {
  role: string;
  content?: unknown;
  name?: string;
  tool_calls?: Array<{ id: string; type?: string; function?: { name: string; arguments: string } }>;
  tool_call_id?: string;
  [key: string]: unknown;
}

/** The parsed JSON body of a chat completion request (`{}` when the body was not a JSON object). */
export interface FakeChatRequestBody {
  model?: string;
  messages?: FakeChatMessage[];
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown; strict?: boolean } }>;
  tool_choice?: unknown;
  response_format?: { type: string; json_schema?: unknown };
  temperature?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  stream?: boolean;
  [key: string]: unknown;
}

export interface RecordedRequest {
  /** Date.now() when the request arrived. */
  at: number;
  /** HTTP method, e.g. 'POST'. */
  method: string;
  /** Path with query, e.g. '/v1/chat/completions'. */
  path: string;
  /** Node's lower-cased request headers (authorization, content-type, x-stainless-*, …). */
  headers: IncomingHttpHeaders;
  /** Parsed JSON body; `{}` for a GET or a body that is not a JSON object (see rawBody). */
  body: FakeChatRequestBody;
  rawBody: string;
  /** HTTP status answered; unset while the answer is pending (delayMs) or when it never came. */
  status?: number;
  /** JSON answered (a chat.completion, an error body, a model list). */
  response?: unknown;
  /** Set when the client went away (its timeout, an abort) or close() ended the request unanswered. */
  aborted?: true;
}

/** A tool call to answer. `arguments`: an object is JSON.stringify'd; a string is sent verbatim (malformed JSON too). */
export interface FakeToolCall {
  name: string;
  arguments: unknown;
  /** Defaults to a fresh `call_…` id. */
  id?: string;
}

interface StepCommon {
  /**
   * When the request has `tools`, answer 400 `tools is not supported for this model` instead (as
   * some OpenAI-compatible providers do). The refused request does NOT take the step: it stays at
   * the head of the queue (or stays the default) for the next request, typically the client's
   * JSON-mode fallback without tools. A step returned by `respond` or `then` is checked too.
   */
  noToolsSupport?: boolean;
}

export type FakeOpenAIStep = StepCommon &
  (
    | { toolCall: FakeToolCall; content?: string | null; finishReason?: string }
    /** Several tool calls in one answer (parallel tool calls). */
    | { toolCalls: FakeToolCall[]; content?: string | null; finishReason?: string }
    /** A plain assistant message (JSON-mode answers too). finish_reason 'stop' unless given. */
    | { content: string; finishReason?: string }
    /**
     * An error answer with an OpenAI-shaped body for the status (or `body` verbatim: an object
     * as JSON, a string as text/plain). 429 carries `retry-after: retryAfter` (seconds, default 1;
     * 0 makes the client retry at once) and `retry-after-ms`. `message` replaces the default text.
     */
    | { status: number; retryAfter?: number; body?: unknown; message?: string }
    /**
     * Answer `then` (default: the default step) after delayMs. If the client gives up first (its
     * timeout) the request is marked `aborted` and nothing is sent; close() drops it too.
     */
    | { delayMs: number; then?: FakeOpenAIStep }
    /** Decide from the request; may be async. A throw is answered 500. */
    | { respond: (req: RecordedRequest) => FakeOpenAIStep | Promise<FakeOpenAIStep> }
  );

export interface FakeOpenAI {
  /** e.g. http://127.0.0.1:41234 (no trailing slash). The client's baseURL is `url + '/v1'`. */
  url: string;
  /** The key the server accepts (any key, or none, with requireKey: false). */
  apiKey: string;
  /** The model id listed by GET /v1/models. */
  modelId: string;
  /** Every POST /v1/chat/completions in arrival order, refused ones (401, 400) included. */
  requests: RecordedRequest[];
  /** Every other request (GET /v1/models, unknown paths). */
  otherRequests: RecordedRequest[];
  /** Queue steps, taken one per accepted chat completion request (FIFO). */
  script(...steps: FakeOpenAIStep[]): void;
  /** The step used when the queue is empty (initially `{ content: 'ok' }`). */
  setDefault(step: FakeOpenAIStep): void;
  /** Scripted steps not yet taken. */
  pending(): number;
  /** Chat completion requests whose answer is being delayed (delayMs) right now. */
  heldCount(): number;
  /**
   * Resolves with `requests` once at least `count` chat completion requests have arrived (refused
   * ones count); rejects after timeoutMs (default 5000) or on close().
   */
  waitFor(count: number, timeoutMs?: number): Promise<RecordedRequest[]>;
  /** Drops delayed answers, rejects pending waitFor()s, closes every connection. */
  close(): Promise<void>;
}

export interface StartFakeOpenAIOptions {
  /** Default DEFAULT_FAKE_OPENAI_KEY. */
  apiKey?: string;
  /** false: accept any Authorization header or none (local-model style endpoints). Default true. */
  requireKey?: boolean;
  /** The model id GET /v1/models lists. Default 'gpt-4o-mini'. */
  modelId?: string;
}

export const DEFAULT_FAKE_OPENAI_KEY = 'sk-test-fake-openai-0123456789abcdef';
export const DEFAULT_FAKE_OPENAI_MODEL = 'gpt-4o-mini';

/** Names of the function tools a request offered (`[]` without tools). Handy in `respond`. */
export function offeredTools(req: RecordedRequest): string[] {
  const tools = req.body.tools;
  if (!Array.isArray(tools)) return [];
  return tools.map((t) => (isRecord(t) && isRecord(t.function) ? String(t.function.name) : '')).filter(Boolean);
}

/** The text of the last `user` message of a request ('' when none; array contents joined). */
export function lastUserText(req: RecordedRequest): string {
  const messages = Array.isArray(req.body.messages) ? req.body.messages : [];
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i];
    if (isRecord(m) && m.role === 'user') return contentText(m.content);
  }
  return '';
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(): OpenAIErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

const invalid = (message: string, param: string | null = null, code: string | null = null): ApiError =>
  new ApiError(400, message, 'invalid_request_error', param, code);

/** The OpenAI-shaped default error for a scripted status. */
function scriptedError(step: { status: number; retryAfter?: number; message?: string }): ApiError {
  const { status } = step;
  const m = step.message;
  switch (status) {
    case 400:
      return new ApiError(400, m ?? 'Bad request.', 'invalid_request_error');
    case 401:
      return new ApiError(401, m ?? 'Incorrect API key provided.', 'invalid_request_error', null, 'invalid_api_key');
    case 403:
      return new ApiError(403, m ?? 'Country, region, or territory not supported', 'request_forbidden', null, 'unsupported_country_region_territory');
    case 404:
      return new ApiError(404, m ?? 'The model does not exist or you do not have access to it.', 'invalid_request_error', null, 'model_not_found');
    case 429: {
      const seconds = step.retryAfter ?? 1;
      return new ApiError(
        429,
        m ?? `Rate limit reached for requests. Please try again in ${seconds}s.`,
        'requests',
        null,
        'rate_limit_exceeded',
        { 'retry-after': String(seconds), 'retry-after-ms': String(Math.round(seconds * 1000)) },
      );
    }
    case 503:
      return new ApiError(503, m ?? 'The engine is currently overloaded, please try again later.', 'server_error');
    default:
      if (status >= 500) {
        return new ApiError(status, m ?? 'The server had an error while processing your request. Sorry about that!', 'server_error');
      }
      return new ApiError(status, m ?? `Error ${status}`, 'invalid_request_error');
  }
}

// ---------------------------------------------------------------------------------------------
// Validation (OpenAI's checks that catch real mistakes)
// ---------------------------------------------------------------------------------------------

const ROLES = ['system', 'assistant', 'user', 'function', 'tool', 'developer'];
const TOOL_NAME = /^[a-zA-Z0-9_-]{1,64}$/;

function validate(body: FakeChatRequestBody): void {
  if (body.stream === true) {
    throw invalid('stream is not supported by this fake OpenAI server; make a non-streaming request', 'stream', 'unsupported_value');
  }
  if (typeof body.model !== 'string' || body.model === '') throw invalid('you must provide a model parameter');
  const { messages } = body;
  if (messages === undefined) throw invalid("Missing required parameter: 'messages'.", 'messages', 'missing_required_parameter');
  if (!Array.isArray(messages)) {
    throw invalid(`Invalid type for 'messages': expected an array, but got ${typeName(messages)} instead.`, 'messages', 'invalid_type');
  }
  if (messages.length === 0) {
    throw invalid("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'messages', 'empty_array');
  }

  let unanswered: { index: number; ids: Set<string> } | undefined;
  const checkAnswered = (): void => {
    if (unanswered && unanswered.ids.size > 0) {
      throw invalid(
        `An assistant message with 'tool_calls' must be followed by tool messages responding to each 'tool_call_id'. The following tool_call_ids did not have response messages: ${[...unanswered.ids].join(', ')}`,
        `messages.[${unanswered.index}].role`,
      );
    }
    unanswered = undefined;
  };
  messages.forEach((m: unknown, i) => {
    if (!isRecord(m)) throw invalid(`Invalid type for 'messages[${i}]': expected an object, but got ${typeName(m)} instead.`, `messages[${i}]`, 'invalid_type');
    if (typeof m.role !== 'string' || !ROLES.includes(m.role)) {
      throw invalid(
        `Invalid value: '${String(m.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
        `messages[${i}].role`,
        'invalid_value',
      );
    }
    if (m.role === 'tool') {
      const id = typeof m.tool_call_id === 'string' ? m.tool_call_id : undefined;
      if (!unanswered || id === undefined || !unanswered.ids.has(id)) {
        throw invalid(
          "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
          `messages.[${i}].role`,
        );
      }
      unanswered.ids.delete(id);
      return;
    }
    checkAnswered();
    if (m.role === 'assistant' && Array.isArray(m.tool_calls) && m.tool_calls.length > 0) {
      const ids = new Set<string>();
      for (const c of m.tool_calls as unknown[]) if (isRecord(c) && typeof c.id === 'string') ids.add(c.id);
      unanswered = { index: i, ids };
    }
  });
  checkAnswered();

  const { tools } = body;
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) throw invalid(`Invalid type for 'tools': expected an array, but got ${typeName(tools)} instead.`, 'tools', 'invalid_type');
    if (tools.length === 0) {
      throw invalid("Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.", 'tools', 'empty_array');
    }
    tools.forEach((t: unknown, i) => {
      if (!isRecord(t) || t.type !== 'function' || !isRecord(t.function)) {
        throw invalid(`Invalid value for 'tools[${i}]': expected a function tool { type: 'function', function: { name } }.`, `tools[${i}]`, 'invalid_value');
      }
      const name = t.function.name;
      if (typeof name !== 'string') throw invalid(`Missing required parameter: 'tools[${i}].function.name'.`, `tools[${i}].function.name`, 'missing_required_parameter');
      if (!TOOL_NAME.test(name)) {
        throw invalid(
          `Invalid 'tools[${i}].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.`,
          `tools[${i}].function.name`,
          'invalid_value',
        );
      }
    });
  }
  if (body.tool_choice !== undefined && body.tool_choice !== null && !hasTools(body)) {
    throw invalid("Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.", 'tool_choice');
  }
  if (isRecord(body.response_format) && body.response_format.type === 'json_object') {
    const mentionsJson = messages.some((m: unknown) => isRecord(m) && /json/i.test(contentText(m.content)));
    if (!mentionsJson) {
      throw invalid("'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.", 'messages');
    }
  }
}

const hasTools = (body: FakeChatRequestBody): boolean => Array.isArray(body.tools) && body.tools.length > 0;

const noToolsError = (): ApiError => invalid('tools is not supported for this model', 'tools');

// ---------------------------------------------------------------------------------------------
// Completions
// ---------------------------------------------------------------------------------------------

const ALPHANUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomId(prefix: string, length: number): string {
  const bytes = randomBytes(length);
  let s = prefix;
  for (const b of bytes) s += ALPHANUM[b % ALPHANUM.length];
  return s;
}

/** A deterministic token estimate: ceil(characters / 4), at least 1 for non-empty text. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

function completion(
  body: FakeChatRequestBody,
  content: string | null,
  toolCalls: FakeToolCall[],
  finishReason: string | undefined,
): Record<string, unknown> {
  const calls = toolCalls.map((c) => ({
    id: c.id ?? randomId('call_', 24),
    type: 'function' as const,
    function: { name: c.name, arguments: typeof c.arguments === 'string' ? c.arguments : JSON.stringify(c.arguments ?? {}) },
  }));
  const promptTokens = Math.max(
    1,
    estimateTokens(JSON.stringify(body.messages ?? [])) + (body.tools ? estimateTokens(JSON.stringify(body.tools)) : 0),
  );
  const completionTokens = Math.max(
    1,
    estimateTokens(content ?? '') + calls.reduce((n, c) => n + estimateTokens(c.function.name + c.function.arguments), 0),
  );
  return {
    id: randomId('chatcmpl-', 29),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: body.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content,
          refusal: null,
          annotations: [],
          ...(calls.length > 0 ? { tool_calls: calls } : {}),
        },
        logprobs: null,
        finish_reason: finishReason ?? (calls.length > 0 ? 'tool_calls' : 'stop'),
      },
    ],
    usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
    service_tier: 'default',
    system_fingerprint: 'fp_fake',
  };
}

// ---------------------------------------------------------------------------------------------
// Server
// ---------------------------------------------------------------------------------------------

interface Waiter {
  count: number;
  resolve: (requests: RecordedRequest[]) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

interface Held {
  timer: NodeJS.Timeout;
  res: ServerResponse;
}

export async function startFakeOpenAI(opts: StartFakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const apiKey = opts.apiKey ?? DEFAULT_FAKE_OPENAI_KEY;
  const requireKey = opts.requireKey ?? true;
  const modelId = opts.modelId ?? DEFAULT_FAKE_OPENAI_MODEL;

  const requests: RecordedRequest[] = [];
  const otherRequests: RecordedRequest[] = [];
  const queue: FakeOpenAIStep[] = [];
  let defaultStep: FakeOpenAIStep = { content: 'ok' };
  const waiters = new Set<Waiter>();
  const held = new Set<Held>();
  let closed = false;

  const send = (
    rec: RecordedRequest,
    res: ServerResponse,
    status: number,
    body: unknown,
    headers: Record<string, string> = {},
  ): void => {
    if (res.writableEnded || res.destroyed) return;
    const isText = typeof body === 'string';
    const payload = isText ? body : JSON.stringify(body);
    rec.status = status;
    rec.response = body;
    res.writeHead(status, {
      'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json',
      'content-length': Buffer.byteLength(payload),
      'x-request-id': randomId('req_', 32),
      ...headers,
    });
    res.end(payload);
  };

  const sendError = (rec: RecordedRequest, res: ServerResponse, error: ApiError): void =>
    send(rec, res, error.status, error.toBody(), error.headers);

  const checkAuth = (headers: IncomingHttpHeaders): ApiError | undefined => {
    if (!requireKey) return undefined;
    const match = /^Bearer\s+(.*)$/i.exec(headers.authorization ?? '');
    const key = match?.[1]?.trim() ?? '';
    if (key === '') {
      return new ApiError(
        401,
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY). You can obtain an API key from https://platform.openai.com/account/api-keys.",
        'invalid_request_error',
        null,
        'invalid_api_key',
      );
    }
    if (key !== apiKey) {
      return new ApiError(
        401,
        `Incorrect API key provided: ${maskKey(key)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
        'invalid_request_error',
        null,
        'invalid_api_key',
      );
    }
    return undefined;
  };

  const notifyWaiters = (): void => {
    for (const w of [...waiters]) {
      if (requests.length >= w.count) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.resolve(requests);
      }
    }
  };

  /** Answers a step that has been taken for this request. */
  async function run(step: FakeOpenAIStep, rec: RecordedRequest, res: ServerResponse): Promise<void> {
    if (res.writableEnded || res.destroyed) return;
    if (step.noToolsSupport && hasTools(rec.body)) return sendError(rec, res, noToolsError());
    if ('respond' in step) {
      let next: FakeOpenAIStep;
      try {
        next = await step.respond(rec);
      } catch (error) {
        return sendError(rec, res, new ApiError(500, `fake-openai: respond threw: ${String(error)}`, 'server_error'));
      }
      return run(next, rec, res);
    }
    if ('delayMs' in step) {
      const h: Held = {
        res,
        timer: setTimeout(() => {
          held.delete(h);
          void run(step.then ?? defaultStep, rec, res);
        }, step.delayMs),
      };
      held.add(h);
      res.once('close', () => {
        // The client gave up (or close() dropped it): forget the pending answer.
        if (held.delete(h)) clearTimeout(h.timer);
      });
      return;
    }
    if ('status' in step) {
      if (step.body === undefined) return sendError(rec, res, scriptedError(step));
      const headers = scriptedError(step).headers;
      return send(rec, res, step.status, step.body, headers);
    }
    if ('toolCall' in step) return send(rec, res, 200, completion(rec.body, step.content ?? null, [step.toolCall], step.finishReason));
    if ('toolCalls' in step) return send(rec, res, 200, completion(rec.body, step.content ?? null, step.toolCalls, step.finishReason));
    if ('content' in step) return send(rec, res, 200, completion(rec.body, step.content, [], step.finishReason));
    return sendError(rec, res, new ApiError(500, `fake-openai: unknown step ${JSON.stringify(step)}`, 'server_error'));
  }

  async function chatCompletions(rec: RecordedRequest, res: ServerResponse): Promise<void> {
    const authError = checkAuth(rec.headers);
    if (authError) return sendError(rec, res, authError);
    let parsed: unknown;
    try {
      parsed = JSON.parse(rec.rawBody);
    } catch {
      parsed = undefined;
    }
    if (!isRecord(parsed)) {
      return sendError(
        rec,
        res,
        invalid(
          "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
        ),
      );
    }
    try {
      validate(rec.body);
    } catch (error) {
      if (error instanceof ApiError) return sendError(rec, res, error);
      throw error;
    }
    const head = queue[0] ?? defaultStep;
    // A provider without tool support refuses before the step is taken (see StepCommon).
    if (head.noToolsSupport && hasTools(rec.body)) return sendError(rec, res, noToolsError());
    const step = queue.shift() ?? defaultStep;
    return run(step, rec, res);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch {
      res.destroy();
      return;
    }
    const path = req.url ?? '/';
    const pathname = new URL(path, 'http://127.0.0.1').pathname.replace(/\/+$/, '');
    const method = req.method ?? 'GET';
    const rawBody = raw.toString('utf8');
    let body: FakeChatRequestBody = {};
    try {
      const parsed: unknown = rawBody === '' ? undefined : JSON.parse(rawBody);
      if (isRecord(parsed)) body = parsed as FakeChatRequestBody;
    } catch {
      // answered 400 by chatCompletions
    }
    const rec: RecordedRequest = { at: Date.now(), method, path, headers: req.headers, body, rawBody };
    res.once('close', () => {
      if (!res.writableFinished) rec.aborted = true;
    });

    if (method === 'POST' && pathname === '/v1/chat/completions') {
      requests.push(rec);
      notifyWaiters();
      return chatCompletions(rec, res);
    }
    otherRequests.push(rec);
    if (method === 'GET' && pathname === '/v1/models') {
      const authError = checkAuth(req.headers);
      if (authError) return sendError(rec, res, authError);
      return send(rec, res, 200, {
        object: 'list',
        data: [{ id: modelId, object: 'model', created: 1_700_000_000, owned_by: 'system' }],
      });
    }
    return sendError(rec, res, new ApiError(404, `Invalid URL (${method} ${pathname || '/'})`));
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent && !res.destroyed) {
        const body = JSON.stringify(new ApiError(500, `fake-openai: ${String(error)}`, 'server_error').toBody());
        res.writeHead(500, { 'content-type': 'application/json' });
        res.end(body);
      } else {
        res.destroy();
      }
    });
  });
  // A client that drops its connection mid-request must not take the server down.
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  const describeRequests = (): string =>
    requests.length === 0
      ? '(none)'
      : requests.map((r) => `${r.status ?? (r.aborted ? 'aborted' : 'pending')} ${String(r.body.model)}`).join('; ');

  const fake: FakeOpenAI = {
    url: `http://127.0.0.1:${port}`,
    apiKey,
    modelId,
    requests,
    otherRequests,

    script(...steps) {
      queue.push(...steps);
    },

    setDefault(step) {
      defaultStep = step;
    },

    pending: () => queue.length,
    heldCount: () => held.size,

    waitFor(count, timeoutMs = 5000) {
      if (requests.length >= count) return Promise.resolve(requests);
      if (closed) return Promise.reject(new Error(`fake-openai: closed; ${requests.length} request(s) received`));
      return new Promise<RecordedRequest[]>((resolve, reject) => {
        const waiter: Waiter = {
          count,
          resolve,
          reject,
          timer: setTimeout(() => {
            waiters.delete(waiter);
            reject(
              new Error(
                `fake-openai: waited ${timeoutMs} ms for ${count} chat completion request(s), got ${requests.length}: ${describeRequests()}`,
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
      for (const h of [...held]) {
        held.delete(h);
        clearTimeout(h.timer);
        h.res.destroy();
      }
      for (const w of [...waiters]) {
        waiters.delete(w);
        clearTimeout(w.timer);
        w.reject(new Error(`fake-openai: closed while waiting for ${w.count} request(s); got ${requests.length}`));
      }
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
  return fake;
}

// ---------------------------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------------------------

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** A message content as text: a string, or the `text` of array parts joined. */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content.map((p) => (isRecord(p) && typeof p.text === 'string' ? p.text : '')).join('');
  }
  return '';
}

/** As OpenAI shows a wrong key: the first 3 and last 4 characters. */
function maskKey(key: string): string {
  if (key.length <= 8) return '*'.repeat(key.length);
  return `${key.slice(0, 3)}${'*'.repeat(Math.min(key.length - 7, 20))}${key.slice(-4)}`;
}
