import { assertRenderId } from '../../render/render-id.ts';
import { cancelRender } from '../../producer/cancel-render.ts';
import { TERMINAL_STATUSES, type RenderStatus } from '../../render/render-record.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, renderIdParams, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { HttpError, renderNotFound } from '../http-error.ts';
import { renderView, renderViewSchema } from '../render-view.ts';

/**
 * DELETE /v1/renders/:id: cancels a render that has not ended. Pending segments are removed and
 * workers abort the ones in flight (cancelRender); the answer is the render, now cancelled.
 */
export function rendersCancelRoute(app: ApiApp, ctx: ApiContext): void {
  app.delete(
    '/renders/:id',
    {
      schema: {
        summary: 'Cancel a render',
        tags: ['renders'],
        security: BEARER_SECURITY,
        params: renderIdParams,
        response: {
          200: renderViewSchema.describe('cancelled: no segment is synthesized from now on'),
          ...commonErrors,
          404: errorBodySchema.describe('no such render'),
          409: errorBodySchema.describe('it had already ended: error.status says how (completed, failed, cancelled)'),
        },
      },
    },
    async (request) => {
      const id = assertRenderId(request.params.id);
      const before = await ctx.store.get(id);
      if (!before) throw renderNotFound(id);
      if (TERMINAL_STATUSES.has(before.status)) throw alreadyEnded(id, before.status);
      const status = await cancelRender({ connection: ctx.redis, prefix: ctx.prefix, store: ctx.store }, id);
      if (status === null) throw renderNotFound(id);
      // It ended on its own between the two reads.
      if (status !== 'cancelled') throw alreadyEnded(id, status);
      const after = await ctx.store.get(id);
      if (!after) throw renderNotFound(id);
      request.log.info({ renderId: id }, 'render cancelled');
      return renderView(after);
    },
  );
}

function alreadyEnded(id: string, status: RenderStatus): HttpError {
  return new HttpError(409, 'RENDER_ENDED', `render "${id}" had already ended: ${status}`, { value: id, details: { status } });
}
