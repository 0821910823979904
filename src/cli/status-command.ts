import { budgetWait } from '../render/daily-budget.ts';
import { Queue } from 'bullmq';
import type { AppConfig } from '../runtime/app-config.ts';
import { InputError } from '../errors/input-error.ts';
import { STITCH_QUEUE } from '../queue/queue-names.ts';
import { connectProducer, createRedisConnection } from '../queue/redis-connection.ts';
import { assertRenderId } from '../render/render-id.ts';
import { getRenderStatus, progressOf, renderBasics } from '../render/render-status.ts';
import { RenderStore } from '../render/render-store.ts';
import { waitingReason } from '../runtime/waiting-reason.ts';

/** Prints a render's state as JSON on stdout. Exit 0 whatever the state; 2 for an unknown id. */
export async function statusCommand(id: string, config: AppConfig): Promise<number> {
  assertRenderId(id);
  const connection = createRedisConnection(config.REDIS_URL, 'producer');
  connection.on('error', () => undefined);
  try {
    await connectProducer(connection, config.REDIS_URL);
    const queue = new Queue(STITCH_QUEUE, { connection, prefix: config.QUEUE_PREFIX });
    const state = await getRenderStatus(
      new RenderStore(connection, config.QUEUE_PREFIX, { retentionDays: config.RENDER_RETENTION_DAYS }),
      queue,
      id,
    ).finally(() => queue.close());
    if (!state) throw new InputError('id', `no render with id "${id}"`, id);
    const { spec } = state;
    const waiting =
      state.status === 'queued' || state.status === 'running'
        ? (budgetWait(spec.budget) ?? (await waitingReason(connection, config.QUEUE_PREFIX, spec.provider)))
        : undefined;
    const report = {
      id,
      status: state.status,
      provider: spec.provider,
      ...renderBasics(state),
      progress: progressOf(state),
      ...(state.result ? { result: state.result } : {}),
      ...(state.error ? { error: state.error } : {}),
      ...(waiting ? { waiting } : {}),
    };
    process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    return 0;
  } finally {
    await connection.quit().catch(() => undefined);
  }
}
