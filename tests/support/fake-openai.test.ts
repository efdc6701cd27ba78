/** The fake OpenAI Chat Completions API, driven by the real `openai` client. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import OpenAI, {
  APIConnectionError,
  APIConnectionTimeoutError,
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  RateLimitError,
} from 'openai';
import type { ChatCompletionMessageParam, ChatCompletionTool } from 'openai/resources/chat/completions';
import { lastUserText, offeredTools, startFakeOpenAI, type FakeOpenAI } from './fake-openai.js';

let fake: FakeOpenAI;
let client: OpenAI;

const MODEL = 'gpt-4o-mini';

const clientFor = (f: FakeOpenAI, opts: { apiKey?: string; timeout?: number; maxRetries?: number } = {}): OpenAI =>
  new OpenAI({
    apiKey: opts.apiKey ?? f.apiKey,
    baseURL: `${f.url}/v1`,
    timeout: opts.timeout ?? 2000,
    maxRetries: opts.maxRetries ?? 0,
  });

const tools: ChatCompletionTool[] = [
  {
    type: 'function',
    function: {
      name: 'search_patents',
      description: 'Search the patent catalogue',
      parameters: {
        type: 'object',
        properties: { query: { type: 'string' }, limit: { type: 'integer' } },
        required: ['query'],
      },
    },
  },
  {
    type: 'function',
    function: { name: 'contact_agent', parameters: { type: 'object', properties: {} } },
  },
];

const ask = (content: string): ChatCompletionMessageParam[] => [
  { role: 'system', content: 'You route questions about patents.' },
  { role: 'user', content },
];

/** The error a promise rejects with (fails the test if it resolves). */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (error) {
    return error;
  }
  throw new Error('expected the call to fail');
}

beforeEach(async () => {
  fake = await startFakeOpenAI();
  client = clientFor(fake);
});

afterEach(async () => {
  await fake.close();
});

describe('fake OpenAI Chat Completions API', () => {
  it('round-trips a tool call: arguments arrive as a JSON string, the tool result goes back', async () => {
    fake.script(
      { toolCall: { name: 'search_patents', arguments: { query: 'solid-state battery', limit: 3 } } },
      { content: 'I found 3 patents on solid-state batteries.' },
    );
    const messages = ask('Any patents on solid-state batteries?');
    const first = await client.chat.completions.create({ model: MODEL, messages, tools, tool_choice: 'auto' });

    expect(first).toMatchObject({ object: 'chat.completion', model: MODEL });
    expect(first.id).toMatch(/^chatcmpl-/);
    const choice = first.choices[0]!;
    expect(choice.finish_reason).toBe('tool_calls');
    expect(choice.message.role).toBe('assistant');
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls?.[0];
    expect(call?.type).toBe('function');
    if (call?.type !== 'function') throw new Error('expected a function tool call');
    expect(call.id).toMatch(/^call_/);
    expect(call.function.name).toBe('search_patents');
    expect(typeof call.function.arguments).toBe('string');
    expect(JSON.parse(call.function.arguments)).toEqual({ query: 'solid-state battery', limit: 3 });

    const second = await client.chat.completions.create({
      model: MODEL,
      tools,
      messages: [
        ...messages,
        choice.message,
        { role: 'tool', tool_call_id: call.id, content: JSON.stringify([{ id: 1 }, { id: 2 }, { id: 3 }]) },
      ],
    });
    expect(second.choices[0]).toMatchObject({
      finish_reason: 'stop',
      message: { role: 'assistant', content: 'I found 3 patents on solid-state batteries.' },
    });
    expect(second.choices[0]!.message.tool_calls).toBeUndefined();
    expect(fake.requests).toHaveLength(2);
    expect(fake.requests[1]!.body.messages?.at(-1)).toMatchObject({ role: 'tool', tool_call_id: call.id });
    expect(fake.pending()).toBe(0);
  });

  it('sends a string tool-call argument verbatim (malformed JSON reaches the client as is)', async () => {
    fake.script({ toolCall: { name: 'search_patents', arguments: '{"query": "battery"' } });
    const res = await client.chat.completions.create({ model: MODEL, messages: ask('battery'), tools });
    const call = res.choices[0]!.message.tool_calls?.[0];
    expect(call?.type === 'function' && call.function.arguments).toBe('{"query": "battery"');
  });

  it('answers plain content with usage, the default "ok" when nothing is scripted, and setDefault', async () => {
    fake.script({ content: 'Hello there' });
    const a = await client.chat.completions.create({ model: MODEL, messages: ask('hi') });
    expect(a.choices).toHaveLength(1);
    expect(a.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'Hello there' } });
    expect(a.usage!.prompt_tokens).toBeGreaterThan(0);
    expect(a.usage!.completion_tokens).toBe(Math.ceil('Hello there'.length / 4));
    expect(a.usage!.total_tokens).toBe(a.usage!.prompt_tokens + a.usage!.completion_tokens);
    expect(typeof a.created).toBe('number');

    const b = await client.chat.completions.create({ model: MODEL, messages: ask('again') });
    expect(b.choices[0]!.message.content).toBe('ok');

    fake.setDefault({ content: '{"intent":"search"}' });
    const c = await client.chat.completions.create({
      model: MODEL,
      messages: ask('Answer in JSON: what does the user want?'),
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(c.choices[0]!.message.content!)).toEqual({ intent: 'search' });
  });

  it('records request bodies and headers', async () => {
    await client.chat.completions.create({
      model: MODEL,
      messages: ask('Patents on graphene?'),
      tools,
      tool_choice: { type: 'function', function: { name: 'search_patents' } },
      temperature: 0.2,
    });
    await fake.waitFor(1, 500);
    const [rec] = fake.requests;
    expect(rec).toMatchObject({ method: 'POST', path: '/v1/chat/completions', status: 200 });
    expect(rec!.headers.authorization).toBe(`Bearer ${fake.apiKey}`);
    expect(rec!.body).toMatchObject({
      model: MODEL,
      messages: [
        { role: 'system', content: 'You route questions about patents.' },
        { role: 'user', content: 'Patents on graphene?' },
      ],
      tool_choice: { type: 'function', function: { name: 'search_patents' } },
      temperature: 0.2,
    });
    expect(offeredTools(rec!)).toEqual(['search_patents', 'contact_agent']);
    expect(lastUserText(rec!)).toBe('Patents on graphene?');
  });

  it('respond decides from the request', async () => {
    fake.setDefault({ respond: (req) => ({ content: `tools: ${offeredTools(req).join(',') || 'none'}` }) });
    const a = await client.chat.completions.create({ model: MODEL, messages: ask('x'), tools });
    const b = await client.chat.completions.create({ model: MODEL, messages: ask('y') });
    expect(a.choices[0]!.message.content).toBe('tools: search_patents,contact_agent');
    expect(b.choices[0]!.message.content).toBe('tools: none');
  });

  it('401 on a wrong or missing key; requireKey: false accepts any key or none', async () => {
    const err = await rejection(clientFor(fake, { apiKey: 'sk-wrong-key-123456' }).chat.completions.create({ model: MODEL, messages: ask('x') }));
    expect(err).toBeInstanceOf(AuthenticationError);
    expect((err as AuthenticationError).status).toBe(401);
    expect((err as AuthenticationError).code).toBe('invalid_api_key');
    expect((err as AuthenticationError).type).toBe('invalid_request_error');
    expect(fake.requests[0]).toMatchObject({ status: 401 });

    const missing = await fetch(`${fake.url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, messages: ask('x') }),
    });
    expect(missing.status).toBe(401);
    expect(await missing.json()).toMatchObject({ error: { type: 'invalid_request_error', code: 'invalid_api_key' } });
    expect(fake.pending()).toBe(0); // refused requests take no step

    const local = await startFakeOpenAI({ requireKey: false });
    try {
      const res = await clientFor(local, { apiKey: 'anything' }).chat.completions.create({ model: 'llama3', messages: ask('x') });
      expect(res.choices[0]!.message.content).toBe('ok');
      const bare = await fetch(`${local.url}/v1/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ model: 'llama3', messages: ask('x') }),
      });
      expect(bare.status).toBe(200);
    } finally {
      await local.close();
    }
  });

  it('429 surfaces as RateLimitError with retry-after (maxRetries: 0); with retries the client retries', async () => {
    fake.script({ status: 429, retryAfter: 7 });
    const err = await rejection(client.chat.completions.create({ model: MODEL, messages: ask('x') }));
    expect(err).toBeInstanceOf(RateLimitError);
    expect((err as RateLimitError).status).toBe(429);
    expect((err as RateLimitError).headers?.get('retry-after')).toBe('7');
    expect((err as RateLimitError).code).toBe('rate_limit_exceeded');
    expect(fake.requests).toHaveLength(1);

    fake.script({ status: 429, retryAfter: 0 }, { content: 'after retry' });
    const res = await clientFor(fake, { maxRetries: 1 }).chat.completions.create({ model: MODEL, messages: ask('x') });
    expect(res.choices[0]!.message.content).toBe('after retry');
    expect(fake.requests.map((r) => r.status)).toEqual([429, 429, 200]);
  });

  it('500 surfaces as InternalServerError; a custom status and body are sent as given', async () => {
    fake.script({ status: 500 }, { status: 418, body: { error: { message: 'teapot', type: 'odd', param: null, code: 'tea' } } });
    const err = await rejection(client.chat.completions.create({ model: MODEL, messages: ask('x') }));
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).status).toBe(500);
    expect((err as InternalServerError).type).toBe('server_error');

    const odd = await rejection(client.chat.completions.create({ model: MODEL, messages: ask('x') }));
    expect(odd).toMatchObject({ status: 418, code: 'tea', message: '418 teapot' });
  });

  it('delayMs beyond the client timeout → APIConnectionTimeoutError, and the server keeps working', async () => {
    fake.script({ delayMs: 1500, then: { content: 'too late' } }, { content: 'on time' });
    const slow = clientFor(fake, { timeout: 150 });
    const t0 = Date.now();
    const err = await rejection(slow.chat.completions.create({ model: MODEL, messages: ask('x') }));
    expect(err).toBeInstanceOf(APIConnectionTimeoutError);
    expect(Date.now() - t0).toBeLessThan(1000);

    const res = await slow.chat.completions.create({ model: MODEL, messages: ask('y') });
    expect(res.choices[0]!.message.content).toBe('on time');
    await expect.poll(() => fake.requests[0]!.aborted).toBe(true);
    expect(fake.heldCount()).toBe(0);
    expect(fake.requests[0]!.status).toBeUndefined();
  });

  it('a delayed answer within the timeout arrives; close() drops a held request without crashing', async () => {
    fake.script({ delayMs: 100 });
    const res = await client.chat.completions.create({ model: MODEL, messages: ask('x') });
    expect(res.choices[0]!.message.content).toBe('ok');

    const other = await startFakeOpenAI();
    other.script({ delayMs: 60_000 });
    const pending = rejection(clientFor(other, { timeout: 5000 }).chat.completions.create({ model: MODEL, messages: ask('x') }));
    await other.waitFor(1, 1000);
    expect(other.heldCount()).toBe(1);
    await other.close();
    expect(await pending).toBeInstanceOf(APIConnectionError);
    expect(other.heldCount()).toBe(0);
  });

  it('noToolsSupport: a request with tools → 400 BadRequestError, the JSON-mode fallback gets the step', async () => {
    fake.script({ content: '{"intent":"search","query":"graphene"}', noToolsSupport: true });
    const err = await rejection(client.chat.completions.create({ model: MODEL, messages: ask('graphene'), tools }));
    expect(err).toBeInstanceOf(BadRequestError);
    expect((err as BadRequestError).status).toBe(400);
    expect((err as BadRequestError).message).toContain('tools is not supported for this model');
    expect((err as BadRequestError).type).toBe('invalid_request_error');
    expect(fake.pending()).toBe(1);

    const res = await client.chat.completions.create({
      model: MODEL,
      messages: [...ask('graphene'), { role: 'system', content: 'Reply with a JSON object {intent, query}.' }],
      response_format: { type: 'json_object' },
    });
    expect(JSON.parse(res.choices[0]!.message.content!)).toEqual({ intent: 'search', query: 'graphene' });
    expect(fake.pending()).toBe(0);
    expect(fake.requests[1]!.body.response_format).toEqual({ type: 'json_object' });
    expect(fake.requests[1]!.body.tools).toBeUndefined();
  });

  it('refuses what OpenAI refuses: stream, orphan tool messages, unanswered tool calls, json_object without "json"', async () => {
    const stream = await rejection(client.chat.completions.create({ model: MODEL, messages: ask('x'), stream: true }));
    expect(stream).toBeInstanceOf(BadRequestError);
    expect((stream as BadRequestError).error).toMatchObject({ type: 'invalid_request_error', param: 'stream' });

    const orphan = await rejection(
      client.chat.completions.create({ model: MODEL, messages: [...ask('x'), { role: 'tool', tool_call_id: 'call_1', content: '[]' }] }),
    );
    expect(orphan).toBeInstanceOf(BadRequestError);
    expect((orphan as BadRequestError).message).toContain("messages with role 'tool' must be a response");

    const unanswered = await rejection(
      client.chat.completions.create({
        model: MODEL,
        messages: [
          ...ask('x'),
          { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'search_patents', arguments: '{}' } }] },
          { role: 'user', content: 'and?' },
        ],
      }),
    );
    expect((unanswered as BadRequestError).message).toContain('did not have response messages: call_1');

    const json = await rejection(
      client.chat.completions.create({ model: MODEL, messages: ask('x'), response_format: { type: 'json_object' } }),
    );
    expect((json as BadRequestError).message).toContain("must contain the word 'json'");

    const badName = await rejection(
      client.chat.completions.create({ model: MODEL, messages: ask('x'), tools: [{ type: 'function', function: { name: 'search patents' } }] }),
    );
    expect((badName as BadRequestError).status).toBe(400);
    expect(fake.requests.map((r) => r.status)).toEqual([400, 400, 400, 400, 400]);
  });

  it('lists one model on GET /v1/models and 404s unknown paths', async () => {
    const models = [];
    for await (const m of client.models.list()) models.push(m.id);
    expect(models).toEqual(['gpt-4o-mini']);
    expect(fake.otherRequests[0]).toMatchObject({ method: 'GET', path: '/v1/models', status: 200 });

    const res = await fetch(`${fake.url}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${fake.apiKey}`, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { message: 'Invalid URL (POST /chat/completions)' } });
    expect(fake.requests).toHaveLength(0);
  });

  it('waitFor resolves on arrival and rejects after its timeout', async () => {
    const waiting = fake.waitFor(2, 1000);
    await client.chat.completions.create({ model: MODEL, messages: ask('1') });
    await client.chat.completions.create({ model: MODEL, messages: ask('2') });
    expect((await waiting).map(lastUserText)).toEqual(['1', '2']);
    await expect(fake.waitFor(3, 50)).rejects.toThrow(/waited 50 ms for 3/);
  });
});
