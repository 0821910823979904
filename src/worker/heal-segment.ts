import { Job, WaitingChildrenError } from 'bullmq';
import type { Logger } from 'pino';
import { SegmentDamagedError } from '../errors/segment-damaged-error.ts';
import { segmentObjectKeys } from '../cache/segment-objects.ts';
import { segmentJobOptions, type RetryPolicy } from '../queue/job-options.ts';
import { segmentJobId } from '../queue/queue-names.ts';
import type { RenderSpec, SegmentResult } from '../render/render-record.ts';
import type { Storage } from '../storage/storage.ts';
import { handBackJob } from './hand-back-job.ts';
import { synthesizeJobDataSchema, type SynthesizeJobData } from '../queue/job-data.ts';
import { asVanishedSegment } from './vanished-segment.ts';
import { assertSegmentsIntact } from './segment-intact.ts';
import { healJobId, latestResultsByIndex } from './segment-results.ts';
import type { SynthesizeQueues } from './synthesize-queues.ts';

export interface HealDeps {
  queues: SynthesizeQueues;
  logger: Logger;
  /** How often one segment of one render may be sent back to synthesis (STITCH_MAX_HEALS). */
  maxHeals: number;
  /** The segments' retry policy (RETRY_ATTEMPTS, RETRY_BACKOFF_MS): a heal job is a segment job like the first. */
  retry: RetryPolicy;
}

export interface HealContext {
  job: Job;
  /** The stitch job's lock token: moving it to waiting-children needs it. */
  token: string | undefined;
  spec: RenderSpec;
  results: readonly SegmentResult[];
  storage: Storage;
  deps: HealDeps;
}

/**
 * Runs the stitch on segments checked first (present, the size recorded at synthesis) and,
 * when a segment turns out missing or damaged (before or during the stitch), evicts that one
 * key and sends that one segment back to synthesis as a new child of this stitch job, which
 * then waits for it (BullMQ's dynamic children: moveToWaitingChildren + WaitingChildrenError)
 * and stitches again with the new result. Never a render failed for good by one bad cached
 * file, never silent garbage; after `maxHeals` re-syntheses of the same segment it fails,
 * naming the segment.
 */
export async function stitchOrHeal<T>(context: HealContext, stitch: () => Promise<T>): Promise<T> {
  try {
    await assertSegmentsIntact(context.storage, context.results);
    return await stitch();
  } catch (error) {
    const damage = error instanceof SegmentDamagedError ? error : asVanishedSegment(error, context.results);
    if (damage === undefined) throw error;
    return await sendBackToSynthesis(context, damage);
  }
}

async function sendBackToSynthesis(context: HealContext, damage: SegmentDamagedError): Promise<never> {
  const { job, token, spec, storage, deps } = context;
  const index = damage.position;
  const heals = latestResultsByIndex(await job.getChildrenValues()).get(index)?.heals ?? 0;
  if (heals >= deps.maxHeals || token === undefined || job.id === undefined) {
    throw new SegmentDamagedError(
      index,
      damage.key,
      `${damage.message}; still damaged after ${heals} re-synthes${heals === 1 ? 'is' : 'es'} (STITCH_MAX_HEALS=${deps.maxHeals})`,
      damage.value,
    );
  }
  const queue = deps.queues.get(spec.provider);
  const data = await segmentJobData(queue, spec.id, index, heals);
  if (data === undefined) {
    throw new SegmentDamagedError(
      index,
      damage.key,
      `${damage.message}; it cannot be synthesized again: its segment job (which holds the text) is gone`,
      damage.value,
    );
  }
  // Evicted first: the new job must not find the damaged object and call it cached.
  for (const object of segmentObjectKeys(damage.key)) await storage.delete(object);
  const healId = healJobId(spec.id, index, heals + 1);
  // The configured policy, not the first job's options: that job may be gone, and with it they were BullMQ's defaults (1 attempt).
  await queue.add('synthesize', { ...data, task: undefined } satisfies SynthesizeJobData, {
    ...segmentJobOptions(healId, deps.retry),
    parent: { id: job.id, queue: job.queueQualifiedName },
  });
  deps.logger.warn(
    { renderId: spec.id, index, key: damage.key, heal: heals + 1, reason: damage.message },
    'damaged segment evicted; sent back to synthesis',
  );
  if (await job.moveToWaitingChildren(token)) throw new WaitingChildrenError();
  // The new job finished before this one could wait for it (a fast provider): back to the queue,
  // due now and without spending an attempt, so the next run stitches with its result. A
  // retryable error here spent an attempt and, on the last one, failed a healed render.
  deps.logger.info({ renderId: spec.id, index, heal: heals + 1 }, 'segment synthesized again before the stitch waited; stitching again');
  return await handBackJob(job, token);
}

/** The segment's job data, from its newest job that still exists (heal jobs copy the first). */
async function segmentJobData(
  queue: ReturnType<SynthesizeQueues['get']>,
  renderId: string,
  index: number,
  heals: number,
): Promise<SynthesizeJobData | undefined> {
  for (let heal = heals; heal >= 0; heal--) {
    const found = await Job.fromId(queue, heal === 0 ? segmentJobId(renderId, index) : healJobId(renderId, index, heal));
    const parsed = synthesizeJobDataSchema.safeParse(found?.data);
    if (parsed.success) return parsed.data;
  }
  return undefined;
}
