import { TtsBatchError } from '../errors/tts-batch-error.ts';

/**
 * A refusal the API answers with a specific HTTP status (401, 404, 409, 503…). `code` is the
 * machine-readable `error.code` of the response body; `headers` go out with it (WWW-Authenticate,
 * Retry-After). The message is shown to the caller: it never carries a token or secret.
 */
export class HttpError extends TtsBatchError {
  readonly statusCode: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Extra members of the response's `error` object (e.g. the status a render ended with). */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(
    statusCode: number,
    code: string,
    message: string,
    options: { value?: unknown; headers?: Record<string, string>; details?: Record<string, unknown> } = {},
  ) {
    super(code, message, { value: options.value, retryable: false });
    this.statusCode = statusCode;
    this.headers = options.headers ?? {};
    this.details = options.details ?? {};
  }
}

export function renderNotFound(id: string): HttpError {
  return new HttpError(404, 'RENDER_NOT_FOUND', `no render with id "${id}"`, { value: id });
}
