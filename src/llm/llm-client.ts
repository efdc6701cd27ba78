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
import { maskPii } from './mask.js';

export type LlmKind = 'intent' | 'policy' | 'rewrite';
export type LlmOutcome = 'ok' | 'invalid' | 'timeout' | 'rate_limited' | 'error';
export type LlmResult<T> = { ok: true; value: T } | { ok: false; outcome: Exclude<LlmOutcome, 'ok'>; detail: string };

export interface LlmOptions {
  apiKey?: string;
  baseURL?: string;
  model: string;
  timeoutMs: number;
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
    this.client = new OpenAI({ apiKey: o.apiKey ?? 'none', ...(o.baseURL ? { baseURL: o.baseURL } : {}), timeout: o.timeoutMs, maxRetries: o.maxRetries });
  }

  get model(): string {
    return this.o.model;
  }

  /** Asks for one function call; `user` is masked before it leaves. */
  async call<T>(kind: LlmKind, system: string, user: string, tool: ToolSpec, schema: z.ZodType<T>): Promise<LlmResult<T>> {
    const messages = [
      { role: 'system' as const, content: system },
      { role: 'user' as const, content: maskPii(user) },
    ];
    const started = performance.now();
    const result = await this.attempt(kind, messages, tool, schema);
    this.o.metrics?.llmCalls.inc({ kind, outcome: result.ok ? 'ok' : result.outcome });
    this.o.metrics?.llmLatency.observe({ kind }, (performance.now() - started) / 1000);
    if (!result.ok) this.o.log.warn('llm fallback', { kind, outcome: result.outcome, detail: result.detail.slice(0, 200) });
    return result;
  }

  private async attempt<T>(kind: LlmKind, messages: OpenAI.ChatCompletionMessageParam[], tool: ToolSpec, schema: z.ZodType<T>): Promise<LlmResult<T>> {
    let raw: string | undefined;
    try {
      if (!this.noTools) {
        try {
          const res = await this.client.chat.completions.create({
            model: this.o.model,
            messages,
            temperature: 0,
            tools: [{ type: 'function', function: tool }],
            tool_choice: { type: 'function', function: { name: tool.name } },
          });
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
        });
        this.count(kind, res.usage);
        raw = res.choices[0]?.message.content ?? undefined;
      }
    } catch (err) {
      if (err instanceof OpenAI.APIConnectionTimeoutError) return { ok: false, outcome: 'timeout', detail: err.message };
      if (err instanceof OpenAI.RateLimitError) return { ok: false, outcome: 'rate_limited', detail: err.message };
      return { ok: false, outcome: 'error', detail: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
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
