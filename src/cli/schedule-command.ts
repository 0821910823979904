import type { Redis } from 'ioredis';
import { checkScheduleRender } from '../producer/check-schedule-render.ts';
import {
  listSchedules,
  removeSchedule,
  requestRun,
  saveSchedule,
  scheduleNotFound,
  type ScheduleDeps,
} from '../producer/manage-schedules.ts';
import { checkScheduleSource } from '../producer/schedule-source.ts';
import { checkTiming } from '../producer/schedule-timing.ts';
import { scheduleView, type ScheduleView } from '../producer/schedule-view.ts';
import { connectProducer, createRedisConnection } from '../queue/redis-connection.ts';
import { assertScheduleName } from '../render/schedule-definition.ts';
import { runReport, type ScheduleRun } from '../render/schedule-run.ts';
import type { AppConfig } from '../runtime/app-config.ts';
import { checkOutputWritable } from '../storage/check-output.ts';
import { describeLocation } from '../storage/open-storage.ts';
import { displayLocation } from './render-command.ts';
import { scheduleRenderOf, scheduleWebhookOf, type ScheduleAddOptions } from './schedule-add-options.ts';
import { waitForRun } from './schedule-wait.ts';

/**
 * `schedule add NAME --cron … --source … [render options]`: checks everything it can before Redis
 * (name, timing, render options, source, webhook; then the output, with a probe write, as render
 * does), then adds or replaces the schedule and its job scheduler.
 */
export async function scheduleAddCommand(name: string, opts: ScheduleAddOptions & { json?: boolean }, config: AppConfig): Promise<number> {
  assertScheduleName(name);
  const timing = checkTiming({ cron: opts.cron, every: opts.every, tz: opts.tz });
  const render = scheduleRenderOf(opts);
  checkScheduleRender(render, config);
  const source = await checkScheduleSource(opts.source);
  const output = describeLocation(opts.out);
  const webhook = await scheduleWebhookOf(opts, config);
  await checkOutputWritable(output, config);
  return withRedis(config, async (deps) => {
    const { outcome } = await saveSchedule(deps, { name, timing, source, output, render, webhook });
    const view = await viewOf(deps, name);
    if (opts.json) process.stdout.write(`${JSON.stringify(view, null, 2)}\n`);
    else
      process.stdout.write(`${outcome} schedule ${name}: ${describeWhen(view)}; ${displayLocation(source)} → ${displayLocation(output)}\n`);
    return 0;
  });
}

/** `schedule list [--json]`: every schedule, when it runs next, its last run. */
export async function scheduleListCommand(opts: { json?: boolean }, config: AppConfig): Promise<number> {
  return withRedis(config, async (deps) => {
    const views = (await listSchedules(deps)).map(scheduleView);
    if (opts.json) {
      process.stdout.write(`${JSON.stringify(views, null, 2)}\n`);
      return 0;
    }
    if (views.length === 0)
      process.stderr.write('no schedules (add one: tts-batch schedule add NAME --cron "0 2 * * *" --source DIR -p PROVIDER)\n');
    for (const view of views) process.stdout.write(`${listLine(view)}\n`);
    return 0;
  });
}

/** `schedule remove NAME`: its job scheduler and records go; a run in progress finishes. */
export async function scheduleRemoveCommand(name: string, config: AppConfig): Promise<number> {
  assertScheduleName(name);
  return withRedis(config, async (deps) => {
    if (!(await removeSchedule(deps, name))) throw scheduleNotFound(name);
    process.stdout.write(`removed schedule ${name}\n`);
    return 0;
  });
}

/**
 * `schedule run NAME [--wait]`: a run now; prints its id first. While a run of the schedule is
 * in progress no other starts: that run's id is printed instead (and followed with --wait).
 * With --wait: the report's location last; exit 0 when every book rendered or was unchanged.
 */
export async function scheduleRunCommand(name: string, opts: { wait?: boolean; json?: boolean }, config: AppConfig): Promise<number> {
  assertScheduleName(name);
  return withRedis(config, async (deps) => {
    const asked = await requestRun(deps, name);
    const runId = asked.running ?? asked.runId;
    if (asked.running !== undefined) process.stderr.write(`a run of ${name} is in progress: ${runId}; not starting another\n`);
    process.stdout.write(`${runId}\n`);
    if (!opts.wait) return 0;
    const run = await waitForRun(deps, name, runId, asked.running === undefined ? asked.jobId : undefined);
    process.stderr.write(`${describeRun(run)}\n`);
    if (opts.json) process.stdout.write(`${JSON.stringify(runReport(run), null, 2)}\n`);
    else if (run.report !== undefined) process.stdout.write(`${displayLocation(run.report)}\n`);
    return run.status === 'completed' && run.totals.failed === 0 ? 0 : 1;
  });
}

async function withRedis(config: AppConfig, use: (deps: ScheduleDeps & { connection: Redis }) => Promise<number>): Promise<number> {
  const connection = createRedisConnection(config.REDIS_URL, 'producer');
  connection.on('error', () => undefined); // surfaced by the command that fails
  try {
    await connectProducer(connection, config.REDIS_URL);
    return await use({ connection, prefix: config.QUEUE_PREFIX });
  } finally {
    await connection.quit().catch(() => connection.disconnect());
  }
}

async function viewOf(deps: ScheduleDeps, name: string): Promise<ScheduleView> {
  const listing = (await listSchedules(deps)).find((candidate) => candidate.definition.name === name);
  if (!listing) throw scheduleNotFound(name);
  return scheduleView(listing);
}

function describeWhen(view: ScheduleView): string {
  const when = view.cron !== undefined ? `cron "${view.cron}"${view.tz === undefined ? '' : ` (${view.tz})`}` : `every ${view.every} ms`;
  return `${when}, next run ${view.nextRunAt ?? 'when its scheduler says'}`;
}

function listLine(view: ScheduleView): string {
  const last =
    view.lastRun === undefined ? 'never ran' : `last ${view.lastRun.status} ${view.lastRun.finishedAt ?? view.lastRun.startedAt}`;
  const running = view.running === undefined ? '' : ` · running ${view.running}`;
  return `${view.name}\t${describeWhen(view)}\t${last}${running}\t${displayLocation(view.source)} → ${displayLocation(view.output)}`;
}

export function describeRun(run: ScheduleRun): string {
  const { totals } = run;
  const counts = `${totals.books} books: ${totals.rendered} rendered, ${totals.unchanged} unchanged, ${totals.failed} failed, ${totals.skipped} skipped; ${totals.unitsBilled.toLocaleString('en-US')} units billed`;
  return `run ${run.runId} ${run.status}${run.reason === undefined ? '' : ` (${run.reason})`}: ${counts}`;
}
