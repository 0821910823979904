import { z } from 'zod';
import { METRICS_CONTENT_TYPE, renderMetrics } from '../../metrics/render-metrics.ts';
import type { ApiContext } from '../api-context.ts';
import type { ApiApp } from '../api-app.ts';
import { bearerAuth, createTokenVerifier } from '../auth.ts';
import { errorBodySchema } from '../errors.ts';

/**
 * GET /metrics: Prometheus text for the whole deployment (read from Redis, so any API process
 * serves the same numbers). Open unless METRICS_TOKEN is set; then it wants that Bearer token.
 */
export function metricsRoute(app: ApiApp, ctx: ApiContext): void {
  const token = ctx.config.METRICS_TOKEN;
  const providers = [...ctx.providers.keys()];
  app.get(
    '/metrics',
    {
      ...(token === undefined ? {} : { onRequest: bearerAuth(createTokenVerifier([token]), '/metrics (METRICS_TOKEN is set)') }),
      schema: {
        summary: 'Prometheus metrics',
        tags: ['operations'],
        ...(token === undefined ? {} : { security: [{ bearerAuth: [] }] }),
        response: {
          200: { description: 'Prometheus text format', content: { 'text/plain': { schema: z.string() } } },
          401: errorBodySchema.describe('METRICS_TOKEN is set and was not sent'),
          503: errorBodySchema.describe('Redis cannot be reached'),
        },
      },
    },
    async (_request, reply) => {
      const budgets = Object.entries(ctx.config.PROVIDER_DAILY_BUDGET).map(([provider, unitsPerWindow]) => ({
        provider,
        unitsPerWindow,
        windowMs: ctx.config.BUDGET_WINDOW_MS,
      }));
      const text = await renderMetrics(ctx.redis, ctx.prefix, providers, budgets);
      return reply.type(METRICS_CONTENT_TYPE).send(text);
    },
  );
}
