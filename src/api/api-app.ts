import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorBodySchema } from './errors.ts';

/** The Fastify instance routes are added to: request and reply types come from their zod schemas. */
export type ApiApp = FastifyInstance<
  RawServerDefault,
  RawRequestDefaultExpression,
  RawReplyDefaultExpression,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export const renderIdParams = z.object({ id: z.string().describe('render id') });

/** Every /v1 route: Bearer token. */
export const BEARER_SECURITY = [{ bearerAuth: [] }];

/** The error answers a /v1 route can give besides its own. */
export const commonErrors = {
  400: errorBodySchema.describe('invalid input: names each bad field and the rule it broke'),
  401: errorBodySchema.describe('missing or wrong Bearer token'),
  503: errorBodySchema.describe('Redis cannot be reached (Retry-After)'),
} as const;
