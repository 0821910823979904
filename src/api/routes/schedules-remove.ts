import { removeSchedule, scheduleNotFound } from '../../producer/manage-schedules.ts';
import { assertScheduleName } from '../../render/schedule-definition.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { scheduleNameParams } from '../schedule-schemas.ts';
import { z } from 'zod';

/** DELETE /v1/schedules/:name: its job scheduler and records go; a run in progress finishes; rendered books stay. */
export function schedulesRemoveRoute(app: ApiApp, ctx: ApiContext): void {
  app.delete(
    '/schedules/:name',
    {
      schema: {
        summary: 'Remove a schedule',
        tags: ['schedules'],
        security: BEARER_SECURITY,
        params: scheduleNameParams,
        response: {
          200: z.object({ name: z.string(), removed: z.literal(true) }),
          ...commonErrors,
          404: errorBodySchema.describe('no such schedule'),
        },
      },
    },
    async (request) => {
      const name = assertScheduleName(request.params.name);
      if (!(await removeSchedule({ connection: ctx.redis, prefix: ctx.prefix }, name))) throw scheduleNotFound(name);
      request.log.info({ schedule: name }, 'schedule removed');
      return { name, removed: true as const };
    },
  );
}
