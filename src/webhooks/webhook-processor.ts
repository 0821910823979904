import { UnrecoverableError, type Job } from 'bullmq';
import type { Logger } from 'pino';
import type { Dispatcher } from 'undici';
import type { RenderStore } from '../render/render-store.ts';
import { postWebhook } from './post-webhook.ts';
import { WebhookDeliveryError } from './webhook-delivery-error.ts';
import { buildWebhookEvent } from './webhook-event.ts';
import { webhookJobDataSchema, webhookJobId } from '../queue/webhook-queue.ts';
import { signWebhook, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.ts';
import { webhookOrigin } from './webhook-url.ts';

export interface WebhookDeps {
  store: RenderStore;
  dispatcher: Dispatcher;
  timeoutMs: number;
  logger: Logger;
}

export type WebhookOutcome = { delivered: true; status: number } | { delivered: false; reason: string };

/**
 * Delivers one render event: builds the body from the render's record, signs it with the
 * render's secret (read here, never carried in the job) and POSTs it. 2xx: delivered;
 * 408/429/5xx/network: thrown for BullMQ to retry with backoff; anything else: given up.
 */
export async function processWebhook(job: Job, deps: WebhookDeps): Promise<WebhookOutcome> {
  const parsed = webhookJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid webhook job data: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  const { renderId, type } = parsed.data;
  const state = await deps.store.get(renderId);
  if (!state) return { delivered: false, reason: `render ${renderId} no longer exists` };
  const url = state.spec.webhook?.url;
  if (url === undefined) return { delivered: false, reason: `render ${renderId} has no webhook` };
  const scheme = URL.canParse(url) ? new URL(url).protocol : 'unparseable';
  if (scheme !== 'http:' && scheme !== 'https:')
    throw new UnrecoverableError(`webhook of render ${renderId}: only http(s) URLs are fetched`);
  const secret = await deps.store.webhookSecret(renderId);
  if (!secret) throw new UnrecoverableError(`webhook of render ${renderId}: no signing secret is stored; an unsigned event is never sent`);

  const body = JSON.stringify(buildWebhookEvent(type, state));
  const where = { renderId, type, to: webhookOrigin(url), attempt: job.attemptsMade + 1 };
  try {
    const status = await postWebhook(deps.dispatcher, {
      url,
      body,
      timeoutMs: deps.timeoutMs,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'tts-batch-webhooks',
        // The same on every attempt, so a receiver can drop a duplicate delivery.
        'webhook-id': webhookJobId(renderId, type),
        [WEBHOOK_SIGNATURE_HEADER]: signWebhook(secret, body, Math.floor(Date.now() / 1000)),
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
