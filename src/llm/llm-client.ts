/**
 * The one way text reaches a model: any OpenAI-compatible endpoint through the `openai` package
 * (DeepSeek, Qwen/DashScope compatible mode, Ollama, vLLM, OpenAI). Every call has an explicit
 * timeout and bounded retries, masks personal data, asks for a function call with a JSON schema
 * (falling back to JSON mode where the provider has no tools), and validates the answer with zod.
 * A call never throws to the caller: it returns a value or the reason there is none.
 */
import OpenAI from 'openai';
import type { z } from 'zod';
import type { Logger } from '../util/log.js';
import type { Metrics } from '../util/metrics.js';
import { MIN_CALL_MS, type LlmDeadline } from './llm-deadline.js';
import { maskPii } from './mask.js';

export type LlmKind = 'intent' | 'policy' | 'rewrite';
/** `deadline`: the message's model budget was used up before the call (or its retry) could start. */
export type LlmOutcome = 'ok' | 'invalid' | 'timeout' | 'rate_limited' | 'error' | 'deadline';
export type LlmResult<T> = { ok: true; value: T } | { ok: false; outcome: Exclude<LlmOutcome, 'ok'>; detail: string };

export interface LlmOptions {
  apiKey?: string;
  baseURL?: string;
  model: string;
  /** Per attempt; shortened to what is left of the message's deadline. */
  timeoutMs: number;
  /** Further attempts after a timeout, a connection error, 408, 409, 429 or 5xx. */
  maxRetries: number;
  log: Logger;
  metrics?: Metrics;
}

export interface ToolSpec {
  name: string;
  description: string;
  parameters: Record<string, unknown>;
}

export class LlmClient {
  private readonly client: OpenAI;
  /** Set once a provider has refused tools; later calls go straight to JSON mode. */
  private noTools = false;

  constructor(private readonly o: LlmOptions) {
    // Local endpoints (Ollama, vLLM) need no key; the client insists on a string.
    this.client = new OpenAI({ apiKey: o.apiKey ?? 'none', ...(o.baseURL ? { baseURL: o.baseURL } : {}), timeout: o.timeoutMs, maxRetries: 0 });
  }

  get model(): string {
    return this.o.model;
  }

  /** Asks for one function call; `user` is masked before it leaves. */
  async call<T>(kind: LlmKind, system: string, user: string, tool: ToolSpec, schema: z.ZodType<T>, deadline?: LlmDeadline): Promise<LlmResult<T>> {
    const messages = [
      { role: 'system' as const, content: system },
      { role: 'user' as const, content: maskPii(user) },
    ];
    const started = performance.now();
    const result = await this.withRetries(kind, messages, tool, schema, deadline);
    this.o.metrics?.llmCalls.inc({ kind, outcome: result.ok ? 'ok' : result.outcome });
    this.o.metrics?.llmLatency.observe({ kind }, (performance.now() - started) / 1000);
    if (!result.ok) this.o.log.warn('llm fallback', { kind, outcome: result.outcome, detail: result.detail.slice(0, 200) });
    return result;
  }

  private async withRetries<T>(kind: LlmKind, messages: OpenAI.ChatCompletionMessageParam[], tool: ToolSpec, schema: z.ZodType<T>, deadline?: LlmDeadline): Promise<LlmResult<T>> {
    if (deadline?.spent) return { ok: false, outcome: 'deadline', detail: 'the model budget for this message is used up' };
    for (let attempt = 0; ; attempt++) {
      const timeout = () => (deadline ? deadline.timeoutFor(this.o.timeoutMs) : this.o.timeoutMs);
      const { result, retryAfterMs } = await this.attempt(kind, messages, tool, schema, timeout);
      if (result.ok || retryAfterMs === undefined || attempt >= this.o.maxRetries) return result;
      // Wait as asked (or back off 0.5 s, 1 s, … with jitter), but only if a useful attempt still fits.
      const wait = retryAfterMs >= 0 ? Math.min(retryAfterMs, 60_000) : Math.min(500 * 2 ** attempt, 8000) * (1 - Math.random() * 0.25);
      if (deadline && deadline.remaining() - wait < MIN_CALL_MS) return result;
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }

  /** One request (two when a provider refuses tools). `retryAfterMs` is set when the failure is worth retrying: -1 means "use the back-off". */
  private async attempt<T>(
    kind: LlmKind,
    messages: OpenAI.ChatCompletionMessageParam[],
    tool: ToolSpec,
    schema: z.ZodType<T>,
    timeout: () => number,
  ): Promise<{ result: LlmResult<T>; retryAfterMs?: number }> {
    const result = await this.request(kind, messages, tool, schema, timeout).catch((err: unknown) => err);
    if (!(result instanceof Error)) return { result: result as LlmResult<T> };
    const err = result;
    if (err instanceof OpenAI.APIConnectionTimeoutError) return { result: { ok: false, outcome: 'timeout', detail: err.message }, retryAfterMs: -1 };
    const failure: LlmResult<T> =
      err instanceof OpenAI.RateLimitError ? { ok: false, outcome: 'rate_limited', detail: err.message } : { ok: false, outcome: 'error', detail: `${err.name}: ${err.message}` };
    if (err instanceof OpenAI.APIConnectionError) return { result: failure, retryAfterMs: -1 };
    if (err instanceof OpenAI.APIError && typeof err.status === 'number' && (err.status === 408 || err.status === 409 || err.status === 429 || err.status >= 500)) {
      return { result: failure, retryAfterMs: retryAfter(err.headers) };
    }
    return { result: failure };
  }

  private async request<T>(kind: LlmKind, messages: OpenAI.ChatCompletionMessageParam[], tool: ToolSpec, schema: z.ZodType<T>, timeout: () => number): Promise<LlmResult<T>> {
    let raw: string | undefined;
    if (!this.noTools) {
      try {
        const res = await this.client.chat.completions.create({
          model: this.o.model,
          messages,
          temperature: 0,
          tools: [{ type: 'function', function: tool }],
          tool_choice: { type: 'function', function: { name: tool.name } },
        }, { timeout: timeout() });
        this.count(kind, res.usage);
        const callItem = res.choices[0]?.message.tool_calls?.find((c) => c.type === 'function' && c.function.name === tool.name);
        raw = callItem?.type === 'function' ? callItem.function.arguments : (res.choices[0]?.message.content ?? undefined);
      } catch (err) {
        if (!(err instanceof OpenAI.BadRequestError) || !/tool|function/i.test(err.message)) throw err;
        this.noTools = true;
        this.o.log.info('llm provider has no tools; using JSON mode', { model: this.o.model });
      }
    }
    if (this.noTools) {
      const res = await this.client.chat.completions.create({
        model: this.o.model,
        temperature: 0,
        response_format: { type: 'json_object' },
        messages: [
          ...messages,
          { role: 'system', content: `Answer with one JSON object only, matching this JSON schema (${tool.description}):\n${JSON.stringify(tool.parameters)}` },
        ],
      }, { timeout: timeout() });
      this.count(kind, res.usage);
      raw = res.choices[0]?.message.content ?? undefined;
    }
    if (!raw) return { ok: false, outcome: 'invalid', detail: 'no function call and no content' };
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw.trim().replace(/^```(?:json)?\s*|\s*```$/g, ''));
    } catch {
      return { ok: false, outcome: 'invalid', detail: 'arguments are not JSON' };
    }
    const checked = schema.safeParse(parsed);
    if (!checked.success) return { ok: false, outcome: 'invalid', detail: checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ') };
    return { ok: true, value: checked.data };
  }

  private count(kind: LlmKind, usage: OpenAI.CompletionUsage | undefined): void {
    if (!usage) return;
    this.o.metrics?.llmTokens.inc({ kind, type: 'prompt' }, usage.prompt_tokens);
    this.o.metrics?.llmTokens.inc({ kind, type: 'completion' }, usage.completion_tokens);
  }
}

/** `retry-after-ms` or `retry-after` (seconds) as the provider sent it; -1 when neither is usable. */
function retryAfter(headers: Headers | undefined): number {
  const ms = Number.parseFloat(headers?.get('retry-after-ms') ?? '');
  if (Number.isFinite(ms) && ms >= 0) return ms;
  const s = Number.parseFloat(headers?.get('retry-after') ?? '');
  return Number.isFinite(s) && s >= 0 ? s * 1000 : -1;
}
