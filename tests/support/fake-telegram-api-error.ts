/** An error the fake Bot API answers: `{ ok: false, error_code, description, parameters? }` with that HTTP status. */
import type { FakeApiError } from './fake-telegram-types.js';

export class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly description: string,
    readonly parameters?: FakeApiError['parameters'],
  ) {
    super(description);
  }

  toBody(): FakeApiError {
    return {
      error_code: this.code,
      description: this.description,
      ...(this.parameters ? { parameters: this.parameters } : {}),
    };
  }
}

export const badRequest = (what: string): ApiError => new ApiError(400, `Bad Request: ${what}`);
