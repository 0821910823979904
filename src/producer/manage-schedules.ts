import { Queue, type RepeatOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import { NotFoundError } from '../errors/not-found-error.ts';
import { manualRunJobId, RUN_JOB_OPTIONS, runIdOf, SCHEDULE_QUEUE, type ScheduleRunJobData } from '../queue/schedule-queue.ts';
import type { ScheduleDefinition, ScheduleRender, ScheduleTiming } from '../render/schedule-definition.ts';
import type { ScheduleRun } from '../render/schedule-run.ts';
import { ScheduleStore } from '../render/schedule-store.ts';

export interface ScheduleDeps {
  connection: Redis;
  prefix: string;
}

/** A schedule as asked for, every field already checked (checkTiming, checkScheduleSource, checkScheduleRender). */
export interface ScheduleRequest {
  name: string;
  timing: ScheduleTiming;
  source: string;
  output: string;
  render: ScheduleRender;
  /** The URL is kept in the definition, the secret apart from it. */
  webhook?: { url: string; secret: string } | undefined;
}

/** A schedule with what its job scheduler and its runs say of it now. */
export interface ScheduleListing {
  definition: ScheduleDefinition;
  /** Epoch ms of the next run its job scheduler will start; absent when it has none (yet). */
  next?: number;
  /** The run holding the schedule's lease. */
  running?: string;
  lastRun?: ScheduleRun;
}

/**
 * Adds a schedule, or replaces the one of that name: the definition is written first, then its
 * BullMQ job scheduler (upsertJobScheduler: one job per iteration, its id the scheduler's id and
 * the iteration's time, so every worker process sees the same one job and only one runs it).
 */
export async function saveSchedule(
  deps: ScheduleDeps,
  request: ScheduleRequest,
): Promise<{ definition: ScheduleDefinition; outcome: 'added' | 'replaced' }> {
  const store = new ScheduleStore(deps.connection, deps.prefix);
  const now = new Date().toISOString();
  const existing = await store.get(request.name);
  const definition: ScheduleDefinition = {
    name: request.name,
    timing: request.timing,
    source: request.source,
    output: request.output,
    render: request.render,
    ...(request.webhook === undefined ? {} : { webhook: { url: request.webhook.url } }),
    createdAt: existing?.createdAt ?? now,
    updatedAt: now,
  };
  const outcome = await store.save(definition, request.webhook?.secret);
  await withQueue(deps, async (queue) => {
    const data: ScheduleRunJobData = { schedule: request.name, trigger: 'cron' };
    await queue.upsertJobScheduler(request.name, repeatOptions(request.timing), { name: 'run', data, opts: RUN_JOB_OPTIONS });
  });
  return { definition, outcome };
}

/** Removes the schedule's job scheduler and its records; a run in progress finishes. False when there was none. */
export async function removeSchedule(deps: ScheduleDeps, name: string): Promise<boolean> {
  const hadScheduler = await withQueue(deps, (queue) => queue.removeJobScheduler(name));
  const hadDefinition = await new ScheduleStore(deps.connection, deps.prefix).remove(name);
  return hadScheduler || hadDefinition;
}

export async function listSchedules(deps: ScheduleDeps): Promise<ScheduleListing[]> {
  const store = new ScheduleStore(deps.connection, deps.prefix);
  const [definitions, schedulers] = await Promise.all([store.list(), withQueue(deps, (queue) => queue.getJobSchedulers())]);
  const nextOf = new Map(schedulers.map((scheduler) => [scheduler.key, scheduler.next]));
  return Promise.all(
    definitions.map(async (definition): Promise<ScheduleListing> => {
      const [running, lastRun] = await Promise.all([store.runningRun(definition.name), store.runs(definition.name, 1)]);
      const next = nextOf.get(definition.name);
      return {
        definition,
        ...(next === undefined ? {} : { next }),
        ...(running === null ? {} : { running }),
        ...(lastRun[0] === undefined ? {} : { lastRun: lastRun[0] }),
      };
    }),
  );
}

export async function getSchedule(deps: ScheduleDeps, name: string): Promise<ScheduleListing> {
  const listing = (await listSchedules(deps)).find((candidate) => candidate.definition.name === name);
  if (!listing) throw scheduleNotFound(name);
  return listing;
}

/**
 * `schedule run NAME`: a run now, on the schedule's queue like its timed ones. While a run of the
 * schedule is in progress none is added (`running` says which); a run that slips in beside one
 * anyway (a timed run starting meanwhile) finds the lease taken and ends as skipped.
 */
export async function requestRun(
  deps: ScheduleDeps,
  name: string,
  now: number = Date.now(),
): Promise<{ runId: string; jobId: string; running?: undefined } | { running: string; runId?: undefined; jobId?: undefined }> {
  const store = new ScheduleStore(deps.connection, deps.prefix);
  if ((await store.get(name)) === null) throw scheduleNotFound(name);
  const running = await store.runningRun(name);
  if (running !== null) return { running };
  const jobId = manualRunJobId(name, now);
  const data: ScheduleRunJobData = { schedule: name, trigger: 'manual', requestedAt: now };
  await withQueue(deps, (queue) => queue.add('run', data, { ...RUN_JOB_OPTIONS, jobId }));
  return { runId: runIdOf(name, 'manual', now), jobId };
}

export function scheduleNotFound(name: string): NotFoundError {
  return new NotFoundError(`no schedule named "${name}" (see: tts-batch schedule list)`, name);
}

function repeatOptions(timing: ScheduleTiming): Omit<RepeatOptions, 'key'> {
  if ('every' in timing) return { every: timing.every };
  return { pattern: timing.cron, ...(timing.tz === undefined ? {} : { tz: timing.tz }) };
}

async function withQueue<T>(deps: ScheduleDeps, use: (queue: Queue) => Promise<T>): Promise<T> {
  const queue = new Queue(SCHEDULE_QUEUE, { connection: deps.connection, prefix: deps.prefix });
  try {
    return await use(queue);
  } finally {
    await queue.close();
  }
}
