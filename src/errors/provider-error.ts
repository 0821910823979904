import { TtsBatchError } from './tts-batch-error.ts';

/**
 * What a retry can do about a provider failure:
 * - `fatal`: nothing (bad key, bad parameters, sensitive content, no balance);
 * - `rate-limited`: wait, then try again, backing off the whole provider queue;
 * - `retryable`: try again with backoff (5xx, network, cut stream, provider-side timeout).
 */
export type ProviderErrorKind = 'fatal' | 'rate-limited' | 'retryable';

export interface ProviderErrorDetails {
  provider: string;
  kind: ProviderErrorKind;
  /** The provider's own code (business code or HTTP status), when it gave one. */
  providerCode?: string | number;
  httpStatus?: number;
  /** From Retry-After or a provider hint. */
  retryAfterMs?: number;
  traceId?: string;
  /**
   * The credentials themselves were refused (401/403, an invalid or expired key or token): the
   * fault of the worker holding them, not of the job. Still `fatal` for a one-off call.
   */
  credentials?: boolean;
  /**
   * The endpoint itself was not found (a path or base URL that is wrong for this provider): like
   * refused credentials, the fault of the worker's configuration, not of the job.
   */
  route?: boolean;
  /**
   * The request may have taken effect although no answer says so (a create whose answer was lost
   * on the wire): a paid task may exist that nobody knows the id of.
   */
  outcomeUnknown?: boolean;
  cause?: unknown;
}

/** A failure talking to a speech provider. The message never carries a key or token. */
export class ProviderError extends TtsBatchError {
  readonly provider: string;
  readonly kind: ProviderErrorKind;
  readonly providerCode: string | number | undefined;
  readonly httpStatus: number | undefined;
  readonly retryAfterMs: number | undefined;
  readonly traceId: string | undefined;
  readonly credentials: boolean;
  readonly route: boolean;
  readonly outcomeUnknown: boolean;

  constructor(message: string, details: ProviderErrorDetails) {
    super(`PROVIDER_${details.kind.toUpperCase().replace('-', '_')}`, `${details.provider}: ${message}`, {
      value: details.providerCode,
      cause: details.cause,
      // Rate limits are retried too, after the whole provider queue has waited.
      retryable: details.kind !== 'fatal',
    });
    this.provider = details.provider;
    this.kind = details.kind;
    this.providerCode = details.providerCode;
    this.httpStatus = details.httpStatus;
    this.retryAfterMs = details.retryAfterMs;
    this.traceId = details.traceId;
    this.credentials = details.credentials === true;
    this.route = details.route === true;
    this.outcomeUnknown = details.outcomeUnknown === true;
  }
}
