import { pino } from 'pino';
import { ListenError } from '../api/listen-error.ts';
import { buildApiServer } from '../api/server.ts';
import type { AppConfig } from '../runtime/app-config.ts';

export interface ApiCommandOptions {
  /** How long requests in flight may finish after SIGTERM before their connections are cut. */
  shutdownTimeout: number;
}

/**
 * Serves the HTTP API on API_HOST:PORT until SIGTERM/SIGINT, then stops taking requests, ends
 * event streams, lets requests in flight finish (up to the timeout) and closes Redis.
 * Refuses to start (ConfigError) when no API token is configured, and exits (ListenError) when
 * the address cannot be bound.
 */
export async function apiCommand(opts: ApiCommandOptions, config: AppConfig): Promise<number> {
  // Logs go to stderr, as everywhere in tts-batch (Fastify would write to stdout).
  const app = await buildApiServer({ config, logStream: pino.destination(2) });
  if (config.API_OUTPUT_ROOT === undefined && config.API_OUTPUT_ANY) {
    app.log.warn('API_OUTPUT_ANY=true and API_OUTPUT_ROOT is not set: API callers may name any output folder this process can write to');
  }
  const signal = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  try {
    await app.listen({ port: config.PORT, host: config.API_HOST });
  } catch (error) {
    // Redis connections would keep the process alive, serving nothing: close them and say why.
    await app.close().catch(() => undefined);
    throw new ListenError(config.API_HOST, config.PORT, error);
  }
  app.log.info({ signal: await signal }, 'shutting down: finishing requests in flight');
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), opts.shutdownTimeout);
  });
  const closing = app.close();
  if ((await Promise.race([closing.then(() => 'closed' as const), timedOut])) === 'timeout') {
    app.log.warn({ timeoutMs: opts.shutdownTimeout }, 'requests still in flight; closing their connections');
    app.server.closeAllConnections();
    await closing;
  }
  clearTimeout(timer);
  return 0;
}
