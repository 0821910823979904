import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import { renderKeys } from '../render/render-keys.ts';
import { WEBHOOK_QUEUE, webhookJobOptions, type WebhookEventType, type WebhookJobData } from '../queue/webhook-queue.ts';

const specWebhookSchema = z.object({ webhook: z.object({ url: z.string() }).optional() });

/**
 * Queues the delivery of a render's final event to its webhook, if it has one. The job carries
 * only the render id and the event type; its id is fixed per render and type, so calling this
 * again (a retried stitch, a second cancel) enqueues nothing new.
 */
export async function enqueueWebhookEvent(connection: Redis, prefix: string, renderId: string, type: WebhookEventType): Promise<void> {
  const rawSpec = await connection.hget(renderKeys(prefix, renderId).record, 'spec');
  if (rawSpec === null) return;
  const { webhook } = specWebhookSchema.parse(JSON.parse(rawSpec));
  if (!webhook) return;
  const queue = new Queue(WEBHOOK_QUEUE, { connection, prefix });
  try {
    const data: WebhookJobData = { renderId, type };
    await queue.add(type, data, webhookJobOptions(renderId, type));
  } finally {
    await queue.close();
  }
}
