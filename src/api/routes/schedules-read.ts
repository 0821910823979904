import { getSchedule, listSchedules, scheduleNotFound } from '../../producer/manage-schedules.ts';
import { scheduleView } from '../../producer/schedule-view.ts';
import { assertScheduleName } from '../../render/schedule-definition.ts';
import { runReport } from '../../render/schedule-run.ts';
import { ScheduleStore } from '../../render/schedule-store.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { HttpError } from '../http-error.ts';
import { scheduleNameParams, scheduleRunParams, scheduleRunViewSchema, scheduleViewSchema } from '../schedule-schemas.ts';
import { z } from 'zod';

/** GET /v1/schedules, GET /v1/schedules/:name and GET /v1/schedules/:name/runs/:runId: what `schedule list --json` and a run report show. */
export function schedulesReadRoutes(app: ApiApp, ctx: ApiContext): void {
  const deps = { connection: ctx.redis, prefix: ctx.prefix };
  app.get(
    '/schedules',
    {
      schema: {
        summary: 'Every schedule: when it runs next, its last run',
        tags: ['schedules'],
        security: BEARER_SECURITY,
        response: { 200: z.object({ schedules: z.array(scheduleViewSchema) }), ...commonErrors },
      },
    },
    async () => ({ schedules: (await listSchedules(deps)).map(scheduleView) }),
  );
  app.get(
    '/schedules/:name',
    {
      schema: {
        summary: 'A schedule',
        tags: ['schedules'],
        security: BEARER_SECURITY,
        params: scheduleNameParams,
        response: { 200: scheduleViewSchema, ...commonErrors, 404: errorBodySchema.describe('no such schedule') },
      },
    },
    async (request) => scheduleView(await getSchedule(deps, assertScheduleName(request.params.name))),
  );
  app.get(
    '/schedules/:name/runs/:runId',
    {
      schema: {
        summary: 'A run of a schedule: each book, its status, units billed, the reason for anything skipped or failed',
        tags: ['schedules'],
        security: BEARER_SECURITY,
        params: scheduleRunParams,
        response: { 200: scheduleRunViewSchema, ...commonErrors, 404: errorBodySchema.describe('no such schedule or run') },
      },
    },
    async (request) => {
      const name = assertScheduleName(request.params.name);
      const store = new ScheduleStore(ctx.redis, ctx.prefix);
      if ((await store.get(name)) === null) throw scheduleNotFound(name);
      const run = await store.getRun(name, request.params.runId);
      if (!run)
        throw new HttpError(404, 'RUN_NOT_FOUND', `no run "${request.params.runId}" of schedule "${name}"`, {
          value: request.params.runId,
        });
      return runReport(run);
    },
  );
}
