/**
 * The Meilisearch client's transport (its `httpClient` option): node:http over kept-alive sockets
 * instead of the global fetch. Under load, fetch (undici in Node 20–24) spent about a tenth of the
 * service's CPU on web streams, AbortSignals and Headers per request (bench:e2e profile); a plain
 * http.request does the same exchange for a fraction. Contract, as meilisearch-js expects of an
 * httpClient: resolve with the parsed JSON body (undefined when empty); reject a status ≥ 400 with
 * MeilisearchApiError carrying Meilisearch's error body; honour `init.signal`. The whole exchange
 * has one deadline (`timeoutMs`), rejected with MeiliTimeoutError.
 */
import http from 'node:http';
import https from 'node:https';
import { MeilisearchApiError } from 'meilisearch';

export class MeiliTimeoutError extends Error {
  override name = 'MeiliTimeoutError';
  constructor(readonly timeoutMs: number) {
    super(`Meilisearch did not answer within ${timeoutMs} ms`);
  }
}

type Init = { method?: string; body?: unknown; headers?: unknown; signal?: AbortSignal | null };

/** Headers as a plain object, once per Headers object (the client reuses one for most requests). */
const flat = new WeakMap<object, Record<string, string>>();
function headerObject(h: unknown): Record<string, string> {
  if (!h) return {};
  if (typeof h === 'object' && flat.has(h)) return flat.get(h)!;
  const out: Record<string, string> = {};
  new Headers(h as ConstructorParameters<typeof Headers>[0]).forEach((v, k) => (out[k] = v));
  if (h instanceof Headers) flat.set(h, out);
  return out;
}

function bodyOf(body: unknown): string | Uint8Array | undefined {
  if (body == null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body;
  // meilisearch-js sends strings (JSON, NDJSON, CSV) for everything we use; anything else is a bug here.
  throw new TypeError(`unsupported Meilisearch request body: ${Object.prototype.toString.call(body)}`);
}

export function nodeHttpClient(timeoutMs: number, maxSockets = 32) {
  // An idle socket is dropped after 4 s, as undici does: a proxy or balancer in front of Meilisearch
  // may close idle connections (Meilisearch 1.21 itself kept one open for 20 s, measured), and a
  // request must not go out on a socket that is closing under it.
  const agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets, timeout: 4000 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets, timeout: 4000 }),
  };
  return (input: string | URL | Request, init: Init = {}): Promise<unknown> =>
    new Promise((resolve, reject) => {
      const url = input instanceof URL ? input : new URL(typeof input === 'string' ? input : input.url);
      const signal = init.signal ?? undefined;
      if (signal?.aborted) return reject(signal.reason);
      const body = bodyOf(init.body);
      const headers = { ...headerObject(init.headers) };
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const agent = url.protocol === 'https:' ? agents['https:'] : agents['http:'];
      const lib = url.protocol === 'https:' ? https : http;
      let settled = false;
      const finish = (err: unknown, value?: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        if (err) reject(err);
        else resolve(value);
      };
      const req = lib.request(url, { method: init.method ?? 'GET', headers, agent }, (res) => {
        res.setEncoding('utf8');
        let text = '';
        res.on('data', (chunk: string) => (text += chunk));
        res.on('error', (err) => finish(err));
        // A connection that ends mid-answer fails now, not at the deadline: Node 20 reports it as an
        // 'error' on the answer; should an answer end with only 'close', this settles it too.
        res.on('close', () => !res.complete && finish(new Error('Meilisearch closed the connection before the answer was complete')));
        res.on('end', () => {
          let parsed: unknown;
          try {
            parsed = text === '' ? undefined : JSON.parse(text);
          } catch (cause) {
            return finish(new Error(`Meilisearch answered ${res.statusCode} with a body that is not JSON`, { cause }));
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            const response = new Response(null, { status, statusText: res.statusMessage ?? '' });
            return finish(new MeilisearchApiError(response, parsed as ConstructorParameters<typeof MeilisearchApiError>[1]));
          }
          finish(undefined, parsed);
        });
      });
      const onAbort = () => req.destroy(signal!.reason instanceof Error ? signal!.reason : new Error(String(signal!.reason ?? 'aborted')));
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer = setTimeout(() => req.destroy(new MeiliTimeoutError(timeoutMs)), timeoutMs);
      req.on('error', (err) => finish(err));
      req.end(body);
    });
}
