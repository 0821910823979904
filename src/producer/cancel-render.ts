import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { settleRenderBudget } from '../render/daily-budget.ts';
import { RedisMetricsRecorder } from '../metrics/metrics-recorder.ts';
import { segmentJobId, STITCH_QUEUE, synthesizeQueueName } from '../queue/queue-names.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import type { RenderStatus } from '../render/render-record.ts';
import type { RenderStore } from '../render/render-store.ts';

export interface CancelDeps {
  connection: Redis;
  prefix: string;
  store: RenderStore;
}

/** Segment jobs no worker holds yet: these are removed; active ones are aborted by their worker. */
const PENDING_STATES = new Set(['waiting', 'delayed', 'prioritized']);
/** Job lookups in flight at once while sweeping a large render. */
const SWEEP_BATCH = 200;

/**
 * Removes what is left of a cancelled render's flow. First the whole flow at once: BullMQ
 * removes a parent with its children atomically unless some child is locked by a worker. When
 * one is (a segment mid-synthesis), each pending segment job is removed instead; the active ones
 * end when their worker aborts them (it hears the cancel on the events channel): they complete
 * as abandoned, not failed (a cancel is no failure), and the stitch parent that then runs finds
 * the render ended and writes nothing.
 */
async function removePendingJobs(deps: CancelDeps, renderId: string, provider: string, segments: number): Promise<void> {
  const stitch = new Queue(STITCH_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  const synthesize = new Queue(synthesizeQueueName(provider), { connection: deps.connection, prefix: deps.prefix });
  try {
    if ((await stitch.remove(renderId, { removeChildren: true })) === 1) return;
    for (let start = 0; start < segments; start += SWEEP_BATCH) {
      const ids = Array.from({ length: Math.min(SWEEP_BATCH, segments - start) }, (_, offset) => segmentJobId(renderId, start + offset));
      await Promise.all(
        ids.map(async (jobId) => {
          // A job that became active between the two calls is locked, and remove leaves it be.
          if (PENDING_STATES.has(await synthesize.getJobState(jobId))) await synthesize.remove(jobId);
        }),
      );
    }
  } finally {
    await Promise.all([stitch.close(), synthesize.close()]);
  }
}

/**
 * Cancels a render. Returns null for an unknown id, 'cancelled' when it is (now or already), or
 * the status it had already ended with (completed, failed), in which case nothing changes.
 * No segment is synthesized after this returns: pending ones are removed, workers refuse any
 * that slipped through (they check before calling a provider) and abort those in flight.
 */
export async function cancelRender(deps: CancelDeps, id: string): Promise<RenderStatus | null> {
  const status = await deps.store.cancel(id);
  if (status !== 'cancelled') return status;
  const state = await deps.store.get(id);
  if (state) await removePendingJobs(deps, id, state.spec.provider, state.spec.segmentCount);
  // Both are idempotent: a second cancel counts nothing and queues no second event.
  await new RedisMetricsRecorder(deps.connection, deps.prefix).renderEnded(id, 'cancelled');
  // What it booked and did not bill is free again for other renders (daily-budget.ts). A failure
  // leaves it booked (never under-booked) and does not hold back the webhook.
  await settleRenderBudget(deps.connection, deps.prefix, id).catch(() => undefined);
  await enqueueWebhookEvent(deps.connection, deps.prefix, id, 'render.cancelled');
  return 'cancelled';
}
