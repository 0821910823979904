import { z } from 'zod';
import { RENDER_STATUSES } from '../../render/render-record.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, type ApiApp } from '../api-app.ts';
import { renderView, renderViewSchema } from '../render-view.ts';

const querySchema = z.strictObject({
  status: z.enum(RENDER_STATUSES).optional().describe('only renders in this status'),
  limit: z.coerce.number().int().min(1).max(500).default(50).describe('at most this many (1–500, default 50)'),
});

/** GET /v1/renders: the most recent renders first. */
export function rendersListRoute(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/renders',
    {
      schema: {
        summary: 'Recent renders, newest first',
        tags: ['renders'],
        security: BEARER_SECURITY,
        querystring: querySchema,
        response: { 200: z.object({ renders: z.array(renderViewSchema) }), ...commonErrors },
      },
    },
    async (request) => {
      const { status, limit } = request.query;
      const states = await ctx.store.list({ limit, ...(status === undefined ? {} : { status }) });
      const now = Date.now();
      return { renders: states.map((state) => renderView(state, now)) };
    },
  );
}
