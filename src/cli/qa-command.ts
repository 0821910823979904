import type { AppConfig } from '../runtime/app-config.ts';
import { InputError } from '../errors/input-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { connectProducer, createRedisConnection } from '../queue/redis-connection.ts';
import type { Manifest } from '../render/manifest.ts';
import { assertRenderId } from '../render/render-id.ts';
import { RenderStore } from '../render/render-store.ts';
import { openStorage } from '../storage/open-storage.ts';
import type { Storage } from '../storage/storage.ts';
import { flaggedSegments, formatQaReport } from './format-qa-report.ts';

/**
 * `tts-batch qa ID`: the flagged segments of a finished render (no take passed its checks; the
 * best was kept), each with its time in the book file, the checks that failed and its text, so
 * a person listens to exactly those. `--json`: the same as a JSON array. Exit 0 when none is
 * flagged, 1 when some are (a script can gate on it), 2 for an unknown or unfinished render.
 */
export async function qaCommand(id: string, opts: { json?: boolean }, config: AppConfig): Promise<number> {
  assertRenderId(id);
  const connection = createRedisConnection(config.REDIS_URL, 'producer');
  connection.on('error', () => undefined);
  try {
    await connectProducer(connection, config.REDIS_URL);
    const store = new RenderStore(connection, config.QUEUE_PREFIX, { retentionDays: config.RENDER_RETENTION_DAYS });
    const state = await store.get(id);
    if (!state) throw new InputError('id', `no render with id "${id}"`, id);
    if (state.status !== 'completed' || state.result === undefined)
      throw new InputError('id', `render "${id}" is ${state.status}: its checks are reported once it has completed`, id);
    const storage = openStorage(state.spec.output, config);
    try {
      const manifest = await readManifest(storage, state.result.manifest);
      const flagged = flaggedSegments(manifest, await store.outline(id));
      process.stdout.write(opts.json ? `${JSON.stringify(flagged, null, 2)}\n` : formatQaReport(manifest, flagged));
      return flagged.length === 0 ? 0 : 1;
    } finally {
      await storage.close();
    }
  } finally {
    await connection.quit().catch(() => undefined);
  }
}

async function readManifest(storage: Storage, url: string): Promise<Manifest> {
  const prefix = `${storage.url}/`;
  if (!url.startsWith(prefix))
    throw new TtsBatchError('MANIFEST_UNREADABLE', `the manifest ${url} is not under the render's output ${storage.url}`, {
      retryable: false,
      value: url,
    });
  const parts: Uint8Array[] = [];
  for await (const chunk of storage.get(url.slice(prefix.length))) parts.push(chunk);
  return JSON.parse(Buffer.concat(parts).toString('utf8')) as Manifest;
}
