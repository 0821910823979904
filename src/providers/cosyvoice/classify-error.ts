import { ProviderError, type ProviderErrorKind } from '../../errors/provider-error.ts';
import { describeError, networkErrorCode } from '../shared/network-error.ts';
import { quoteServerText } from '../shared/quote-server-text.ts';
import type { HeaderValue } from '../shared/response-headers.ts';
import { parseRetryAfter } from '../shared/retry-after.ts';

const PROVIDER = 'cosyvoice';

export interface CosyVoiceCode {
  kind: ProviderErrorKind;
  meaning: string;
  /** The key itself was refused: the message says so and quotes nothing from the server. */
  auth?: true;
}

/**
 * DashScope error codes as they come in `task-failed.header.error_code`
 * (docs/providers/cosyvoice.md, "Errors", from DashScope's status code page). Families are matched
 * by prefix (`Throttling.RateQuota`, `AccessDenied.Unpurchased`, `InternalError.Algo`); a code not
 * listed counts as retryable: the worker's attempt limit bounds the cost of being wrong.
 */
const EXACT_CODES: Readonly<Record<string, CosyVoiceCode>> = {
  InvalidParameter: { kind: 'fatal', meaning: 'invalid request parameters' },
  InvalidApiKey: { kind: 'fatal', meaning: 'invalid API key', auth: true },
  DataInspectionFailed: { kind: 'fatal', meaning: 'the text was refused by content inspection' },
  Arrearage: { kind: 'fatal', meaning: 'the account is in arrears (overdue payment)' },
  RequestTimeOut: { kind: 'retryable', meaning: 'the task timed out on the provider side' },
  ServiceUnavailable: { kind: 'retryable', meaning: 'the service is unavailable' },
  '503': { kind: 'retryable', meaning: 'the service is unavailable' },
  '504': { kind: 'retryable', meaning: 'the service timed out' },
};

const CODE_FAMILIES: readonly [prefix: string, code: CosyVoiceCode][] = [
  ['Throttling', { kind: 'rate-limited', meaning: 'rate or quota limit reached' }],
  // About the request (a model or voice this account has not bought), not the key: a bad key fails
  // the upgrade with 401/403 (docs/providers/cosyvoice.md). Pausing workers on it would stall the
  // job.
  ['AccessDenied', { kind: 'fatal', meaning: 'access denied: the account cannot use this model or voice' }],
  ['InternalError', { kind: 'retryable', meaning: 'provider internal error' }],
];

/** What a retry can do about a DashScope error code. */
export function cosyVoiceCode(code: string): CosyVoiceCode | undefined {
  const exact = EXACT_CODES[code];
  if (exact) return exact;
  return CODE_FAMILIES.find(([prefix]) => code === prefix || code.startsWith(`${prefix}.`))?.[1];
}

export interface ClassifyOptions {
  /** Removes secrets from provider-supplied text before it reaches a message. */
  redact?: (text: string) => string;
  /** Our task id: DashScope's request id for a support ticket. */
  taskId?: string;
}

/** Maps a `task-failed` event. */
export function classifyTaskFailure(errorCode: string, errorMessage: string, options: ClassifyOptions = {}): ProviderError {
  const known = cosyVoiceCode(errorCode);
  const details = {
    provider: PROVIDER,
    providerCode: errorCode,
    ...(options.taskId === undefined ? {} : { traceId: options.taskId }),
  };
  if (known?.auth) return new ProviderError(authMessage(errorCode, options.taskId), { ...details, kind: 'fatal', credentials: true });
  const quoted = quoteServerText(errorMessage, options.redact);
  const meaning = known?.meaning ?? 'unknown error code';
  return new ProviderError(`${meaning} (task-failed ${errorCode}: ${quoted})${taskSuffix(options.taskId)}`, {
    ...details,
    kind: known?.kind ?? 'retryable',
  });
}

/** Maps an HTTP answer that refused the WebSocket upgrade (a bad key fails here with 401/403). */
export function classifyUpgradeResponse(
  status: number,
  headers: Readonly<Record<string, HeaderValue>>,
  bodyText: string,
  options: ClassifyOptions = {},
): ProviderError {
  const body = readErrorBody(bodyText);
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  const details = {
    provider: PROVIDER,
    httpStatus: status,
    providerCode: body?.code ?? status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
    ...(options.taskId === undefined ? {} : { traceId: options.taskId }),
  };
  if (status === 401 || status === 403) {
    const what = `HTTP ${status}${body?.code === undefined ? '' : ` ${body.code}`}`;
    return new ProviderError(authMessage(what, options.taskId), { ...details, kind: 'fatal', credentials: true });
  }
  const why = body
    ? ` (${body.code ?? 'error'}: ${quoteServerText(body.message, options.redact)})`
    : bodyText.trim() === ''
      ? ''
      : `: ${quoteServerText(bodyText, options.redact)}`;
  const suffix = taskSuffix(options.taskId);
  if (status === 429) {
    return new ProviderError(`rate limited at the WebSocket upgrade, HTTP 429${why}${suffix}`, { ...details, kind: 'rate-limited' });
  }
  if (status >= 500 || status === 408) {
    return new ProviderError(`the WebSocket upgrade failed with HTTP ${status}${why}${suffix}`, { ...details, kind: 'retryable' });
  }
  // A redirect, 404 or other 4xx: the same URL will be refused the same way.
  const hint =
    status >= 300 && status < 400
      ? ' (a redirect: check DASHSCOPE_WS_URL)'
      : status === 404
        ? ' (no such endpoint: check DASHSCOPE_WS_URL)'
        : '';
  return new ProviderError(`the WebSocket upgrade was refused with HTTP ${status}${hint}${why}${suffix}`, { ...details, kind: 'fatal' });
}

/**
 * A failure to reach the service (refused, reset, DNS, handshake timeout): retryable. The cause
 * kept is a copy holding only the message and code: errors from the socket library can point
 * at the request, and the request carries the Authorization header.
 */
export function classifyConnectError(error: unknown, options: ClassifyOptions = {}): ProviderError {
  if (error instanceof ProviderError) return error;
  const code = networkErrorCode(error) ?? (/handshake has timed out/i.test(describeError(error)) ? 'CONNECT_TIMEOUT' : 'NETWORK');
  return new ProviderError(`could not open the WebSocket: ${redacted(describeError(error), options.redact)}${taskSuffix(options.taskId)}`, {
    provider: PROVIDER,
    kind: 'retryable',
    providerCode: code,
    cause: scrubbedCause(error, options.redact),
    ...(options.taskId === undefined ? {} : { traceId: options.taskId }),
  });
}

/** A plain Error with the message and code of `error` only: safe to keep as a `cause`. */
export function scrubbedCause(error: unknown, redact?: (text: string) => string): Error {
  const copy = new Error(redacted(describeError(error), redact));
  if (error instanceof Error) copy.name = error.name;
  const code = error instanceof Error ? (error as { code?: unknown }).code : undefined;
  if (typeof code === 'string') Object.assign(copy, { code });
  return copy;
}

function authMessage(what: string, taskId: string | undefined): string {
  return `the API key was rejected (${what}); check DASHSCOPE_API_KEY${taskSuffix(taskId)}`;
}

function taskSuffix(taskId: string | undefined): string {
  return taskId === undefined ? '' : ` [task_id ${taskId}]`;
}

function redacted(text: string, redact: ((text: string) => string) | undefined): string {
  return redact ? redact(text) : text;
}

/** DashScope error bodies look like `{"code":"InvalidApiKey","message":"…","request_id":"…"}`. */
function readErrorBody(text: string): { code?: string; message: string } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const fields = parsed as Record<string, unknown>;
  const code = typeof fields.code === 'string' && fields.code !== '' ? fields.code : undefined;
  const message = typeof fields.message === 'string' ? fields.message : '';
  if (code === undefined && message === '') return undefined;
  return code === undefined ? { message } : { code, message };
}
