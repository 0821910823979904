import { ProviderError, type ProviderErrorKind } from '../../errors/provider-error.ts';
import { describeError, networkErrorCode } from '../shared/network-error.ts';
import { parseJsonOrUndefined } from '../shared/json-record.ts';
import { quoteServerText } from '../shared/quote-server-text.ts';
import { parseRetryAfter } from '../shared/retry-after.ts';
import { errorCodeOf, errorMessageOf, type BusinessError } from './response-fields.ts';

const PROVIDER = 'ai302';

/** Which call failed: it decides the hint a message gives and how a 404 reads. */
export type Ai302Call = 'create' | 'query' | 'download';

export interface ClassifyContext {
  call: Ai302Call;
  /** Removes the key from provider-supplied text before it reaches a message. */
  redact: (text: string) => string;
  /** The env variable naming the path used, for a 404/405 hint. */
  pathVariable?: string;
}

type Headers = Readonly<Record<string, string | string[] | undefined>>;

/**
 * A non-2xx answer of the API. 401/403: the key (fatal, quoting nothing the server said);
 * 429: rate-limited with Retry-After; 404/405 on a query: the query route (a route error, see
 * below); 400/422 and other 4xx: the request is wrong (fatal); 408/425/5xx: retryable, and a 504
 * on a create may have made the task (outcome unknown). The error body is read leniently for a
 * code and a message.
 */
export function classifyHttpError(status: number, headers: Headers, bodyText: string, context: ClassifyContext): ProviderError {
  const parsed = parseJsonOrUndefined(bodyText);
  const retryAfterMs = parseRetryAfter(headers['retry-after']);
  const providerCode = errorCodeOf(parsed) ?? status;
  const details = { provider: PROVIDER, httpStatus: status, providerCode, ...(retryAfterMs === undefined ? {} : { retryAfterMs }) };
  const doing = describeCall(context.call);
  if (status === 401 || status === 403) {
    return new ProviderError(`the API key was rejected (HTTP ${status}) ${doing}; check AI302_API_KEY`, {
      ...details,
      kind: 'fatal',
      credentials: true,
    });
  }
  const said = quote(errorMessageOf(parsed) ?? bodyText, context.redact);
  const code = errorCodeOf(parsed);
  const codeText = code === undefined ? '' : ` code ${String(code)}`;
  if (status === 429) {
    return new ProviderError(`rate limited (HTTP 429${codeText}) ${doing}: ${said}`, { ...details, kind: 'rate-limited' });
  }
  const kind = kindOfStatus(status);
  const hint = (status === 404 || status === 405) && context.pathVariable ? ` (check ${context.pathVariable} and AI302_BASE_URL)` : '';
  if ((status === 404 || status === 405) && context.call === 'query') {
    // The query path is UNCONFIRMED, and a wrong one answers exactly like an unknown task. Read
    // as "task gone, create a new one" it bought a paid task per attempt; as a route error the
    // worker stops creating tasks for 302.AI and keeps the task it has (docs/providers/ai302.md).
    return new ProviderError(
      `HTTP ${status}${codeText} ${doing}${hint}: the query route is wrong or does not know the task, which cannot be told apart;` +
        ` no more tasks are created until a query works: ${said}`,
      { ...details, kind: 'fatal', route: true },
    );
  }
  // A gateway that timed out waiting for the API cannot say whether the API made the task.
  const outcomeUnknown = context.call === 'create' && status === 504;
  return new ProviderError(`HTTP ${status}${codeText} ${doing}${hint}: ${said}`, {
    ...details,
    kind,
    ...(outcomeUnknown ? { outcomeUnknown } : {}),
  });
}

/**
 * A `{code, msg}` answer with a failing code inside HTTP 200. Codes that look like HTTP
 * statuses are read as those; others are unknown provider faults, worth a bounded retry.
 */
export function classifyBusinessError(error: BusinessError, context: ClassifyContext): ProviderError {
  const numeric = typeof error.code === 'number' ? error.code : Number(error.code);
  const doing = describeCall(context.call);
  const providerCode = error.code ?? 'BUSINESS_ERROR';
  if (Number.isInteger(numeric) && numeric >= 400 && numeric < 600) {
    if (numeric === 401 || numeric === 403) {
      return new ProviderError(`the API key was rejected (code ${numeric}) ${doing}; check AI302_API_KEY`, {
        provider: PROVIDER,
        kind: 'fatal',
        providerCode,
        credentials: true,
      });
    }
    return new ProviderError(`refused ${doing} (code ${numeric}): ${quote(error.message, context.redact)}`, {
      provider: PROVIDER,
      kind: kindOfStatus(numeric),
      providerCode,
    });
  }
  return new ProviderError(`error ${doing} (code ${String(error.code ?? 'none')}): ${quote(error.message, context.redact)}`, {
    provider: PROVIDER,
    kind: 'retryable',
    providerCode,
  });
}

/**
 * Failures that happen before a request can have reached the server: nothing was sent, so a
 * create that failed this way made no task.
 */
const NEVER_SENT_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * A failure on the wire (reset, refused, timeout): retryable. A create that failed after the
 * connection was made (a reset, a timeout waiting for the answer) may have made a paid task whose
 * answer was lost: its outcome is unknown. The cause is left out on purpose: what the socket layer
 * attaches is not ours to vouch for, and the code and message say enough.
 */
export function classifyNetworkError(error: unknown, context: Pick<ClassifyContext, 'call' | 'redact'>): ProviderError {
  if (error instanceof ProviderError) return error;
  const code = networkErrorCode(error);
  const outcomeUnknown = context.call === 'create' && !(code !== undefined && NEVER_SENT_CODES.has(code));
  return new ProviderError(`request failed ${describeCall(context.call)}: ${context.redact(describeError(error))}`, {
    provider: PROVIDER,
    kind: 'retryable',
    providerCode: code ?? 'NETWORK',
    ...(outcomeUnknown ? { outcomeUnknown } : {}),
  });
}

/** An answer we cannot read: the provider's fault, and possibly a passing one. */
export function malformedAnswer(
  what: string,
  call: Ai302Call,
  redact: (text: string) => string,
  flags: { outcomeUnknown?: boolean } = {},
): ProviderError {
  return new ProviderError(`unreadable answer ${describeCall(call)}: ${redact(what)}`, {
    provider: PROVIDER,
    kind: 'retryable',
    providerCode: 'MALFORMED_RESPONSE',
    ...flags,
  });
}

function kindOfStatus(status: number): ProviderErrorKind {
  if (status === 429) return 'rate-limited';
  if (status === 408 || status === 425 || status >= 500) return 'retryable';
  return 'fatal';
}

function describeCall(call: Ai302Call): string {
  switch (call) {
    case 'create':
      return 'creating the task';
    case 'query':
      return 'querying the task';
    case 'download':
      return 'downloading the audio';
  }
}

/** As quoteServerText, but says so when the server gave no message at all. */
export function quote(text: string, redact: (text: string) => string): string {
  const quoted = quoteServerText(text, redact);
  return quoted === '""' ? '(no message)' : quoted;
}
