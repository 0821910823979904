import type { AppConfig } from '../runtime/app-config.ts';
import { checkUnusedDays, pruneSegments } from '../cache/prune-segments.ts';
import { evictSegments, type EvictTarget } from '../cache/evict-segments.ts';
import type { CacheReport } from '../cache/cache-report.ts';
import { InputError } from '../errors/input-error.ts';
import { connectProducer, createRedisConnection } from '../queue/redis-connection.ts';
import { RenderStore } from '../render/render-store.ts';
import { openStorage } from '../storage/open-storage.ts';

export interface CacheEvictOptions {
  render?: string;
  out: string;
  dryRun?: boolean;
}

export interface CachePruneOptions {
  unusedDays?: number;
  out: string;
  dryRun?: boolean;
}

/** `cache evict --render ID | KEY`: prints the report as JSON on stdout, a one-line summary on stderr. */
export async function cacheEvictCommand(key: string | undefined, opts: CacheEvictOptions, config: AppConfig): Promise<number> {
  if ((key === undefined) === (opts.render === undefined))
    throw new InputError('render', 'give either --render ID or a segment KEY, not both or neither');
  const target: EvictTarget = opts.render === undefined ? { key: key ?? '' } : { render: opts.render };
  return withCache(opts.out, config, (store, storage) => evictSegments({ storage, store, target, dryRun: opts.dryRun ?? false }));
}

/** `cache prune --unused-days N`: prints the report as JSON on stdout, a one-line summary on stderr. */
export async function cachePruneCommand(opts: CachePruneOptions, config: AppConfig): Promise<number> {
  const unusedDays = checkUnusedDays(opts.unusedDays);
  return withCache(opts.out, config, (store, storage) => pruneSegments({ storage, store, unusedDays, dryRun: opts.dryRun ?? false }));
}

async function withCache(
  out: string,
  config: AppConfig,
  run: (store: RenderStore, storage: ReturnType<typeof openStorage>) => Promise<CacheReport>,
): Promise<number> {
  const storage = openStorage(out, config);
  const connection = createRedisConnection(config.REDIS_URL, 'producer');
  connection.on('error', () => undefined); // surfaced by the command that fails
  try {
    // Redis is required: which renders are still running decides what may go.
    await connectProducer(connection, config.REDIS_URL);
    const report = await run(new RenderStore(connection, config.QUEUE_PREFIX, { retentionDays: config.RENDER_RETENTION_DAYS }), storage);
    process.stdout.write(`${JSON.stringify(report)}\n`);
    const verb = report.dryRun ? 'would free' : 'freed';
    process.stderr.write(
      `tts-batch: ${verb} ${report.deletedObjects} objects, ${report.deletedBytes} bytes in ${storage.url}; kept ${report.keptObjects} (${report.keptBytes} bytes)\n`,
    );
    return 0;
  } finally {
    await connection.quit().catch(() => undefined);
    await storage.close();
  }
}
