import { z } from 'zod';
import { readWorkerHeartbeats } from '../../runtime/worker-heartbeat.ts';
import { providerReadiness, providerReadinessSchema } from '../provider-readiness.ts';
import type { ApiContext } from '../api-context.ts';
import type { ApiApp } from '../api-app.ts';

const notReadySchema = z.object({ status: z.literal('unavailable'), reason: z.string() });
const REDIS_PING_TIMEOUT_MS = 2000;

/**
 * GET /healthz: the process is alive (no Redis needed; for restarts).
 * GET /readyz: Redis answers and some worker fetched jobs within READY_WORKER_MAX_AGE_MS (for
 * load balancers: renders sent here would be picked up).
 */
export function healthRoutes(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/healthz',
    { schema: { summary: 'Liveness: the process answers', tags: ['health'], response: { 200: z.object({ status: z.literal('ok') }) } } },
    () => ({ status: 'ok' as const }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        summary: 'Readiness: Redis answers and a worker is fetching jobs',
        tags: ['health'],
        response: {
          200: z.object({
            status: z.literal('ready'),
            workers: z.number().int().describe('worker processes with a fresh heartbeat'),
            providers: providerReadinessSchema,
          }),
          503: notReadySchema.describe('reason says what is missing'),
        },
      },
    },
    async (_request, reply) => {
      const maxAge = ctx.config.READY_WORKER_MAX_AGE_MS;
      let heartbeats;
      try {
        await withTimeout(ctx.redis.ping(), REDIS_PING_TIMEOUT_MS);
        heartbeats = await withTimeout(readWorkerHeartbeats(ctx.redis, ctx.prefix), REDIS_PING_TIMEOUT_MS);
      } catch (error) {
        return reply
          .code(503)
          .send({ status: 'unavailable', reason: `Redis does not answer: ${error instanceof Error ? error.message : String(error)}` });
      }
      const now = Date.now();
      const fresh = heartbeats.filter((heartbeat) => heartbeat.lastFetchAt > 0 && now - heartbeat.lastFetchAt <= maxAge);
      if (fresh.length === 0) {
        const newest = Math.max(0, ...heartbeats.map((heartbeat) => heartbeat.lastFetchAt));
        const seen = newest > 0 ? `; the newest fetch was ${Math.round((now - newest) / 1000)} s ago` : '';
        const reason = `no worker has fetched jobs in the last ${Math.round(maxAge / 1000)} s (READY_WORKER_MAX_AGE_MS; ${heartbeats.length} worker process(es) registered${seen})`;
        return reply.code(503).send({ status: 'unavailable', reason });
      }
      return reply.code(200).send({ status: 'ready', workers: fresh.length, providers: providerReadiness(heartbeats) });
    },
  );
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
