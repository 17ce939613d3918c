/**
 * An error a handler throws on purpose: its status and message go to the client as
 * `{ "error": message }`. Anything else thrown becomes a logged 500 "internal error".
 */
export class ApiError extends Error {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** More fields of the answer beside `error` (e.g. `mustChangePassword: true`). */
  readonly fields: Readonly<Record<string, unknown>>;

  constructor(status: number, message: string, headers: Record<string, string> = {}, fields: Record<string, unknown> = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.headers = headers;
    this.fields = fields;
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}
