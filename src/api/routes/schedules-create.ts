import { getSchedule, saveSchedule } from '../../producer/manage-schedules.ts';
import { scheduleView } from '../../producer/schedule-view.ts';
import { checkOutputWritable } from '../../storage/check-output.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { prepareScheduleRequest } from '../schedule-request.ts';
import { createScheduleBodySchema, scheduleViewSchema } from '../schedule-schemas.ts';

/** POST /v1/schedules: adds a schedule (201) or replaces the one of that name (200), as `tts-batch schedule add`. */
export function schedulesCreateRoute(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/schedules',
    {
      schema: {
        summary: 'Add or replace a schedule: a library rendered on a timetable',
        description:
          'Each run (a BullMQ job scheduler iteration) renders every book of source that is new or changed since its last completed render in this schedule, and writes runs/<YYYY-MM-DD>-<name>.json into the output.',
        tags: ['schedules'],
        security: BEARER_SECURITY,
        body: createScheduleBodySchema,
        response: {
          200: scheduleViewSchema.describe('replaced'),
          201: scheduleViewSchema.describe('added'),
          ...commonErrors,
          422: errorBodySchema.describe('the output cannot be written with these settings'),
        },
      },
    },
    async (request, reply) => {
      const asked = await prepareScheduleRequest(request.body, ctx);
      // As a render does: an output that refuses a probe write is said now, not at 2 am.
      await checkOutputWritable(asked.output, ctx.config);
      const deps = { connection: ctx.redis, prefix: ctx.prefix };
      const { outcome } = await saveSchedule(deps, asked);
      request.log.info({ schedule: asked.name, outcome }, 'schedule saved');
      void reply.code(outcome === 'added' ? 201 : 200);
      return scheduleView(await getSchedule(deps, asked.name));
    },
  );
}
