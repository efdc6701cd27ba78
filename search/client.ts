/**
 * The one place that builds a Meilisearch client. Responses are requested uncompressed: from Node,
 * gzip responses stall ~40 ms each. Client errors become SearchError with a stable code.
 */
import { Meilisearch, MeilisearchApiError, MeilisearchRequestTimeOutError } from 'meilisearch';
import { SearchError } from './errors.js';

export function createMeiliClient(url: string, apiKey: string, timeoutMs = 10_000): Meilisearch {
  return new Meilisearch({
    host: url,
    apiKey,
    timeout: timeoutMs,
    requestInit: { headers: { 'accept-encoding': 'identity' } },
    defaultWaitOptions: { timeout: 120_000, interval: 50 },
  });
}

/** Maps any failure of a Meilisearch call to a SearchError that names what failed. */
export function toSearchError(err: unknown, what: string): SearchError {
  if (err instanceof SearchError) return err;
  if (err instanceof MeilisearchRequestTimeOutError) return new SearchError('SEARCH_TIMEOUT', `${what} timed out`, { cause: err });
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
