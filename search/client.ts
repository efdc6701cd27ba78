/**
 * The one place that builds a Meilisearch client. Requests go over node:http (node-http-client.ts:
 * cheaper than fetch per request), each with one deadline of `timeoutMs`. Responses are requested
 * uncompressed: from Node, gzip responses stall ~40 ms each. Client errors become SearchError with
 * a stable code.
 */
import { Meilisearch, MeilisearchApiError, MeilisearchRequestError } from 'meilisearch';
import { SearchError } from './errors.js';
import { MeiliTimeoutError, nodeHttpClient } from './node-http-client.js';

export function createMeiliClient(url: string, apiKey: string, timeoutMs = 10_000): Meilisearch {
  return new Meilisearch({
    host: url,
    apiKey,
    // No `timeout` here: the transport keeps the deadline (the client's own costs an AbortController per request).
    httpClient: nodeHttpClient(timeoutMs),
    requestInit: { headers: { 'accept-encoding': 'identity' } },
    defaultWaitOptions: { timeout: 120_000, interval: 50 },
  });
}

/** Maps any failure of a Meilisearch call to a SearchError that names what failed. */
export function toSearchError(err: unknown, what: string): SearchError {
  if (err instanceof SearchError) return err;
  // What the transport threw arrives wrapped in MeilisearchRequestError.
  if (err instanceof MeilisearchRequestError && (err.cause instanceof MeilisearchApiError || err.cause instanceof MeiliTimeoutError)) err = err.cause;
  if (err instanceof MeiliTimeoutError) return new SearchError('SEARCH_TIMEOUT', `${what} timed out`, { cause: err });
  if (err instanceof MeilisearchApiError) {
    const code = err.cause?.code ?? 'unknown';
    return new SearchError('SEARCH_REQUEST_REJECTED', `${what} was rejected (${code}): ${err.message}`, { cause: err });
  }
  return new SearchError('SEARCH_UNAVAILABLE', `${what} failed: ${(err as Error)?.message ?? String(err)}`, { cause: err });
}

export async function guard<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    throw toSearchError(err, what);
  }
}
