import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { RenderEndStatus } from '../metrics/metric-definitions.ts';
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts';
import { TERMINAL_STATUSES, type RenderStatus } from '../render/render-record.ts';
import { enqueueWebhookEvent } from '../webhooks/enqueue-webhook-event.ts';
import { settleRenderBudget } from '../render/daily-budget.ts';

/** Reports that a render ended: counted once in the metrics, its webhook event queued once. */
export type AnnounceRenderEnd = (renderId: string, status: RenderEndStatus) => Promise<void>;

export function isEndStatus(status: RenderStatus): status is RenderEndStatus {
  return TERMINAL_STATUSES.has(status);
}

/**
 * Every step is idempotent (the count and the budget's settlement are guarded in the render's
 * record, the webhook job id is fixed), so a stitch job that runs again for an ended render
 * announces it again safely. A failure here is logged, not thrown: the render has ended either
 * way, and a retry of the job that ended it would only find it ended.
 */
export function renderEndAnnouncer(deps: {
  connection: Redis;
  prefix: string;
  metrics: MetricsRecorder;
  logger: Logger;
}): AnnounceRenderEnd {
  return async (renderId, status) => {
    await deps.metrics.renderEnded(renderId, status);
    // A budgeted render's booking becomes what it billed, once (daily-budget.ts).
    try {
      await settleRenderBudget(deps.connection, deps.prefix, renderId);
    } catch (error) {
      deps.logger.warn(
        { renderId, status, err: error instanceof Error ? error.message : String(error) },
        "could not settle the render's budget booking",
      );
    }
    try {
      await enqueueWebhookEvent(deps.connection, deps.prefix, renderId, `render.${status}`);
    } catch (error) {
      deps.logger.warn(
        { renderId, status, err: error instanceof Error ? error.message : String(error) },
        'could not queue the webhook event',
      );
    }
  };
}
