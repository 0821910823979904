import { ProviderError, type ProviderErrorKind } from '../../errors/provider-error.ts';
import { classifyNetworkFailure } from '../shared/network-error.ts';
import { httpErrorDetails } from '../shared/http-error-details.ts';
import { isRecord, parseJsonOrUndefined } from '../shared/json-record.ts';
import { quoteServerText } from '../shared/quote-server-text.ts';
import { headerText, type ResponseHeaders } from '../shared/response-headers.ts';
import { parseRetryAfter } from '../shared/retry-after.ts';
import { readTraceId, traceSuffix } from '../shared/trace-id.ts';

const PROVIDER = 'senseaudio';

export interface SenseAudioCode {
  kind: ProviderErrorKind;
  meaning: string;
  /** The key itself was refused: the message says so and quotes nothing from the server. */
  auth?: true;
}

/**
 * SenseAudio business codes (`base_resp.status_code`, or `code` in an error body). Its own list is
 * unpublished; the API mirrors MiniMax t2a_v2, whose codes these are (docs/providers/senseaudio.md,
 * "Errors"). A code not listed here counts as retryable.
 */
export const SENSEAUDIO_ERROR_CODES: Readonly<Record<number, SenseAudioCode>> = {
  1000: { kind: 'retryable', meaning: 'unknown provider error' },
  1001: { kind: 'retryable', meaning: 'the provider timed out' },
  1002: { kind: 'rate-limited', meaning: 'rate limit reached' },
  1004: { kind: 'fatal', meaning: 'authentication failed', auth: true },
  1008: { kind: 'fatal', meaning: 'insufficient account balance' },
  1024: { kind: 'retryable', meaning: 'provider internal error' },
  1026: { kind: 'fatal', meaning: 'the input text was flagged as sensitive' },
  1027: { kind: 'fatal', meaning: 'the generated output was flagged as sensitive' },
  1033: { kind: 'retryable', meaning: 'provider downstream service error' },
  1041: { kind: 'rate-limited', meaning: 'connection limit reached' },
  1042: { kind: 'fatal', meaning: 'more than 10% of the text is invisible or illegal characters' },
  2013: { kind: 'fatal', meaning: 'invalid request parameters' },
  2042: { kind: 'fatal', meaning: 'this account has no access to the voice' },
  2045: { kind: 'rate-limited', meaning: 'request rate grew too fast' },
  2049: { kind: 'fatal', meaning: 'invalid API key', auth: true },
  2056: { kind: 'rate-limited', meaning: 'usage limit of the current window exhausted' },
  20132: { kind: 'fatal', meaning: 'invalid voice_id' },
};

export interface ClassifyOptions {
  /** Removes secrets from provider-supplied text before it reaches a message. */
  redact?: (text: string) => string;
  httpStatus?: number;
  retryAfterMs?: number;
  traceId?: string;
}

/** A business status found in a response body: `base_resp`, or the `{code, message}` error shape. */
export interface BusinessStatus {
  code: number;
  message: string;
  traceId?: string;
}

/**
 * Finds a non-success business status in a parsed body (a one-shot JSON answer, an error body
 * or one SSE event). Returns undefined when the body reports success or carries no status.
 */
export function findBusinessError(body: unknown): BusinessStatus | undefined {
  if (!isRecord(body)) return undefined;
  const traceId = readTraceId(body);
  const withTrace = (status: { code: number; message: string }): BusinessStatus =>
    traceId === undefined ? status : { ...status, traceId };
  const baseResp = body.base_resp;
  if (isRecord(baseResp)) {
    const code = toCode(baseResp.status_code);
    if (code !== undefined && code !== 0) return withTrace({ code, message: textOf(baseResp.status_msg) });
  }
  const code = toCode(body.code);
  if (code !== undefined && code !== 0 && !isRecord(body.data)) {
    return withTrace({ code, message: textOf(body.message ?? body.msg ?? body.error) });
  }
  return undefined;
}

/** Maps a business code (from HTTP 200 or an error body) to what a retry can do about it. */
export function classifyBusinessError(status: BusinessStatus, options: ClassifyOptions = {}): ProviderError {
  const known = SENSEAUDIO_ERROR_CODES[status.code];
  const traceId = status.traceId ?? options.traceId;
  const details = {
    provider: PROVIDER,
    providerCode: status.code,
    ...(options.httpStatus === undefined ? {} : { httpStatus: options.httpStatus }),
    ...(options.retryAfterMs === undefined ? {} : { retryAfterMs: options.retryAfterMs }),
    ...(traceId === undefined ? {} : { traceId }),
  };
  if (known?.auth) {
    return new ProviderError(authMessage(`code ${status.code}`, traceId), { ...details, kind: 'fatal', credentials: true });
  }
  const quoted = quoteServerText(status.message, options.redact);
  if (known) {
    return new ProviderError(`${known.meaning} (code ${status.code}: ${quoted})${traceSuffix(traceId)}`, {
      ...details,
      kind: known.kind,
    });
  }
  // Some error bodies put the HTTP status in `code`; read those as the status they name.
  if (status.code >= 400 && status.code < 600) {
    const kind = kindOfHttpStatus(status.code);
    if (status.code === 401 || status.code === 403) {
      return new ProviderError(authMessage(`code ${status.code}`, traceId), { ...details, kind, credentials: true });
    }
    return new ProviderError(`request refused (code ${status.code}: ${quoted})${traceSuffix(traceId)}`, { ...details, kind });
  }
  return new ProviderError(`unknown error code ${status.code}: ${quoted}${traceSuffix(traceId)}`, {
    ...details,
    kind: 'retryable',
  });
}

/** Maps a non-2xx HTTP answer, reading the body too: a business code there is more precise. */
export function classifyHttpResponse(
  status: number,
  headers: ResponseHeaders,
  bodyText: string,
  options: ClassifyOptions = {},
): ProviderError {
  const parsed = parseJsonOrUndefined(bodyText);
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  const traceId = readTraceId(parsed) ?? headerText(headers['trace-id']) ?? headerText(headers['x-trace-id']);
  const details = httpErrorDetails(PROVIDER, status, retryAfterMs, traceId);
  if (status === 401 || status === 403) {
    return new ProviderError(authMessage(`HTTP ${status}`, traceId), { ...details, kind: 'fatal', credentials: true });
  }
  const business = findBusinessError(parsed);
  if (status === 429) {
    const why = business ? ` (code ${business.code}: ${quoteServerText(business.message, options.redact)})` : '';
    return new ProviderError(`rate limited, HTTP 429${why}${traceSuffix(traceId)}`, { ...details, kind: 'rate-limited' });
  }
  if (business) {
    return classifyBusinessError(business, {
      ...options,
      httpStatus: status,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(traceId === undefined ? {} : { traceId }),
    });
  }
  const kind = kindOfHttpStatus(status);
  const snippet = bodyText.trim() === '' ? '' : `: ${quoteServerText(bodyText, options.redact)}`;
  const hint = status >= 300 && status < 400 ? ' (redirect: check SENSEAUDIO_BASE_URL)' : '';
  return new ProviderError(`HTTP ${status}${hint}${snippet}${traceSuffix(traceId)}`, { ...details, kind });
}

/**
 * Maps a thrown failure (socket reset, refused connection, timeout) to a retryable error. Anything
 * unrecognised is retryable too: the worker's attempt limit bounds the cost of being wrong.
 */
export function classifyNetworkError(error: unknown): ProviderError {
  return classifyNetworkFailure(PROVIDER, error);
}

function kindOfHttpStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate-limited';
  if (status === 401 || status === 403) return 'fatal';
  if (status >= 500 || status === 408 || status === 425) return 'retryable';
  // Any other 4xx: the request itself is wrong; the same request will fail the same way.
  if (status >= 400) return 'fatal';
  if (status >= 300) return 'fatal';
  return 'retryable';
}

function authMessage(what: string, traceId: string | undefined): string {
  return `the API key was rejected (${what}); check SENSEAUDIO_API_KEY${traceSuffix(traceId)}`;
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return '';
  if (isRecord(value) && typeof value.message === 'string') return value.message;
  return JSON.stringify(value);
}

function toCode(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  if (typeof value === 'string' && /^-?\d+$/.test(value)) return Number(value);
  return undefined;
}
