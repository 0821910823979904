import type { JobsOptions } from 'bullmq';
import { z } from 'zod';

/** Webhooks have their own queue: a slow or dead receiver never holds a synthesize or stitch slot. */
export const WEBHOOK_QUEUE = 'webhooks';

export const WEBHOOK_EVENT_TYPES = ['render.completed', 'render.failed', 'render.cancelled'] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

/** With WEBHOOK_BACKOFF_MS = 30 s doubling, the last of 8 attempts comes about an hour after the first. */
export const WEBHOOK_ATTEMPTS = 8;

/** Delays are computed by the delivering worker (see webhook-backoff.ts), from its own config. */
export const WEBHOOK_BACKOFF_TYPE = 'webhook';

/** References only: the event body is built, and signed, when it is sent. Never the secret. */
export const webhookJobDataSchema = z.object({
  renderId: z.string().min(1),
  type: z.enum(WEBHOOK_EVENT_TYPES),
});
export type WebhookJobData = z.infer<typeof webhookJobDataSchema>;

const DAY_S = 24 * 3600;

/** One job per render and event type: enqueueing the same event twice adds nothing. */
export function webhookJobId(renderId: string, type: WebhookEventType): string {
  return `${renderId}-${type.replace('.', '-')}`;
}

export function webhookJobOptions(renderId: string, type: WebhookEventType): JobsOptions {
  return {
    jobId: webhookJobId(renderId, type),
    attempts: WEBHOOK_ATTEMPTS,
    backoff: { type: WEBHOOK_BACKOFF_TYPE },
    removeOnComplete: { age: 7 * DAY_S },
    removeOnFail: { age: 14 * DAY_S },
  };
}
