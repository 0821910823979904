import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RedisMetricsRecorder } from '../metrics/metrics-recorder.ts';
import { STITCH_QUEUE } from '../queue/queue-names.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import { settleRenderBudget } from '../render/daily-budget.ts';
import { expireEnqueue, finishEnqueue, overdueEnqueues } from '../render/enqueue-ledger.ts';
import { renderKeys } from '../render/render-keys.ts';
import { retentionSeconds } from '../render/render-retention.ts';
import type { RenderEvent } from '../render/render-store.ts';

/** What the reconciler logs with (a pino or Fastify logger). */
export interface ReconcilerLog {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ReconcilerDeps {
  connection: Redis;
  prefix: string;
  /** ENQUEUE_RECONCILE_MS: named in the reason a render fails with. */
  windowMs: number;
  /** RENDER_RETENTION_DAYS: a render failed here expires like any other ended render. */
  retentionDays: number;
  logger: ReconcilerLog;
}

/** Overdue enqueues looked at per pass. */
const BATCH = 100;

/**
 * One pass over the enqueues whose deadline passed. Each one whose flow exists (the enqueuer
 * died just after adding it) is finished on its behalf; each one without is failed, its
 * Idempotency-Key released, and its end announced (event, metric, webhook) like any other.
 * Safe in any number of processes at once: the ledger scripts settle each enqueue once.
 */
export async function reconcileEnqueues(deps: ReconcilerDeps, now: number = Date.now()): Promise<{ finished: string[]; failed: string[] }> {
  const { connection, prefix } = deps;
  const overdue = await overdueEnqueues(connection, prefix, now, BATCH);
  const result = { finished: [] as string[], failed: [] as string[] };
  if (overdue.length === 0) return result;
  const stitch = new Queue(STITCH_QUEUE, { connection, prefix, skipMetasUpdate: true });
  try {
    for (const id of overdue) {
      if ((await stitch.getJobState(id)) !== 'unknown') {
        await finishEnqueue(connection, prefix, id);
        result.finished.push(id);
        continue;
      }
      const reason = `enqueue did not finish within ${deps.windowMs / 1000} s (ENQUEUE_RECONCILE_MS): the process enqueueing it stopped; nothing was synthesized`;
      if (!(await expireEnqueue(connection, prefix, id, reason, retentionSeconds(deps.retentionDays)))) continue;
      result.failed.push(id);
      deps.logger.error({ renderId: id }, 'render never enqueued; failed it and released its Idempotency-Key');
      const event: RenderEvent = { id, status: 'failed' };
      await connection.publish(renderKeys(prefix, id).events, JSON.stringify(event));
      await new RedisMetricsRecorder(connection, prefix).renderEnded(id, 'failed');
      // Nothing was billed: its whole booking is free again. A failure leaves it booked.
      await settleRenderBudget(connection, prefix, id).catch((error: unknown) =>
        deps.logger.warn({ renderId: id, err: String(error) }, 'could not settle the budget booking'),
      );
      await enqueueWebhookEvent(connection, prefix, id, 'render.failed');
    }
  } finally {
    await stitch.close();
  }
  return result;
}

export interface EnqueueReconciler {
  close(): Promise<void>;
}

/** How often to look: a quarter of the window, between 100 ms and 15 s. */
export function reconcileIntervalMs(windowMs: number): number {
  return Math.min(15_000, Math.max(100, Math.round(windowMs / 4)));
}

/** Runs reconcileEnqueues every reconcileIntervalMs until closed. A failed pass is logged and the next one tries again. */
export function startEnqueueReconciler(deps: ReconcilerDeps): EnqueueReconciler {
  let timer: NodeJS.Timeout | undefined;
  let pass: Promise<void> = Promise.resolve();
  let closed = false;
  const schedule = (): void => {
    timer = setTimeout(() => {
      pass = reconcileEnqueues(deps)
        .then(
          () => undefined,
          (error: unknown) =>
            deps.logger.warn(
              { err: error instanceof Error ? error.message : String(error) },
              'enqueue reconcile pass failed; retrying next interval',
            ),
        )
        .finally(() => {
          if (!closed) schedule();
        });
    }, reconcileIntervalMs(deps.windowMs));
    timer.unref();
  };
  schedule();
  return {
    async close() {
      closed = true;
      clearTimeout(timer);
      await pass;
    },
  };
}
