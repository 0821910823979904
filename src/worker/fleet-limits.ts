import type { Queue } from 'bullmq';
import { ConfigError } from '../errors/config-error.ts';
import type { AppConfig } from '../runtime/app-config.ts';

/** The per-provider settings whose names must be providers. */
const PER_PROVIDER = ['PROVIDER_MAX_CONCURRENCY', 'PROVIDER_RATE_LIMIT', 'PROVIDER_PRICE_PER_MILLION', 'PROVIDER_DAILY_BUDGET'] as const;

/** Every per-provider setting names a known provider: a typo would otherwise leave an account's limit unset without a word. */
export function checkProviderSettings(config: AppConfig, known: readonly string[]): void {
  for (const setting of PER_PROVIDER)
    for (const name of Object.keys(config[setting]))
      if (!known.includes(name)) throw new ConfigError(`${setting}: "${name}" is not a provider (known: ${known.join(', ')})`);
}

/**
 * The provider's fleet-wide limits, applied to its queue: PROVIDER_MAX_CONCURRENCY becomes the
 * queue's global concurrency (BullMQ keeps it in Redis, and every worker's fetch script checks
 * it: the jobs active across all processes never exceed it, whatever WORKER_CONCURRENCY and the
 * number of workers); unset, any earlier value is removed, so the queue runs per-process
 * concurrency again. Every worker of a fleet is meant to share the setting; the last one
 * started wins. The rate is the worker's limiter (also queue-wide in Redis).
 */
export async function applyFleetLimits(
  queue: Queue,
  provider: string,
  config: AppConfig,
): Promise<{ maxConcurrency?: number; limiter: { max: number; duration: number } }> {
  const maxConcurrency = config.PROVIDER_MAX_CONCURRENCY[provider];
  if (maxConcurrency === undefined) await queue.removeGlobalConcurrency();
  else await queue.setGlobalConcurrency(maxConcurrency);
  const rate = config.PROVIDER_RATE_LIMIT[provider];
  return {
    ...(maxConcurrency === undefined ? {} : { maxConcurrency }),
    limiter:
      rate === undefined
        ? { max: config.RATE_LIMIT_MAX, duration: config.RATE_LIMIT_DURATION_MS }
        : { max: rate.max, duration: rate.durationMs },
  };
}
