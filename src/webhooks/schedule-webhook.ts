import { Queue, UnrecoverableError, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import {
  SCHEDULE_COMPLETED,
  scheduleWebhookJobDataSchema,
  scheduleWebhookJobId,
  type ScheduleWebhookJobData,
} from '../queue/schedule-queue.ts';
import { WEBHOOK_ATTEMPTS, WEBHOOK_BACKOFF_TYPE, WEBHOOK_QUEUE } from '../queue/webhook-queue.ts';
import type { ScheduleRun } from '../render/schedule-run.ts';
import type { ScheduleStore } from '../render/schedule-store.ts';
import { deliverEvent, type DeliveryDeps, type WebhookOutcome } from './deliver-event.ts';

const DAY_S = 24 * 3600;

/** The JSON body POSTed to a schedule's webhook when a run ends: the run's report. */
export interface ScheduleWebhookEvent {
  type: typeof SCHEDULE_COMPLETED;
  schedule: string;
  runId: string;
  status: ScheduleRun['status'];
  occurredAt: string;
  report?: string;
  totals: ScheduleRun['totals'];
  books: ScheduleRun['books'];
  reason?: string;
}

/** Queues the run's schedule.completed event on the webhooks queue (its own retries and sockets). */
export async function enqueueScheduleWebhook(connection: Redis, prefix: string, run: ScheduleRun): Promise<void> {
  const queue = new Queue(WEBHOOK_QUEUE, { connection, prefix });
  try {
    const data: ScheduleWebhookJobData = { schedule: run.schedule, runId: run.runId };
    await queue.add(SCHEDULE_COMPLETED, data, {
      jobId: scheduleWebhookJobId(run.runId),
      attempts: WEBHOOK_ATTEMPTS,
      backoff: { type: WEBHOOK_BACKOFF_TYPE },
      removeOnComplete: { age: 7 * DAY_S },
      removeOnFail: { age: 14 * DAY_S },
    });
  } finally {
    await queue.close();
  }
}

/** Delivers a schedule.completed event: the run's record, signed with the schedule's secret (read now, never in the job). */
export async function processScheduleWebhook(job: Job, deps: DeliveryDeps & { schedules: ScheduleStore }): Promise<WebhookOutcome> {
  const parsed = scheduleWebhookJobDataSchema.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`invalid schedule webhook job data: ${parsed.error.issues[0]?.message ?? 'unknown'}`);
  const { schedule, runId } = parsed.data;
  const [definition, run, secret] = await Promise.all([
    deps.schedules.get(schedule),
    deps.schedules.getRun(schedule, runId),
    deps.schedules.webhookSecret(schedule),
  ]);
  if (!definition?.webhook) return { delivered: false, reason: `schedule ${schedule} no longer has a webhook` };
  if (!run) return { delivered: false, reason: `run ${runId} of ${schedule} is no longer recorded` };
  if (!secret)
    throw new UnrecoverableError(`webhook of schedule ${schedule}: no signing secret is stored; an unsigned event is never sent`);
  const event: ScheduleWebhookEvent = {
    type: SCHEDULE_COMPLETED,
    schedule,
    runId,
    status: run.status,
    occurredAt: run.finishedAt ?? run.startedAt,
    ...(run.report === undefined ? {} : { report: run.report }),
    totals: run.totals,
    books: run.books,
    ...(run.reason === undefined ? {} : { reason: run.reason }),
  };
  return deliverEvent(job, deps, {
    url: definition.webhook.url,
    secret,
    body: JSON.stringify(event),
    webhookId: scheduleWebhookJobId(runId),
    where: { schedule, runId, type: SCHEDULE_COMPLETED },
  });
}
