import { ProviderError, type ProviderErrorKind } from '../../errors/provider-error.ts';
import { classifyNetworkFailure } from '../shared/network-error.ts';
import { httpErrorDetails } from '../shared/http-error-details.ts';
import { isRecord, parseJsonOrUndefined } from '../shared/json-record.ts';
import { quoteServerText } from '../shared/quote-server-text.ts';
import { headerText, type ResponseHeaders } from '../shared/response-headers.ts';
import { parseRetryAfter } from '../shared/retry-after.ts';
import { readTraceId, traceSuffix } from '../shared/trace-id.ts';

const PROVIDER = 'sensenova';

export interface ClassifyContext {
  /** Removes secrets (key, AccessKey secret, tokens) from server text before it is quoted. */
  redact: (text: string) => string;
  /** What to check when the credentials are refused (depends on the auth mode). */
  authHint: string;
}

/** An error a body reported: its code when it has one, and its message. */
export interface BodyError {
  code?: number | string;
  message: string;
}

/**
 * The error body shape is UNCONFIRMED (docs/providers/sensenova.md, "Errors"), so it is read
 * leniently: `error.message`, then `message`, then the raw text.
 */
export function errorMessageOf(bodyText: string): string {
  const parsed = parseJsonOrUndefined(bodyText);
  if (isRecord(parsed)) {
    const error = parsed.error;
    if (isRecord(error) && typeof error.message === 'string' && error.message !== '') return error.message;
    if (typeof error === 'string' && error !== '') return error;
    if (typeof parsed.message === 'string' && parsed.message !== '') return parsed.message;
    if (typeof parsed.msg === 'string' && parsed.msg !== '') return parsed.msg;
  }
  return bodyText;
}

/**
 * An error carried by a 2xx body or an SSE event (an HTTP 200 can carry a failure): an `error`
 * member, or a non-zero `code` beside no `data`. Undefined for a normal answer.
 */
export function findBodyError(body: unknown): BodyError | undefined {
  if (!isRecord(body)) return undefined;
  const error = body.error;
  if (isRecord(error)) {
    const code = toCode(error.code);
    const message = typeof error.message === 'string' ? error.message : JSON.stringify(error);
    return code === undefined ? { message } : { code, message };
  }
  if (typeof error === 'string' && error !== '') return { message: error };
  const code = toCode(body.code);
  if (code !== undefined && code !== 0 && code !== '0' && !isRecord(body.data)) {
    return { code, message: typeof body.message === 'string' ? body.message : typeof body.msg === 'string' ? body.msg : '' };
  }
  return undefined;
}

/**
 * A non-2xx answer. The SDK's error classes (docs/providers/sensenova.md, "Errors") map 401/403 to
 * authentication and permission, 400 to an invalid request, 429 to rate limiting, 503 to
 * unavailability.
 */
export function classifyHttpResponse(status: number, headers: ResponseHeaders, bodyText: string, context: ClassifyContext): ProviderError {
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  const traceId = readTraceId(parseJsonOrUndefined(bodyText)) ?? headerText(headers['x-request-id']) ?? headerText(headers['trace-id']);
  const quoted = bodyText.trim() === '' ? '' : `: ${quoteServerText(errorMessageOf(bodyText), context.redact)}`;
  const details = httpErrorDetails(PROVIDER, status, retryAfterMs, traceId);
  const kind = kindOfStatus(status);
  if (status === 401 || status === 403) {
    return new ProviderError(`the credentials were refused (HTTP ${status}${quoted}); ${context.authHint}${traceSuffix(traceId)}`, {
      ...details,
      kind,
      credentials: true,
    });
  }
  if (status === 429) return new ProviderError(`rate limited (HTTP 429${quoted})${traceSuffix(traceId)}`, { ...details, kind });
  const hint = status === 404 || (status >= 300 && status < 400) ? ' (check SENSENOVA_BASE_URL)' : '';
  return new ProviderError(`HTTP ${status}${hint}${quoted}${traceSuffix(traceId)}`, { ...details, kind });
}

/**
 * An error inside a 2xx body or event. Its code is undocumented: one that reads as an HTTP
 * status is treated as that status; anything else counts as retryable (the worker's attempt
 * limit bounds the cost of being wrong).
 */
export function classifyBodyError(
  error: BodyError,
  context: ClassifyContext & { httpStatus: number; traceId?: string | undefined },
): ProviderError {
  const numeric = typeof error.code === 'number' ? error.code : undefined;
  const kind: ProviderErrorKind = numeric !== undefined && numeric >= 400 && numeric < 600 ? kindOfStatus(numeric) : 'retryable';
  const code = error.code === undefined ? '' : `code ${String(error.code)}: `;
  const auth = numeric === 401 || numeric === 403 ? `; ${context.authHint}` : '';
  return new ProviderError(
    `error in an HTTP ${context.httpStatus} answer (${code}${quoteServerText(error.message, context.redact)})${auth}${traceSuffix(context.traceId)}`,
    {
      provider: PROVIDER,
      kind,
      providerCode: error.code ?? 'BODY_ERROR',
      httpStatus: context.httpStatus,
      ...(context.traceId === undefined ? {} : { traceId: context.traceId }),
      ...(auth === '' ? {} : { credentials: true }),
    },
  );
}

/** A failure on the wire (reset, refusal, timeout): retryable; anything unrecognised too. */
export function classifyNetworkError(error: unknown, what = 'request'): ProviderError {
  return classifyNetworkFailure(PROVIDER, error, what);
}

function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate-limited';
  if (status >= 500 || status === 408 || status === 425) return 'retryable';
  // 400 (bad parameters), 401/403 (credentials), 404 (wrong base URL) and other 4xx, and
  // redirects we do not follow: the same request fails the same way.
  if (status >= 300) return 'fatal';
  return 'retryable';
}

/** Removes secrets and anything shaped like a JWT or a Bearer header from text. */
export function makeRedactor(secrets: () => readonly string[]): (text: string) => string {
  return (text) => {
    let out = text;
    for (const secret of secrets()) if (secret !== '') out = out.split(secret).join('[redacted]');
    return out
      .replace(/\beyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+/g, '[redacted token]')
      .replace(/\bBearer\s+\S+/gi, 'Bearer [redacted]');
  };
}

function toCode(value: unknown): number | string | undefined {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && value !== '') return /^-?\d+$/.test(value) ? Number(value) : value;
  return undefined;
}
