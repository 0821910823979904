import { budgetWait } from '../../render/daily-budget.ts';
import { assertRenderId } from '../../render/render-id.ts';
import { TERMINAL_STATUSES } from '../../render/render-record.ts';
import { getRenderStatus } from '../../render/render-status.ts';
import { waitingReason } from '../../runtime/waiting-reason.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, renderIdParams, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { renderNotFound } from '../http-error.ts';
import { renderView, renderViewSchema } from '../render-view.ts';

/** GET /v1/renders/:id: status reconciled with the stitch job, progress, result or failure, and why it waits. */
export function rendersGetRoute(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/renders/:id',
    {
      schema: {
        summary: 'A render: status, progress, result or error',
        tags: ['renders'],
        security: BEARER_SECURITY,
        params: renderIdParams,
        response: { 200: renderViewSchema, ...commonErrors, 404: errorBodySchema.describe('no such render') },
      },
    },
    async (request) => {
      const id = assertRenderId(request.params.id);
      const state = await getRenderStatus(ctx.store, ctx.stitchQueue, id);
      if (!state) throw renderNotFound(id);
      // Only a render still to be worked on can be waiting for a worker (a heartbeat read).
      const waiting = TERMINAL_STATUSES.has(state.status)
        ? undefined
        : (budgetWait(state.spec.budget) ?? (await waitingReason(ctx.redis, ctx.prefix, state.spec.provider)));
      return renderView(state, Date.now(), waiting);
    },
  );
}
