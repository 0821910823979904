import { request, type Dispatcher } from 'undici';
import { describeError } from '../providers/shared/network-error.ts';
import { parseRetryAfter } from '../providers/shared/retry-after.ts';
import { WebhookDeliveryError } from './webhook-delivery-error.ts';
import { WebhookAddressRefusedError } from './webhook-dispatcher.ts';
import { webhookOrigin } from './webhook-url.ts';

export interface WebhookPost {
  url: string;
  body: string;
  headers: Record<string, string>;
  /** The whole attempt (connect, headers, body) must end within this. */
  timeoutMs: number;
}

/** Answers worth another attempt: the receiver is busy, down or slow, not refusing the event. */
function retryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

/**
 * POSTs one event. Resolves on a 2xx; throws a WebhookDeliveryError saying whether a retry can
 * help. Redirects are not followed (a 3xx is a refusal, as are 4xx other than 408 and 429).
 * Messages name the receiver's origin only: a path or query may hold the receiver's own token.
 */
export async function postWebhook(dispatcher: Dispatcher, post: WebhookPost): Promise<number> {
  const where = webhookOrigin(post.url);
  let response: Dispatcher.ResponseData;
  try {
    response = await request(post.url, {
      dispatcher,
      method: 'POST',
      headers: post.headers,
      body: post.body,
      headersTimeout: post.timeoutMs,
      bodyTimeout: post.timeoutMs,
      signal: AbortSignal.timeout(post.timeoutMs),
    });
  } catch (error) {
    const refused = addressRefusal(error);
    if (refused) throw new WebhookDeliveryError(`webhook ${where}: ${refused.message}`, { retryable: false, cause: refused });
    const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
    const how = timedOut ? `no answer within ${post.timeoutMs} ms` : describeError(error);
    throw new WebhookDeliveryError(`webhook ${where}: ${how}`, { retryable: true, cause: error });
  }
  const status = response.statusCode;
  // The answer's body means nothing to us; reading it (bounded) lets the socket be reused.
  await response.body.dump({ limit: 64 * 1024 }).catch(() => undefined);
  if (status >= 200 && status < 300) return status;
  const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
  const retryable = retryableStatus(status);
  throw new WebhookDeliveryError(`webhook ${where} answered HTTP ${status}${retryable ? '' : '; giving up (not retryable)'}`, {
    retryable,
    status,
    ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
  });
}

/** The dispatcher's refusal, however undici wrapped the connect error. */
function addressRefusal(error: unknown): WebhookAddressRefusedError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth += 1) {
    if (current instanceof WebhookAddressRefusedError) return current;
    current = current.cause;
  }
  return undefined;
}
