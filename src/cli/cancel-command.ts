import type { AppConfig } from '../runtime/app-config.ts';
import { InputError } from '../errors/input-error.ts';
import { connectProducer, createRedisConnection } from '../queue/redis-connection.ts';
import { cancelRender } from '../producer/cancel-render.ts';
import { assertRenderId } from '../render/render-id.ts';
import { RenderStore } from '../render/render-store.ts';

/**
 * Cancels a render and prints `{id, status}` as JSON. Exit 0 when it is cancelled (now or
 * before), 1 when it had already completed or failed (nothing changes), 2 for an unknown id.
 */
export async function cancelCommand(id: string, config: AppConfig): Promise<number> {
  assertRenderId(id);
  const connection = createRedisConnection(config.REDIS_URL, 'producer');
  connection.on('error', () => undefined); // surfaced by the command that fails
  try {
    await connectProducer(connection, config.REDIS_URL);
    const store = new RenderStore(connection, config.QUEUE_PREFIX, { retentionDays: config.RENDER_RETENTION_DAYS });
    const status = await cancelRender({ connection, prefix: config.QUEUE_PREFIX, store }, id);
    if (status === null) throw new InputError('id', `no render with id "${id}"`, id);
    process.stdout.write(`${JSON.stringify({ id, status })}\n`);
    if (status === 'cancelled') return 0;
    process.stderr.write(`tts-batch: render ${id} had already ${status === 'completed' ? 'completed' : 'failed'}; nothing to cancel\n`);
    return 1;
  } finally {
    await connection.quit().catch(() => undefined);
  }
}
