import type { ScheduleRender } from '../render/schedule-definition.ts';
import type { ScheduleRun } from '../render/schedule-run.ts';
import type { ScheduleListing } from './manage-schedules.ts';
import { nextRunAt } from './schedule-timing.ts';

/** A schedule as `schedule list --json` prints it and GET /v1/schedules answers: no secret. */
export interface ScheduleView {
  name: string;
  cron?: string | undefined;
  tz?: string | undefined;
  every?: number | undefined;
  source: string;
  output: string;
  render: ScheduleRender;
  webhook?: { url: string };
  createdAt: string;
  updatedAt: string;
  /** When its job scheduler starts the next run. */
  nextRunAt?: string;
  /** The run in progress, if any. */
  running?: string;
  lastRun?: RunSummary;
}

/** A run without its list of books (that is in its report). */
export type RunSummary = Pick<ScheduleRun, 'runId' | 'trigger' | 'status' | 'scheduledAt' | 'startedAt' | 'totals'> &
  Partial<Pick<ScheduleRun, 'finishedAt' | 'report' | 'reason'>>;

export function scheduleView(listing: ScheduleListing): ScheduleView {
  const { definition } = listing;
  const next = listing.next ?? nextRunAt(definition.timing);
  return {
    name: definition.name,
    ...definition.timing,
    source: definition.source,
    output: definition.output,
    render: definition.render,
    ...(definition.webhook === undefined ? {} : { webhook: definition.webhook }),
    createdAt: definition.createdAt,
    updatedAt: definition.updatedAt,
    ...(next === undefined ? {} : { nextRunAt: new Date(next).toISOString() }),
    ...(listing.running === undefined ? {} : { running: listing.running }),
    ...(listing.lastRun === undefined ? {} : { lastRun: runSummary(listing.lastRun) }),
  };
}

export function runSummary(run: ScheduleRun): RunSummary {
  return {
    runId: run.runId,
    trigger: run.trigger,
    status: run.status,
    scheduledAt: run.scheduledAt,
    startedAt: run.startedAt,
    ...(run.finishedAt === undefined ? {} : { finishedAt: run.finishedAt }),
    ...(run.report === undefined ? {} : { report: run.report }),
    totals: run.totals,
    ...(run.reason === undefined ? {} : { reason: run.reason }),
  };
}
