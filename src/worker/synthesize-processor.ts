import { setTimeout as delay } from 'node:timers/promises';
import { DelayedError, UnrecoverableError, Worker, type Job, type Queue } from 'bullmq';
import type { Logger } from 'pino';
import { CONTENT_TYPES } from '../audio/audio-settings.ts';
import type { DurationCeilingPolicy } from '../audio/duration-ceiling.ts';
import { validateSegmentStream } from '../audio/segment-validator.ts';
import { segmentMetaKey } from '../queue/segment-key.ts';
import { segmentTimingsKey } from '../master/subtitles/segment-timings.ts';
import { ProviderError } from '../errors/provider-error.ts';
import type { MetricsRecorder } from '../metrics/metrics-recorder.ts';
import type { Provider, StreamingProvider, SynthesisMeta, SynthesisRequest, TaskProvider } from '../providers/provider.ts';
import type { SegmentResult } from '../render/render-record.ts';
import type { Storage } from '../storage/storage.ts';
import type { RenderStore } from '../render/render-store.ts';
import { bytesBody } from '../util/bytes-body.ts';
import { withResult } from '../util/generator-result.ts';
import { startGenerator } from '../util/started-generator.ts';
import { abortableCall, type ProviderCall } from './provider-call.ts';
import { classifyFailure } from './classify-failure.ts';
import { isCredentialFailure, type CredentialGuard } from './credential-guard.ts';
import { segmentChars, synthesizeJobDataSchema, type SynthesizeJobData } from '../queue/job-data.ts';
import { handBackJob } from './hand-back-job.ts';
import { taskAfterFailedDownload } from './task-download-failure.ts';
import { afterFailedCreate, afterReplacedTask, assertMayCreate, beforeCreate, createBound } from './task-creates.ts';
import type { TaskRouteGate } from './task-route-gate.ts';
import { WorkerShutdownError, type RenderAborts } from './render-aborts.ts';
import type { AnnounceRenderEnd } from './render-ended.ts';
import { abandonedSegment } from './abandoned-segment.ts';
import { findCachedSegment, type CachedSegment } from './cached-segment.ts';
import { sha256Tap } from './segment-sidecar.ts';
import { stepTimings, type StepTimings } from './step-timings.ts';
import type { ProviderSlots } from './provider-slots.ts';
import { receiveTake } from './receive-take.ts';
import { nextTakeNumber, removeStoredTakes, settleTake, type TakeVerification } from './settle-take.ts';
import type { SegmentQa } from '../verify/qa-record.ts';
import type { StoragePool } from '../runtime/storage-pool.ts';

export interface SynthesizeDeps {
  provider: Provider;
  /** The provider's queue, used to pause the whole queue on a rate limit. */
  queue: Queue;
  storages: StoragePool;
  store: RenderStore;
  logger: Logger;
  /** Wait used on a rate limit that gave no Retry-After. */
  defaultRateLimitMs: number;
  metrics: MetricsRecorder;
  /** Provider calls in flight, so a cancel can abort them. */
  aborts: RenderAborts;
  renderEnded: AnnounceRenderEnd;
  /** How long a segment's audio may be for its text (SEGMENT_MAX_SECONDS_PER_CHAR, SEGMENT_EXTRA_SECONDS). */
  durationCeiling: DurationCeilingPolicy;
  /** Refused credentials pause this worker and hand the job back, instead of failing the render. */
  credentials?: CredentialGuard;
  /** For a task provider: no task is bought blind before its query route has answered once. */
  taskRoutes?: TaskRouteGate;
  /** Checks each new take of a job that asks for it (`data.qa`); without it such jobs are stored unchecked. */
  verification?: TakeVerification;
  /** The provider calls this process may have in flight; the worker holds a few more jobs than this (provider-slots.ts). */
  slots?: ProviderSlots;
}

/** What a producer of segment audio hands back: bytes stored (and their sha256) and the provider's meta. */
interface Produced {
  /** What the takes' checks found, when the render asked for them (settle-take.ts). */
  qa?: SegmentQa;
  bytes: number;
  sha256: string;
  meta: SynthesisMeta;
  /** Its sidecar is stored already (written beside the audio's put: storeStream). */
  sidecarStored?: true;
}

function providerCall(provider: StreamingProvider, data: SynthesizeJobData, signal: AbortSignal): ProviderCall {
  return abortableCall(signal, (callSignal) => provider.synthesize(requestOf(data, callSignal)));
}

function requestOf(data: SynthesizeJobData, signal: AbortSignal): SynthesisRequest {
  const take = data.qa === undefined ? 1 : nextTakeNumber(data);
  return {
    text: data.text,
    voice: data.voice,
    model: data.model,
    audio: data.audio,
    voiceSettings: data.voiceSettings,
    signal,
    ...(take > 1 ? { take } : {}),
  };
}

/**
 * Streams provider audio into storage; the object appears only if the stream completed and
 * the audio checked out (format, decodable frames, a plausible duration): a bad answer throws
 * a retryable BadAudioError and stores nothing.
 */
async function storeStream(
  storage: Storage,
  data: SynthesizeJobData,
  call: ProviderCall,
  ceiling: DurationCeilingPolicy,
  steps?: StepTimings,
  providerDone?: () => void,
): Promise<Produced> {
  // The request goes out now, while the put below opens its temp file (started-generator.ts);
  // a put that fails before it has drained the answer cuts the call.
  const started = startGenerator(call.audio, call.cancel);
  const stream = withResult(started.generator);
  const checked = validateSegmentStream(stream.items, { provider: data.provider, audio: data.audio, text: data.text, ceiling });
  // The sidecar is known once the last byte is read: it is written while the audio's put makes
  // that audio durable (fsync, rename), not after. Either may land first: a sidecar without
  // its audio is never read (the cache looks at the audio first), and the audio without its
  // sidecar is trusted as ever. The segment is done only once both are stored.
  let sidecar: Promise<void> | undefined;
  const hashed = sha256Tap(checked, (sha256, bytes) => {
    steps?.lap('providerStream');
    // The provider has said all it will: its slot goes to the next job while this one is made durable.
    providerDone?.();
    sidecar = storeSidecar(storage, data, { bytes, sha256, meta: stream.result() });
    sidecar.catch(() => undefined); // awaited below, after the audio's put
  });
  let info: Awaited<ReturnType<Storage['put']>>;
  try {
    info = await storage.put(data.key, hashed.stream, { contentType: CONTENT_TYPES[data.audio.format] });
  } finally {
    // Settled before the job moves on, whichever failed; a put that failed before it pulled a
    // byte leaves the provider's request open until closed here.
    await sidecar?.catch(() => undefined);
    await started.close();
  }
  const produced: Produced = { bytes: info.size, sha256: hashed.sha256(), meta: stream.result() };
  if (sidecar === undefined) return produced;
  await sidecar;
  return { ...produced, sidecarStored: true };
}

/**
 * The segment's `.json` sidecar (its meta, bytes and sha256 as stored), and beside its put the
 * removal of sentence times stored for an earlier audio under this key (deleted by hand): they
 * no longer hold. Both side by side, so the delete adds no wait.
 */
async function storeSidecar(storage: Storage, data: SynthesizeJobData, produced: Produced): Promise<void> {
  const { meta } = produced;
  await Promise.all([
    storage.put(
      segmentMetaKey(data.key),
      bytesBody(
        JSON.stringify({
          ...meta,
          provider: data.provider,
          bytes: produced.bytes,
          sha256: produced.sha256,
          ...(produced.qa === undefined ? {} : { qa: produced.qa }),
          createdAt: new Date().toISOString(),
        }),
      ),
      { contentType: 'application/json' },
    ),
    storage.delete(segmentTimingsKey(data.key)),
  ]);
}

/** The segment's storage and what its cache holds; a rejection is marked handled here and read where it is awaited. */
function lookUpCache(deps: SynthesizeDeps, data: SynthesizeJobData): Promise<{ storage: Storage; existing: CachedSegment | undefined }> {
  const looked = (async () => {
    const storage = deps.storages.get(data.output);
    const existing = await findCachedSegment(storage, data.key, deps.logger, { renderId: data.renderId, index: data.index });
    return { storage, existing };
  })();
  // Unread when the render has ended: that job returns without it.
  looked.catch(() => undefined);
  return looked;
}

/**
 * A streamed provider's segment, take after take until one passes its checks or the takes allowed
 * are spent (settle-take.ts). Each take is a new billed call made in this slot: a failed one is
 * recorded in the job data before the next is bought, so a retry after a crash resumes there.
 */
async function verifiedSynthesis(
  job: Job,
  provider: StreamingProvider,
  storage: Storage,
  data: SynthesizeJobData,
  deps: SynthesizeDeps,
  verification: TakeVerification,
  signal: AbortSignal,
  release: () => void,
): Promise<Produced> {
  let current = data;
  let releaseSlot = release;
  for (;;) {
    let take;
    try {
      const call = providerCall(provider, current, signal);
      take = await receiveTake(verification.tempDir, current, call, deps.durationCeiling);
    } finally {
      releaseSlot();
    }
    const outcome = await settleTake({ job, data: current, storage, verification, logger: deps.logger, signal }, take);
    if ('settled' in outcome) return outcome.settled;
    await deps.metrics.retakeRequested(current.provider);
    current = outcome.retake;
    releaseSlot = (await deps.slots?.acquire(signal)) ?? NO_SLOT;
  }
}

const NO_SLOT = (): void => undefined;

/**
 * One step of an asynchronous task: create (persisting the task id before anything else), or
 * poll, or download. Between polls the job is delayed, so no worker slot waits on a task.
 */
async function advanceTask(
  job: Job,
  token: string | undefined,
  provider: TaskProvider,
  storage: Storage,
  data: SynthesizeJobData,
  deps: SynthesizeDeps,
  signal: AbortSignal,
): Promise<Produced> {
  if (data.task) return pollTask(job, token, provider, storage, data, data.task, deps, signal);
  const verdict = deps.taskRoutes?.beforeCreate() ?? { action: 'create' };
  if (verdict.action === 'refused') {
    // The query route is wrong here: a new task could never be fetched. Like a refused key.
    if (deps.credentials) return deps.credentials.refused(job, token, verdict.error);
    throw verdict.error;
  }
  if (verdict.action === 'wait') return waitForProbe(job, token, provider);
  const probe = verdict.action === 'probe';
  let created: SynthesizeJobData;
  try {
    created = await createTask(job, provider, data, deps, signal);
  } catch (error) {
    if (probe) deps.taskRoutes?.probeEnded();
    throw error;
  }
  if (!probe) return pollLater(job, token, provider, created);
  // The probe: its first poll is made in this slot, so this process learns whether the query
  // route works before it buys a second task.
  const task = created.task;
  if (!task) throw new Error('createTask must persist a task');
  try {
    await delay(provider.polling.firstPollMs, undefined, { signal });
    return await pollTask(job, token, provider, storage, created, task, deps, signal);
  } finally {
    deps.taskRoutes?.probeEnded();
  }
}

/**
 * Creates the segment's task: the attempt is written to the job first (so a create whose answer
 * is lost, or whose process dies, is known: task-creates.ts), then the task id, before anything
 * else can fail. Returns the job data holding the new task.
 */
async function createTask(
  job: Job,
  provider: TaskProvider,
  data: SynthesizeJobData,
  deps: SynthesizeDeps,
  signal: AbortSignal,
): Promise<SynthesizeJobData> {
  const sending = beforeCreate(data, provider.name, Date.now());
  await job.updateData(sending);
  let taskId: string;
  try {
    ({ taskId } = await provider.submit(requestOf(data, signal)));
  } catch (error) {
    if (signal.aborted) throw error;
    const after = afterFailedCreate(sending, error);
    await job.updateData(after);
    if ((after.lostCreates ?? 0) > (sending.lostCreates ?? 0)) {
      deps.logger.warn(
        { renderId: data.renderId, index: data.index, lostCreates: after.lostCreates },
        'a create lost its answer: a paid task may exist that cannot be fetched',
      );
      // Said now with the bound's own words when this was the last create allowed.
      assertMayCreate(after, provider.name);
    }
    throw error;
  }
  // The key works: said now, since a task's download may be minutes away (pollLater throws).
  deps.credentials?.accepted();
  deps.logger.info({ renderId: data.renderId, index: data.index, taskId }, 'task submitted');
  const { createStartedAt: _sent, ...rest } = sending;
  const created: SynthesizeJobData = { ...rest, task: { id: taskId, submittedAt: Date.now(), polls: 0 } };
  // Persisted at once: the paid task's id must outlive anything that fails next.
  await job.updateData(created);
  return created;
}

/** Polls the task, then downloads it (succeeded), replaces it (failed) or waits for the next poll. */
async function pollTask(
  job: Job,
  token: string | undefined,
  provider: TaskProvider,
  storage: Storage,
  data: SynthesizeJobData,
  task: NonNullable<SynthesizeJobData['task']>,
  deps: SynthesizeDeps,
  signal: AbortSignal,
): Promise<Produced> {
  // Checked before polling too, so a task whose polls keep being rate-limited still ends.
  assertBeforeDeadline(provider, task, task.lastState ?? 'unfinished');
  let status: Awaited<ReturnType<TaskProvider['poll']>>;
  try {
    status = await provider.poll(task.id);
  } catch (error) {
    // A route error keeps the task (it may be fine: only the way to ask is wrong) and stops creates.
    if (error instanceof ProviderError && error.route) deps.taskRoutes?.refused(error);
    throw error;
  }
  deps.taskRoutes?.answered();
  deps.credentials?.accepted();
  if (status.state === 'succeeded') {
    const verification = data.qa === undefined ? undefined : deps.verification;
    const download = abortableCall(signal, (callSignal) => provider.download(status.audioUrl, requestOf(data, callSignal)));
    const produced = await (
      verification === undefined
        ? storeStream(storage, data, download, deps.durationCeiling)
        : receiveTake(verification.tempDir, data, download, deps.durationCeiling).then(async (take) => {
            // The task's billing and id are the take's: each take is its own task.
            if (take.meta.billedCharacters === undefined && status.billedCharacters !== undefined)
              take.meta.billedCharacters = status.billedCharacters;
            take.meta.traceId ??= task.id;
            const outcome = await settleTake({ job, data, storage, verification, logger: deps.logger, signal }, take);
            return 'settled' in outcome ? outcome.settled : outcome;
          })
    ).catch(async (error: unknown) => {
      // A bad answer is the task's own result: a retry must buy a new task, not fetch the same bytes.
      if (!signal.aborted) {
        const kept = taskAfterFailedDownload(task, error);
        await job.updateData((kept === undefined ? afterReplacedTask(data) : { ...data, task: kept }) satisfies SynthesizeJobData);
      }
      throw error;
    });
    // A bad take: the next is a new task, created now (its create persisted before anything else).
    if ('retake' in produced) {
      await deps.metrics.retakeRequested(data.provider);
      return advanceTask(job, token, provider, storage, produced.retake, deps, signal);
    }
    if (produced.meta.billedCharacters === undefined && status.billedCharacters !== undefined)
      produced.meta.billedCharacters = status.billedCharacters;
    if (produced.meta.traceId === undefined) produced.meta.traceId = task.id;
    return produced;
  }
  if (status.state === 'failed') {
    // A failed task is over: a retry may create a new one (a bounded number: task-creates.ts),
    // never poll this one again.
    const replaced = afterReplacedTask(data);
    await job.updateData(replaced satisfies SynthesizeJobData);
    const failed = new ProviderError(`task ${task.id} failed: ${status.reason}`, {
      provider: provider.name,
      kind: status.retryable ? 'retryable' : 'fatal',
      providerCode: 'TASK_FAILED',
    });
    const bound = status.retryable ? createBound(replaced) : undefined;
    if (bound) {
      // The last task allowed failed: said in one line, without an attempt spent to find out.
      throw new ProviderError(`task ${task.id} failed: ${status.reason}; ${bound.reason}`, {
        provider: provider.name,
        kind: 'fatal',
        providerCode: bound.code,
      });
    }
    throw failed;
  }
  const lastState = status.detail ?? 'running';
  assertBeforeDeadline(provider, task, lastState);
  return pollLater(job, token, provider, { ...data, task: { ...task, lastState } });
}

/**
 * Another job's task is proving the query route: come back when its first poll is due, without
 * spending an attempt or buying a task.
 */
async function waitForProbe(job: Job, token: string | undefined, provider: TaskProvider): Promise<never> {
  await job.moveToDelayed(Date.now() + provider.polling.firstPollMs, token);
  throw new DelayedError();
}

function assertBeforeDeadline(provider: TaskProvider, task: NonNullable<SynthesizeJobData['task']>, state: string): void {
  const age = Date.now() - task.submittedAt;
  if (age > provider.polling.deadlineMs) {
    throw new ProviderError(
      `task ${task.id} still ${state} after ${Math.round(age / 1000)} s (deadline ${Math.round(provider.polling.deadlineMs / 1000)} s)`,
      {
        provider: provider.name,
        kind: 'fatal',
        providerCode: 'TASK_DEADLINE',
      },
    );
  }
}

/** Frees the worker slot until the next poll is due (polls do not spend attempts). */
async function pollLater(job: Job, token: string | undefined, provider: TaskProvider, data: SynthesizeJobData): Promise<never> {
  const task = data.task;
  if (!task) throw new Error('pollLater needs a task');
  const delayMs = Math.min(provider.polling.maxIntervalMs, Math.round(provider.polling.firstPollMs * 1.5 ** task.polls));
  await job.updateData({ ...data, task: { ...task, polls: task.polls + 1 } } satisfies SynthesizeJobData);
  await job.moveToDelayed(Date.now() + delayMs, token);
  throw new DelayedError();
}

/**
 * Speaks one segment into storage under its content-addressed key. When the key already
 * exists the provider is not called at all: retries, crashes and re-renders bill nothing twice.
 */
export async function processSynthesize(job: Job, token: string | undefined, deps: SynthesizeDeps): Promise<SegmentResult> {
  const parsed = synthesizeJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid synthesize job data: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  const data: SynthesizeJobData = parsed.data;
  // Tracked before the render's status is read: a cancel published after that read still
  // reaches this job's provider call.
  const inFlight = deps.aborts.track(data.renderId);
  try {
    return await synthesizeSegment(job, token, data, deps, inFlight.signal);
  } finally {
    inFlight.release();
  }
}

/**
 * The failed takes a segment job stored under `.takes/` while retaking, removed once the job will
 * never settle the segment: its render ended (cancelled, or failed elsewhere), or it failed for
 * good. (A job that settles removes them itself, settle-take.ts; one that will be retried keeps
 * them, its data still lists them.) The latest list is the job's own data: each take was recorded
 * there before the next was bought.
 */
async function sweepTakes(job: Job, data: SynthesizeJobData, deps: SynthesizeDeps): Promise<void> {
  const latest = synthesizeJobDataSchema.safeParse(job.data);
  const takes = (latest.success ? latest.data.takes : data.takes) ?? [];
  if (takes.length === 0) return;
  try {
    await removeStoredTakes(deps.storages.get(data.output), takes, deps.logger);
  } catch (error) {
    // Space, not correctness: the job's own end stands.
    deps.logger.warn({ err: error, renderId: data.renderId, index: data.index }, 'failed takes were not removed');
  }
}

async function synthesizeSegment(
  job: Job,
  token: string | undefined,
  data: SynthesizeJobData,
  deps: SynthesizeDeps,
  signal: AbortSignal,
): Promise<SegmentResult> {
  const steps = stepTimings();
  // The cache lookup bills nothing, so it runs beside the render's check (one wait, not two);
  // what it found, or how it failed, counts only once the render is known to go on.
  const lookup = lookUpCache(deps, data);
  // A segment of a cancelled or failed render is never paid for. The first segment moves the
  // render to running, in the same round trip.
  const ended = (await deps.store.startSegment(data.renderId)) === 'ended';
  steps.lap('startSegment');
  if (ended) {
    deps.logger.info({ renderId: data.renderId, index: data.index }, 'render ended; segment not synthesized');
    await sweepTakes(job, data, deps);
    return abandonedSegment(data);
  }

  const started = Date.now();
  // The cache lookup too: a storage failing here (S3 away, credentials revoked) must fail the
  // segment like any other error and, on the last attempt, mark the render failed.
  try {
    // A cached file no longer the size stored at synthesis is evicted there and made again.
    const { storage, existing } = await lookup;
    steps.lap('cacheLookup');
    if (existing) {
      await Promise.all([
        deps.store.markSegmentDone(data.renderId, data.index, true, segmentChars(data)),
        deps.metrics.segmentCached(data.provider),
      ]);
      return {
        index: data.index,
        key: data.key,
        cached: true,
        bytes: existing.bytes,
        ...(existing.traceId ? { traceId: existing.traceId } : {}),
        // Checked when it was made: what was found then stands.
        ...(data.qa === undefined ? {} : { qa: { checked: false, takes: 0, flagged: existing.flagged === true } }),
      };
    }
    const { provider } = deps;
    // A provider slot only for what calls the provider: a cached segment never waits for one.
    const release = (await deps.slots?.acquire(signal)) ?? NO_SLOT;
    steps.lap('slot');
    let produced: Produced;
    try {
      produced =
        provider.kind === 'task'
          ? await advanceTask(job, token, provider, storage, data, deps, signal)
          : data.qa !== undefined && deps.verification !== undefined
            ? await verifiedSynthesis(job, provider, storage, data, deps, deps.verification, signal, release)
            : await storeStream(storage, data, providerCall(provider, data, signal), deps.durationCeiling, steps, release);
    } finally {
      release();
    }
    steps.lap('audioPut');
    deps.credentials?.accepted();
    const { meta } = produced;
    if (!produced.sidecarStored) await storeSidecar(storage, data, produced);
    steps.lap('sidecar');
    // Only now, with the audio and its sidecar durable, is the segment done. Its metrics go
    // beside it: one wait for both.
    const [marked] = await Promise.all([
      deps.store.markSegmentDone(data.renderId, data.index, false, segmentChars(data), meta.billedCharacters ?? 0),
      deps.metrics.segmentSynthesized(data.provider, meta.billedCharacters ?? 0, Date.now() - (data.task?.submittedAt ?? started)),
    ]);
    // Billed after its render ended (cancelled while this take was stored): its budget learns it.
    if (marked === 'ended' && (meta.billedCharacters ?? 0) > 0) await deps.store.settleBudget(data.renderId);
    if (produced.qa !== undefined) await deps.metrics.segmentVerified(data.provider, produced.qa);
    steps.lap('markDone');
    deps.logger.debug(
      { renderId: data.renderId, index: data.index, bytes: produced.bytes, ms: Date.now() - started, steps: steps.result() },
      'segment synthesized',
    );
    return {
      index: data.index,
      key: data.key,
      cached: false,
      bytes: produced.bytes,
      ...(meta.billedCharacters === undefined ? {} : { billedCharacters: meta.billedCharacters }),
      ...(meta.traceId === undefined ? {} : { traceId: meta.traceId }),
      ...(produced.qa === undefined ? {} : { qa: produced.qa }),
    };
  } catch (error) {
    if (error instanceof DelayedError) throw error; // polling later: flow control, not a failure
    if (signal.aborted && signal.reason instanceof WorkerShutdownError) return await handBackJob(job, token);
    if (signal.aborted) {
      // The render was cancelled or failed elsewhere: nothing was stored, nothing is retried, and
      // the job completes (a cancel is not a failure; see abandoned-segment.ts).
      deps.logger.info({ renderId: data.renderId, index: data.index }, 'render ended; segment abandoned');
      await sweepTakes(job, data, deps);
      return abandonedSegment(data);
    }
    // This worker's key is wrong, not the job: back to the queue, no attempt spent.
    if (deps.credentials && isCredentialFailure(error)) return deps.credentials.refused(job, token, error);
    const failure = classifyFailure(error, deps.defaultRateLimitMs);
    const where = { renderId: data.renderId, index: data.index, attempt: job.attemptsMade + 1 };
    if (failure.action === 'rate-limit') {
      // Flow control, not a failure: the whole provider queue waits, and no attempt is spent.
      deps.logger.info({ ...where, waitMs: failure.waitMs }, 'provider rate limit; pausing the queue');
      await deps.metrics.rateLimited(data.provider);
      await deps.queue.rateLimit(failure.waitMs);
      throw Worker.RateLimitError();
    }
    const final = failure.action === 'fail' || job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    if (final) {
      deps.logger.error({ ...where, reason: failure.reason }, 'segment failed for good');
      await sweepTakes(job, data, deps);
      await deps.metrics.segmentFailed(data.provider);
      if (await deps.store.markFailed(data.renderId, `segment ${data.index}: ${failure.reason}`))
        await deps.renderEnded(data.renderId, 'failed');
      if (failure.action === 'fail') throw new UnrecoverableError(failure.reason);
    } else {
      deps.logger.warn({ ...where, reason: failure.reason }, 'segment failed; will retry');
      await deps.metrics.retryScheduled(data.provider);
    }
    throw error;
  }
}
