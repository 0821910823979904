import { QueueEvents } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts';
import { parseSegmentJobId, STITCH_QUEUE } from '../queue/queue-names.ts';
import { createRedisConnection } from '../queue/redis-connection.ts';
import type { RenderStore } from '../render/render-store.ts';
import { failedChildOf } from './failed-child.ts';
import type { AnnounceRenderEnd } from './render-ended.ts';

export interface FailedJobListener {
  close(): Promise<void>;
}

export interface FailedJobListenerOptions {
  redisUrl: string;
  /** For lookups (the listeners' own connections block on the event streams). */
  connection: Redis;
  prefix: string;
  /** The stitch queue and the synthesize queues this process serves. */
  queues: readonly { name: string; provider?: string }[];
  store: RenderStore;
  metrics: MetricsRecorder;
  renderEnded: AnnounceRenderEnd;
  logger: Logger;
}

/**
 * Ends the render of every stitch or segment job that fails, whatever failed it. Our processors
 * mark their own failures, but BullMQ fails some jobs without calling them: a job stalled more
 * than maxStalledCount times (its worker kept dying) is failed by whichever worker fetches it
 * next, and a stitch parent whose child failed is failed the same way. Those used to leave the
 * render `running` forever, uncounted and unannounced.
 *
 * It listens to each queue's event stream (QueueEvents), not to this process's Worker events,
 * because the process that failed the job may have died just after: every worker process hears
 * every failure. markFailed is atomic and announcing is idempotent, so N listeners end a render
 * once. Events during a moment when no worker process runs are not replayed (a stream read
 * starts at "now"); at least the process that failed the job is listening when it does.
 */
export async function listenForFailedJobs(options: FailedJobListenerOptions): Promise<FailedJobListener> {
  const { logger } = options;
  const listeners = options.queues.map((queue) => {
    const connection = createRedisConnection(options.redisUrl, 'worker');
    connection.on('error', (error: Error) =>
      logger.warn({ err: error.message, queue: queue.name }, 'failed-job listener connection error'),
    );
    const events = new QueueEvents(queue.name, { connection, prefix: options.prefix });
    events.on('error', (error: Error) => logger.warn({ err: error.message, queue: queue.name }, 'failed-job listener error'));
    events.on('failed', ({ jobId, failedReason }) => {
      endRenderOf(options, queue, jobId, failedReason).catch((error: unknown) =>
        logger.error(
          { err: error instanceof Error ? error.message : String(error), queue: queue.name, jobId },
          'could not end the render of a failed job',
        ),
      );
    });
    return { events, connection };
  });
  await Promise.all(listeners.map(({ events }) => events.waitUntilReady()));
  return {
    async close() {
      await Promise.allSettled(listeners.map(({ events }) => events.close()));
      await Promise.allSettled(listeners.map(({ connection }) => connection.quit()));
    },
  };
}

async function endRenderOf(
  options: FailedJobListenerOptions,
  queue: { name: string; provider?: string },
  jobId: string,
  failedReason: string,
): Promise<void> {
  const segment = queue.name === STITCH_QUEUE ? undefined : parseSegmentJobId(jobId);
  const renderId = queue.name === STITCH_QUEUE ? jobId : segment?.renderId;
  if (renderId === undefined) return;
  // A parent failed by its child: name the segment and its reason, as the segment's own event would.
  const child = segment === undefined ? await failedChildOf(options.connection, options.prefix, failedReason) : undefined;
  const reason =
    segment !== undefined
      ? `segment ${segment.index}: ${failedReason}`
      : child
        ? `segment ${child.index}: ${child.reason}`
        : `stitch: ${failedReason}`;
  const moved = await options.store.markFailed(renderId, reason);
  if (moved) {
    options.logger.error({ renderId, queue: queue.name, jobId, reason }, 'job failed outside its processor; render failed');
    const provider = queue.provider ?? child?.provider;
    if (provider !== undefined) await options.metrics.segmentFailed(provider);
  }
  // Also when another process marked it but may have died before announcing: both steps are idempotent.
  if (moved || (await options.store.get(renderId))?.status === 'failed') await options.renderEnded(renderId, 'failed');
}
