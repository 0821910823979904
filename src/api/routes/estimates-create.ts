import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { estimatePreparedRequest } from '../estimate-request.ts';
import { estimateSchema } from '../estimate-view.ts';
import { multipartToBody } from '../multipart-book.ts';
import { prepareRenderRequest } from '../prepare-render-request.ts';
import { createRenderBodySchema } from '../render-request-schema.ts';

/**
 * POST /v1/estimates: the body of POST /v1/renders, checked and planned the same way, answered
 * with what that render would bill (segments, units as the provider counts them, the part already
 * cached in the output, length, cost). Nothing is enqueued or written and Redis is not asked.
 */
export function estimatesCreateRoute(app: ApiApp, ctx: ApiContext): void {
  app.post(
    '/estimates',
    {
      preValidation: multipartToBody,
      schema: {
        summary: 'Estimate a render: what POST /v1/renders with this body would bill',
        description:
          'Segments, chapters, billable units counted the provider’s way, the segments already cached in the output (they cost 0), an audio length estimate, and a cost when PROVIDER_PRICE_PER_MILLION prices the provider. Enqueues nothing.',
        tags: ['renders'],
        security: BEARER_SECURITY,
        body: createRenderBodySchema(ctx.config.API_MAX_TEXT_CHARS),
        response: {
          200: estimateSchema.describe('the estimate'),
          ...commonErrors,
          413: errorBodySchema.describe('body over API_BODY_LIMIT'),
        },
      },
    },
    async (request) => {
      const prepared = await prepareRenderRequest(request.body, ctx, request.log);
      return estimatePreparedRequest(prepared, ctx);
    },
  );
}
