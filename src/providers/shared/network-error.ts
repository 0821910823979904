import { ProviderError } from '../../errors/provider-error.ts';

/**
 * Error codes of failures on the wire that a retry can cure: resets, refusals, timeouts, sockets
 * closed by the other side, name resolution hiccups. undici's own codes are UND_ERR_*.
 */
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
  'UND_ERR_CLOSED',
  'UND_ERR_RES_CONTENT_LENGTH_MISMATCH',
  'HPE_INVALID_CHUNK_SIZE',
  'UND_ERR_INFO',
]);

/**
 * The code of a wire-level failure, looking through `cause` chains (undici wraps socket errors),
 * or undefined when `error` is not one.
 */
export function networkErrorCode(error: unknown): string | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && TRANSIENT_NETWORK_CODES.has(code)) return code;
    current = current.cause;
  }
  return undefined;
}

/** A one-line description of a failure, for an error message (never includes request headers). */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/**
 * A thrown failure (socket reset, refused connection, timeout) as a retryable ProviderError of
 * `provider`. Anything unrecognised is retryable too: the worker's attempt limit bounds the cost
 * of being wrong. A ProviderError passes through as it is.
 */
export function classifyNetworkFailure(provider: string, error: unknown, what = 'request'): ProviderError {
  if (error instanceof ProviderError) return error;
  const code = networkErrorCode(error);
  return new ProviderError(`${what} failed: ${describeError(error)}`, {
    provider,
    kind: 'retryable',
    providerCode: code ?? 'NETWORK',
    cause: error,
  });
}
