/**
 * A fake OpenAI-compatible embeddings API (POST /v1/embeddings) for semantic-search tests: a real
 * loopback HTTP server that Meilisearch's REST embedder calls, as it would DashScope or Ollama.
 *
 * Vectors come from word groups given by the test: dimension i counts the words of group i in the
 * text (one extra constant dimension keeps every vector non-zero), normalised. Texts sharing a group
 * are neighbours even when they share no word, which is what a semantic match is.
 *
 * OpenAI's behaviour where it catches mistakes: 401 without the bearer key, 400 without `model` or
 * with `input` neither a string nor an array of strings; `fail(n)` answers the next n calls with 500.
 */
import { CallLog, listenLoopback, readBody, sendJson, type BaseCall, type LoopbackServer } from './fake-base.js';

export interface EmbeddingCall extends BaseCall {
  model: string;
  inputs: string[];
}

export interface FakeEmbedder {
  url: string;
  apiKey: string;
  dimensions: number;
  calls: CallLog<EmbeddingCall>;
  fail(times: number): void;
  close(): Promise<void>;
}

export async function startFakeEmbedder(groups: string[][], apiKey = 'sk-fake-embedder'): Promise<FakeEmbedder> {
  const dimensions = groups.length + 1;
  const calls = new CallLog<EmbeddingCall>('fake embedder');
  let failures = 0;
  let seq = 0;
  const embed = (text: string): number[] => {
    const v = groups.map((g) => g.reduce((n, w) => n + text.split(w).length - 1, 0));
    v.push(0.1);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  };
  const server: LoopbackServer = await listenLoopback(async (req, res) => {
    if (req.method !== 'POST' || req.url !== '/v1/embeddings') return sendJson(res, 404, { error: { message: `Invalid URL (${req.method} ${req.url})`, type: 'invalid_request_error' } });
    if (req.headers.authorization !== `Bearer ${apiKey}`) return sendJson(res, 401, { error: { message: 'Incorrect API key provided', type: 'invalid_request_error', code: 'invalid_api_key' } });
    let body: { model?: unknown; input?: unknown };
    try {
      body = JSON.parse((await readBody(req)).toString('utf8'));
    } catch {
      return sendJson(res, 400, { error: { message: 'We could not parse the JSON body of your request.', type: 'invalid_request_error' } });
    }
    const inputs = typeof body.input === 'string' ? [body.input] : Array.isArray(body.input) && body.input.every((x) => typeof x === 'string') ? (body.input as string[]) : undefined;
    if (typeof body.model !== 'string' || !inputs) return sendJson(res, 400, { error: { message: "'model' and 'input' are required", type: 'invalid_request_error' } });
    calls.record({ method: 'embeddings', at: seq++, model: body.model, inputs });
    if (failures > 0) {
      failures--;
      return sendJson(res, 500, { error: { message: 'The server had an error while processing your request.', type: 'server_error' } });
    }
    sendJson(res, 200, {
      object: 'list',
      data: inputs.map((t, index) => ({ object: 'embedding', index, embedding: embed(t) })),
      model: body.model,
      usage: { prompt_tokens: inputs.join('').length, total_tokens: inputs.join('').length },
    });
  });
  return {
    url: server.url,
    apiKey,
    dimensions,
    calls,
    fail(times) {
      failures = times;
    },
    close: () => server.close(),
  };
}
