import { UnrecoverableError, type Job } from 'bullmq';
import type { RenderStore } from '../render/render-store.ts';
import type { ScheduleStore } from '../render/schedule-store.ts';
import { SCHEDULE_COMPLETED } from '../queue/schedule-queue.ts';
import { deliverEvent, type DeliveryDeps, type WebhookOutcome } from './deliver-event.ts';
import { buildWebhookEvent } from './webhook-event.ts';
import { webhookJobDataSchema, webhookJobId } from '../queue/webhook-queue.ts';
import { processScheduleWebhook } from './schedule-webhook.ts';

export type { WebhookOutcome } from './deliver-event.ts';

export interface WebhookDeps extends DeliveryDeps {
  store: RenderStore;
  /** Where schedule.completed events are read from (their runs and secrets). */
  schedules?: ScheduleStore;
}

/**
 * Delivers one render event: builds the body from the render's record, signs it with the
 * render's secret (read here, never carried in the job) and POSTs it. 2xx: delivered;
 * 408/429/5xx/network: thrown for BullMQ to retry with backoff; anything else: given up.
 * A schedule's event (job name schedule.completed) is delivered the same way from its run.
 */
export async function processWebhook(job: Job, deps: WebhookDeps): Promise<WebhookOutcome> {
  if (job.name === SCHEDULE_COMPLETED) {
    if (!deps.schedules) throw new UnrecoverableError('this worker cannot read schedules');
    return processScheduleWebhook(job, { ...deps, schedules: deps.schedules });
  }
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
  return deliverEvent(job, deps, {
    url,
    secret,
    body: JSON.stringify(buildWebhookEvent(type, state)),
    webhookId: webhookJobId(renderId, type),
    where: { renderId, type },
  });
}
