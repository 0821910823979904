import multipart from '@fastify/multipart';
import Fastify, { type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import type { DestinationStream } from 'pino';
import type { AppConfig } from '../runtime/app-config.ts';
import type { ProviderDefinition } from '../providers/provider-definition.ts';
import { PROVIDERS } from '../providers/registry.ts';
import { startEnqueueReconciler } from '../producer/enqueue-reconciler.ts';
import { createApiContext, type ApiContext } from './api-context.ts';
import { adminAuth } from './admin-auth.ts';
import { bearerAuth, createTokenVerifier } from './auth.ts';
import { registerBullBoard } from './bull-board.ts';
import { registerErrorHandling } from './errors.ts';
import { registerDocs } from './routes/docs.ts';
import { estimatesCreateRoute } from './routes/estimates-create.ts';
import { cacheAdminRoutes } from './routes/cache-admin.ts';
import { healthRoutes } from './routes/health.ts';
import { metricsRoute } from './routes/metrics.ts';
import { rendersAudioRoute } from './routes/renders-audio.ts';
import { rendersCancelRoute } from './routes/renders-cancel.ts';
import { rendersCreateRoute } from './routes/renders-create.ts';
import { rendersEventsRoute } from './routes/renders-events.ts';
import { rendersGetRoute } from './routes/renders-get.ts';
import { rendersListRoute } from './routes/renders-list.ts';
import { voicesRoute } from './routes/voices.ts';
import { scheduleRoutes } from './routes/schedules.ts';

export interface ApiServerOptions {
  config: AppConfig;
  /** Where the JSON logs go (default stderr); tests pass a stream to read them. */
  logStream?: DestinationStream;
  /** Default: LOG_LEVEL, else info. */
  logLevel?: string;
  /** The providers renders may name (default: every registered provider). A test seam. */
  providers?: ReadonlyMap<string, ProviderDefinition>;
}

/**
 * Whatever could carry a credential is redacted from logs. Request logs hold no headers to
 * begin with (Fastify's serializer logs method, url, host and address only): this is the
 * second line of defence, for anything that logs a request or its headers later.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["idempotency-key"]',
  'headers.authorization',
  'authorization',
  '*.authorization',
  'secret',
  '*.secret',
  'webhook.secret',
  'token',
  '*.token',
];

/**
 * The HTTP API: /v1 render routes (Bearer token), /healthz and /readyz, /metrics, /docs and
 * Bull Board at /admin/queues. Throws ConfigError before anything is opened when no API token
 * is configured or an output setting is unusable. Closing the instance closes its Redis
 * connections and ends open event streams.
 */
export async function buildApiServer(options: ApiServerOptions): Promise<FastifyInstance> {
  const { config } = options;
  const app = Fastify({
    logger: {
      name: 'tts-batch-api',
      level: options.logLevel ?? config.LOG_LEVEL ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      ...(options.logStream ? { stream: options.logStream } : {}),
    },
    bodyLimit: config.API_BODY_LIMIT,
  });
  const ctx = createApiContext(config, options.providers ?? PROVIDERS, app.log);
  // JSON only: a text/plain body is answered 415 and told to send JSON, not parsed as a string.
  app.removeContentTypeParser('text/plain');
  // A book file as multipart/form-data (POST /v1/renders: `book` and `request` parts); one file, bounded like a JSON body.
  await app.register(multipart, { limits: { fileSize: config.API_BODY_LIMIT, files: 1, fields: 1, parts: 2 }, throwFileSizeLimit: true });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandling(app, { bodyLimit: config.API_BODY_LIMIT, redisStatus: () => ctx.redis.status });
  // Event streams never end on their own: end them first, or closing would wait for them forever.
  app.addHook('preClose', (done) => {
    for (const stream of [...ctx.streams]) stream.end();
    done();
  });
  // Fails renders whose enqueue died between its writes (any API or worker process may do it).
  const reconciler = startEnqueueReconciler({
    connection: ctx.redis,
    prefix: ctx.prefix,
    windowMs: config.ENQUEUE_RECONCILE_MS,
    retentionDays: config.RENDER_RETENTION_DAYS,
    logger: app.log,
  });
  app.addHook('onClose', async () => {
    await reconciler.close();
    await ctx.close();
  });

  try {
    await registerRoutes(app, ctx);
  } catch (error) {
    await app.close().catch(() => undefined);
    throw error;
  }
  // Resolves either way: with Redis down the API still starts (answering 503) and reconnects.
  await ctx.firstConnect;
  return app;
}

async function registerRoutes(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  await registerDocs(app);
  const typed = app.withTypeProvider<ZodTypeProvider>();
  healthRoutes(typed, ctx);
  metricsRoute(typed, ctx);
  await typed.register(
    (v1, _opts, done) => {
      v1.addHook('onRequest', bearerAuth(ctx.verifyToken, 'the /v1 API'));
      rendersCreateRoute(v1, ctx);
      estimatesCreateRoute(v1, ctx);
      rendersListRoute(v1, ctx);
      rendersGetRoute(v1, ctx);
      rendersCancelRoute(v1, ctx);
      rendersEventsRoute(v1, ctx);
      rendersAudioRoute(v1, ctx);
      voicesRoute(v1, ctx);
      scheduleRoutes(v1, ctx);
      done();
    },
    { prefix: '/v1' },
  );
  await typed.register(
    (admin, _opts, done) => {
      admin.addHook('onRequest', adminAuth(createTokenVerifier(ctx.config.API_ADMIN_TOKENS ?? []), ctx.verifyToken));
      cacheAdminRoutes(admin, ctx);
      done();
    },
    { prefix: '/v1/cache' },
  );
  await registerBullBoard(app, ctx);
}
