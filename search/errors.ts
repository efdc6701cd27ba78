/** Failures of the search layer, with a stable code and the underlying cause. */
export type SearchErrorCode =
  | 'SEARCH_UNAVAILABLE'
  | 'SEARCH_TIMEOUT'
  | 'SEARCH_REQUEST_REJECTED'
  | 'SEARCH_TASK_FAILED'
  | 'SEARCH_BINARY_MISSING'
  | 'SEARCH_START_FAILED';

export class SearchError extends Error {
  constructor(
    readonly code: SearchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`meilisearch: ${message}`, options);
    this.name = 'SearchError';
  }
}
