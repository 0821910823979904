import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import { postWebhook } from './post-webhook.ts';
import { WebhookDeliveryError } from './webhook-delivery-error.ts';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.ts';
import { webhookOrigin } from './webhook-url.ts';

export type WebhookOutcome = { delivered: true; status: number } | { delivered: false; reason: string };

export interface DeliveryDeps {
  dispatcher: Dispatcher;
  timeoutMs: number;
  logger: Logger;
}

/** One event, ready to go: its body is built and its secret read by the caller. */
export interface SignedEvent {
  url: string;
  secret: string;
  body: string;
  /** The same on every attempt, so a receiver can drop a duplicate delivery. */
  webhookId: string;
  /** What names the event in logs (render or schedule, type). */
  where: Record<string, unknown>;
}

/**
 * Signs and POSTs one event. 2xx: delivered; 408/429/5xx/network: thrown for BullMQ to retry with
 * backoff; anything else: given up (UnrecoverableError).
 */
export async function deliverEvent(job: Job, deps: DeliveryDeps, event: SignedEvent): Promise<WebhookOutcome> {
  const scheme = URL.canParse(event.url) ? new URL(event.url).protocol : 'unparseable';
  if (scheme !== 'http:' && scheme !== 'https:') throw new UnrecoverableError('only http(s) webhook URLs are fetched');
  const where = { ...event.where, to: webhookOrigin(event.url), attempt: job.attemptsMade + 1 };
  try {
    const status = await postWebhook(deps.dispatcher, {
      url: event.url,
      body: event.body,
      timeoutMs: deps.timeoutMs,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'tts-batch-webhooks',
        'webhook-id': event.webhookId,
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(event.secret, event.body, Math.floor(Date.now() / 1000)),
      },
    });
    deps.logger.info({ ...where, status }, 'webhook delivered');
    return { delivered: true, status };
  } catch (error) {
    if (error instanceof WebhookDeliveryError && !error.retryable) {
      deps.logger.warn({ ...where, reason: error.message }, 'webhook refused; giving up');
      throw new UnrecoverableError(error.message);
    }
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    deps.logger.warn(
      { ...where, reason: error instanceof Error ? error.message : String(error), final: last },
      last ? 'webhook failed for good' : 'webhook failed; will retry',
    );
    throw error;
  }
}
