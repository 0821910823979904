import { requestRun } from '../../producer/manage-schedules.ts';
import { assertScheduleName } from '../../render/schedule-definition.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { HttpError } from '../http-error.ts';
import { scheduleNameParams } from '../schedule-schemas.ts';
import { z } from 'zod';

/** POST /v1/schedules/:name/runs: a run now, as `tts-batch schedule run NAME`; 409 while one is in progress. */
export function schedulesRunRoute(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/schedules/:name/runs',
    {
      schema: {
        summary: 'Start a run of a schedule now',
        description: 'Follow it at GET /v1/schedules/{name}/runs/{runId}; it also writes its report and sends schedule.completed.',
        tags: ['schedules'],
        security: BEARER_SECURITY,
        params: scheduleNameParams,
        response: {
          202: z.object({ runId: z.string(), status: z.literal('queued') }),
          ...commonErrors,
          404: errorBodySchema.describe('no such schedule'),
          409: errorBodySchema.describe('a run of this schedule is in progress: error.runId names it'),
        },
      },
    },
    async (request, reply) => {
      const name = assertScheduleName(request.params.name);
      const asked = await requestRun({ connection: ctx.redis, prefix: ctx.prefix }, name);
      if (asked.running !== undefined)
        throw new HttpError(
          409,
          'RUN_IN_PROGRESS',
          `run ${asked.running} of schedule "${name}" is in progress; no other starts until it ends`,
          {
            value: name,
            details: { runId: asked.running },
          },
        );
      request.log.info({ schedule: name, runId: asked.runId }, 'schedule run requested');
      void reply.code(202);
      return { runId: asked.runId, status: 'queued' as const };
    },
  );
}
