import type { AppConfig } from '../runtime/app-config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { createLogger } from '../util/logger.ts';
import { startWorkers } from '../worker/start-workers.ts';
import { scheduledBookRenderer } from './schedule-book-renderer.ts';

export interface WorkerCommandOptions {
  providers?: string[];
  shutdownTimeout: number;
}

/** Runs synthesize and stitch workers until SIGTERM/SIGINT, then shuts down gracefully. */
export async function workerCommand(opts: WorkerCommandOptions, config: AppConfig): Promise<number> {
  const logger = createLogger(config.LOG_LEVEL ?? 'info');
  const runtime = await startWorkers({
    config,
    logger,
    ...(opts.providers ? { providers: opts.providers } : {}),
    // Schedule runs prepare each book exactly as `tts-batch render` does.
    renderScheduledBook: scheduledBookRenderer(config),
  });
  if (runtime.providers.length === 0) {
    await runtime.close();
    throw new ConfigError(
      'no provider credentials are set, so this worker would only stitch; set e.g. SENSEAUDIO_API_KEY or pass --providers',
    );
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'shutting down: finishing active jobs');
  await runtime.close(opts.shutdownTimeout);
  return 0;
}
