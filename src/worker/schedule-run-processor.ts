import { createHash } from 'node:crypto';
import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import type { EnqueueDeps } from '../producer/enqueue-render.ts';
import { runIdOf, scheduledAtOf, scheduleRunJobDataSchema } from '../queue/schedule-queue.ts';
import type { RenderStore } from '../render/render-store.ts';
import { renderOptionsDigest, type ScheduleDefinition } from '../render/schedule-definition.ts';
import { runTotals, type ScheduleRun, type ScheduleRunBook } from '../render/schedule-run.ts';
import type { ScheduleStore } from '../render/schedule-store.ts';
import type { StoragePool } from '../runtime/storage-pool.ts';
import type { Storage } from '../storage/storage.ts';
import { enqueueScheduleWebhook } from '../webhooks/schedule-webhook.ts';
import { listLibrary, readBook } from './schedule-library.ts';
import { writeRunReport } from './schedule-report.ts';

/** One book of a run to render as `renderId` into the schedule's output. */
export interface ScheduledBook {
  definition: ScheduleDefinition;
  /** Its key under the source: its file name names the render's folder and files. */
  path: string;
  bytes: Buffer;
  renderId: string;
}

/**
 * Reads, checks, plans and enqueues one book with the schedule's render options, exactly as
 * `tts-batch render` would (the entry point that starts the workers gives it: src/cli). Throws
 * InputError for a book it refuses (`maxUnits` when over the cap).
 */
export type ScheduledBookRenderer = (book: ScheduledBook, enqueue: BookEnqueueDeps) => Promise<void>;

/** Where a run's renders are enqueued: its output always known. */
export type BookEnqueueDeps = EnqueueDeps & { outputStorage: Storage };

export interface ScheduleRunDeps {
  connection: Redis;
  prefix: string;
  store: RenderStore;
  schedules: ScheduleStore;
  /** Outputs: reports (renders write through their own workers). */
  storages: StoragePool;
  /** Opens a source to read; not through the pool, which sweeps a local folder of stale temp files: a library is no place for that. */
  openSource: (location: string) => Storage;
  renderBook: ScheduledBookRenderer;
  retry: EnqueueDeps['retry'];
  enqueueTimeoutMs: number;
  logger: Logger;
  /** How long a run holds its schedule's lease without renewing it (renewed at every look at its renders). */
  leaseMs?: number;
}

const DEFAULT_LEASE_MS = 10 * 60_000;

/**
 * One run of a schedule. First activation: takes the schedule's lease (a run already in
 * progress means this one is skipped), lists the source, and enqueues a render for every book
 * that is new or changed since its last completed render here (sha256 of its bytes, and the
 * render options); unchanged books cost nothing. Then, without holding a worker slot, it looks
 * at its renders now and then (moveToDelayed, like a task provider's polls) until each has
 * ended; then records the completed books, writes the report, sends schedule.completed and
 * gives the lease back. Its state lives in its run record, so any worker can take the next look.
 */
export async function processScheduleRun(job: Job, token: string | undefined, deps: ScheduleRunDeps): Promise<ScheduleRun> {
  const parsed = scheduleRunJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid schedule run job data: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  const data = parsed.data;
  const scheduledAt = scheduledAtOf(job.id, data, job.timestamp);
  const runId = runIdOf(data.schedule, data.trigger, scheduledAt);
  const leaseMs = deps.leaseMs ?? DEFAULT_LEASE_MS;
  const recorded = await deps.schedules.getRun(data.schedule, runId);
  if (recorded !== null && recorded.status !== 'running') return recorded;
  try {
    const listed = recorded?.listedAt === undefined ? undefined : recorded;
    const run = listed ?? (await startRun(deps, { schedule: data.schedule, trigger: data.trigger, runId, scheduledAt, leaseMs }));
    if (run.status !== 'running') return run;
    return await followRun(job, token, deps, run, leaseMs);
  } catch (error) {
    if (error instanceof DelayedError) throw error;
    // The last attempt: the run is over, and the schedule free for the next one.
    if (job.attemptsMade + 1 >= (job.opts.attempts ?? 1)) await endFailed(deps, job, data.schedule, runId, error);
    throw error;
  }
}

interface RunStart {
  schedule: string;
  trigger: ScheduleRun['trigger'];
  runId: string;
  scheduledAt: number;
  leaseMs: number;
}

async function startRun(deps: ScheduleRunDeps, start: RunStart): Promise<ScheduleRun> {
  const { schedule, runId } = start;
  const holder = await deps.schedules.claimRun(schedule, runId, start.leaseMs);
  const definition = await deps.schedules.get(schedule);
  const base: ScheduleRun = {
    schedule,
    runId,
    trigger: start.trigger,
    status: 'running',
    scheduledAt: new Date(start.scheduledAt).toISOString(),
    startedAt: new Date().toISOString(),
    source: definition?.source ?? '',
    output: definition?.output ?? '',
    totals: runTotals([]),
    books: [],
    otherFiles: 0,
  };
  if (holder !== null || definition === null) {
    if (holder === null) await deps.schedules.releaseRun(schedule, runId);
    const reason = holder !== null ? `run ${holder} of this schedule is still in progress` : 'the schedule was removed';
    const skipped: ScheduleRun = { ...base, status: 'skipped', finishedAt: base.startedAt, reason };
    await deps.schedules.saveRun(skipped);
    deps.logger.info({ schedule, runId, reason }, 'schedule run skipped');
    return skipped;
  }
  // Seen at once (schedule list, the API), before a large library is read through.
  await deps.schedules.saveRun(base);
  const optionsDigest = renderOptionsDigest(definition);
  const outputStorage = deps.storages.get(definition.output);
  const source = deps.openSource(definition.source);
  try {
    const { books, otherFiles } = await enqueueLibrary(deps, { definition, runId, optionsDigest, source, outputStorage });
    const run: ScheduleRun = { ...base, listedAt: new Date().toISOString(), optionsDigest, books, otherFiles, totals: runTotals(books) };
    await deps.schedules.saveRun(run);
    const rendering = books.filter((book) => book.status === 'rendering').length;
    deps.logger.info({ schedule, runId, ...run.totals, rendering }, 'schedule run started');
    return run;
  } finally {
    await source.close();
  }
}

/** Lists the source and, book by book, finds each unchanged or enqueues its render. */
async function enqueueLibrary(
  deps: ScheduleRunDeps,
  run: { definition: ScheduleDefinition; runId: string; optionsDigest: string; source: Storage; outputStorage: Storage },
): Promise<{ books: ScheduleRunBook[]; otherFiles: number }> {
  const { definition, runId, optionsDigest, source, outputStorage } = run;
  const schedule = definition.name;
  const { books: files, otherFiles } = await listLibrary(source, definition.output);
  const last = await deps.schedules.books(schedule);
  const enqueue: BookEnqueueDeps = {
    connection: deps.connection,
    prefix: deps.prefix,
    store: deps.store,
    retry: deps.retry,
    enqueueTimeoutMs: deps.enqueueTimeoutMs,
    outputStorage,
  };
  const books: ScheduleRunBook[] = [];
  for (const file of files) {
    const { bytes, sha256 } = await readBook(source, file.path);
    const book = { path: file.path, sha256, bytes: bytes.length, unitsBilled: 0 };
    const previous = last.get(file.path);
    if (previous !== undefined && previous.sha256 === sha256 && previous.options === optionsDigest) {
      books.push({ ...book, status: 'unchanged', renderId: previous.renderId });
      continue;
    }
    const renderId = bookRenderId(schedule, runId, file.path);
    books.push({ ...book, renderId, ...(await enqueueBook(deps, enqueue, { definition, path: file.path, bytes, renderId })) });
  }
  return { books, otherFiles };
}

/**
 * Enqueues one book; a refusal is the book's outcome (over maxUnits: skipped; bad input: failed),
 * while a failure worth a retry (Redis, storage) fails the attempt. An earlier attempt of this
 * run that enqueued the book before it died left its render: that render is this book's.
 */
async function enqueueBook(
  deps: ScheduleRunDeps,
  enqueue: BookEnqueueDeps,
  book: ScheduledBook,
): Promise<Pick<ScheduleRunBook, 'status' | 'reason'>> {
  if ((await deps.store.get(book.renderId)) !== null) return { status: 'rendering' };
  try {
    await deps.renderBook(book, enqueue);
    return { status: 'rendering' };
  } catch (error) {
    if (!(error instanceof TtsBatchError) || error.retryable) throw error;
    const skipped = error.code === 'INPUT_INVALID' && error.message.startsWith('maxUnits:');
    deps.logger.warn({ schedule: book.definition.name, path: book.path, reason: error.message }, 'schedule book not rendered');
    return { status: skipped ? 'skipped' : 'failed', reason: error.message };
  }
}

/** Looks at the run's renders; comes back later while any goes on, else ends the run. */
async function followRun(
  job: Job,
  token: string | undefined,
  deps: ScheduleRunDeps,
  run: ScheduleRun,
  leaseMs: number,
): Promise<ScheduleRun> {
  // Taken back if it lapsed meanwhile (a long pause between looks), unless another run took it.
  await deps.schedules.claimRun(run.schedule, run.runId, leaseMs);
  // One read per book still rendering, one after another: a library of thousands is no burst on Redis.
  const books: ScheduleRunBook[] = [];
  for (const book of run.books) books.push(book.status === 'rendering' ? await lookAt(deps, book) : book);
  if (books.some((book) => book.status === 'rendering')) {
    await job.moveToDelayed(Date.now() + lookDelayMs(run), token);
    throw new DelayedError();
  }
  return endRun(deps, { ...run, books, totals: runTotals(books) });
}

/** A book's render now: still rendering, or what it ended with. */
async function lookAt(deps: ScheduleRunDeps, book: ScheduleRunBook): Promise<ScheduleRunBook> {
  const state = book.renderId === undefined ? null : await deps.store.get(book.renderId);
  if (state === null) return { ...book, status: 'failed', reason: `its render ${book.renderId ?? ''} is no longer recorded` };
  if (state.status === 'completed' && state.result) {
    return {
      ...book,
      status: 'rendered',
      unitsBilled: state.result.billedCharacters,
      segments: state.spec.segmentCount,
      cachedSegments: state.cachedSegments,
      location: state.result.location,
    };
  }
  if (state.status === 'failed' || state.status === 'cancelled')
    return { ...book, status: 'failed', reason: `render ${state.status}${state.error === undefined ? '' : `: ${state.error}`}` };
  return book;
}

/** Every book has its outcome: record the rendered ones, write the report, tell the webhook, free the schedule. */
async function endRun(deps: ScheduleRunDeps, run: ScheduleRun): Promise<ScheduleRun> {
  const definition = await deps.schedules.get(run.schedule);
  // A schedule removed meanwhile gets no records back (they would outlive it).
  if (definition !== null && run.optionsDigest !== undefined) {
    for (const book of run.books) {
      if (book.status !== 'rendered' || book.renderId === undefined) continue;
      const record = { sha256: book.sha256, options: run.optionsDigest, renderId: book.renderId, renderedAt: new Date().toISOString() };
      await deps.schedules.recordBook(run.schedule, book.path, record);
    }
  }
  const ended: ScheduleRun = { ...run, status: 'completed', finishedAt: new Date().toISOString() };
  const report = await writeRunReport(deps.storages.get(run.output), ended);
  const final: ScheduleRun = { ...ended, report };
  await deps.schedules.saveRun(final);
  if (definition?.webhook) await enqueueScheduleWebhook(deps.connection, deps.prefix, final);
  await deps.schedules.releaseRun(run.schedule, run.runId);
  deps.logger.info({ schedule: run.schedule, runId: run.runId, ...final.totals, report }, 'schedule run completed');
  return final;
}

/**
 * The last attempt failed: the run ends as failed, with its report when its output is known
 * (best effort: the output may be what failed) and its webhook event, and frees its schedule.
 */
async function endFailed(deps: ScheduleRunDeps, job: Job, schedule: string, runId: string, error: unknown): Promise<void> {
  const reason = error instanceof Error ? error.message : String(error);
  try {
    const recorded = (await deps.schedules.getRun(schedule, runId)) ?? (await failedBeforeListing(deps, job, schedule, runId));
    const failed: ScheduleRun = { ...recorded, status: 'failed', finishedAt: new Date().toISOString(), reason };
    let report: string | undefined;
    try {
      if (recorded.output !== '') report = await writeRunReport(deps.storages.get(recorded.output), failed);
    } catch {
      // The run's failure is what is said; an output that cannot take its report either is part of it.
    }
    const final = report === undefined ? failed : { ...failed, report };
    await deps.schedules.saveRun(final);
    // The webhook hears of a night that failed too (its status says so), not only of those that ran.
    if ((await deps.schedules.get(schedule))?.webhook) await enqueueScheduleWebhook(deps.connection, deps.prefix, final);
  } finally {
    await deps.schedules.releaseRun(schedule, runId);
    deps.logger.error({ schedule, runId, reason }, 'schedule run failed');
  }
}

/** The record of a run that failed before it had one (its source could not be listed). */
async function failedBeforeListing(deps: ScheduleRunDeps, job: Job, schedule: string, runId: string): Promise<ScheduleRun> {
  const definition = await deps.schedules.get(schedule);
  const data = scheduleRunJobDataSchema.parse(job.data);
  return {
    schedule,
    runId,
    trigger: data.trigger,
    status: 'failed',
    scheduledAt: new Date(scheduledAtOf(job.id, data, job.timestamp)).toISOString(),
    startedAt: new Date(job.processedOn ?? Date.now()).toISOString(),
    source: definition?.source ?? '',
    output: definition?.output ?? '',
    totals: runTotals([]),
    books: [],
    otherFiles: 0,
  };
}

/** Soon at first (small books end in seconds), then further apart: at most every 10 s for a night of books. */
function lookDelayMs(run: ScheduleRun): number {
  const elapsed = Date.now() - Date.parse(run.startedAt);
  return Math.min(10_000, Math.max(250, Math.round(elapsed / 20)));
}

/** Fixed per run and book, so a retried run finds the render an earlier attempt enqueued. */
function bookRenderId(schedule: string, runId: string, path: string): string {
  const hash = createHash('sha256').update(`${runId}\n${path}`).digest('hex').slice(0, 10);
  const stamp = runId
    .slice(schedule.length + 1)
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, 15);
  return `${schedule.slice(0, 32)}-${stamp}-${hash}`;
}
