import type { AppConfig } from '../runtime/app-config.ts';
import { providerLimits } from '../providers/provider-limits.ts';
import { PROVIDERS } from '../providers/registry.ts';
import { connectProducer, createRedisConnection } from '../queue/redis-connection.ts';
import { bookedNow } from '../render/daily-budget.ts';

/**
 * Lists providers, their limits and whether their credentials are set (never the values); a
 * provider with PROVIDER_DAILY_BUDGET also shows what its current window has booked (read from
 * Redis, so only then is Redis needed).
 */
export async function providersCommand(config: AppConfig): Promise<number> {
  const budgets = await currentBookings(config);
  const rows = [...PROVIDERS.values()].map((d) => {
    const limits = providerLimits(d, config);
    const budget = config.PROVIDER_DAILY_BUDGET[d.name];
    return {
      name: d.name,
      description: d.description,
      maxUnitsPerRequest: limits.maxUnits,
      targetSegmentUnits: limits.targetUnits,
      formats: d.formats,
      sampleRates: d.sampleRates,
      defaultModel: d.defaultModel,
      defaultVoice: d.defaultVoice,
      credentials: d.credentialsSet(config) ? 'set' : 'missing',
      ...(config.PROVIDER_MAX_CONCURRENCY[d.name] === undefined ? {} : { maxConcurrency: config.PROVIDER_MAX_CONCURRENCY[d.name] }),
      ...(budget === undefined
        ? {}
        : { budget: { unitsPerWindow: budget, windowMs: config.BUDGET_WINDOW_MS, bookedThisWindow: budgets.get(d.name) ?? 0 } }),
    };
  });
  process.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
  return 0;
}

async function currentBookings(config: AppConfig): Promise<Map<string, number>> {
  const names = Object.keys(config.PROVIDER_DAILY_BUDGET);
  const booked = new Map<string, number>();
  if (names.length === 0) return booked;
  const connection = createRedisConnection(config.REDIS_URL, 'producer');
  connection.on('error', () => undefined);
  try {
    await connectProducer(connection, config.REDIS_URL);
    for (const name of names)
      booked.set(
        name,
        await bookedNow(connection, config.QUEUE_PREFIX, {
          provider: name,
          unitsPerWindow: config.PROVIDER_DAILY_BUDGET[name] ?? 0,
          windowMs: config.BUDGET_WINDOW_MS,
        }),
      );
    return booked;
  } finally {
    await connection.quit().catch(() => connection.disconnect());
  }
}
