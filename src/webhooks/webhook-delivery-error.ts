import { TtsBatchError } from '../errors/tts-batch-error.ts';

/**
 * A webhook attempt that did not get a 2xx. `value` is the HTTP status, when there was one;
 * `retryable` when another attempt can help (408, 429, 5xx, network failures and timeouts).
 */
export class WebhookDeliveryError extends TtsBatchError {
  /** From the receiver's Retry-After, when it sent one. */
  readonly retryAfterMs: number | undefined;

  constructor(message: string, details: { retryable: boolean; status?: number; retryAfterMs?: number; cause?: unknown }) {
    super('WEBHOOK_DELIVERY', message, { value: details.status, cause: details.cause, retryable: details.retryable });
    this.retryAfterMs = details.retryAfterMs;
  }
}
