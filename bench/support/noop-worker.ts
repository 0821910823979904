/**
 * A bare BullMQ worker process for the queue-overhead baseline: no-op processors on a
 * children queue and a parent queue, with the connection settings our workers use.
 *
 *   node --import tsx bench/support/noop-worker.ts <redisUrl> <prefix> <concurrency>
 *
 * Prints `ready` once both workers are connected; closes them and exits on SIGTERM.
 */
import { Worker } from 'bullmq';
import { createRedisConnection } from '../../src/queue/redis-connection.ts';

export const BARE_CHILD_QUEUE = 'bare-segment';
export const BARE_PARENT_QUEUE = 'bare-render';

async function main(): Promise<void> {
  const [redisUrl = '', prefix = '', concurrencyText = '1'] = process.argv.slice(2);
  const concurrency = Number(concurrencyText);
  const children = new Worker(BARE_CHILD_QUEUE, (job) => Promise.resolve({ index: (job.data as { index: number }).index }), {
    prefix,
    connection: createRedisConnection(redisUrl, 'worker'),
    concurrency,
  });
  const parent = new Worker(BARE_PARENT_QUEUE, () => Promise.resolve('done'), {
    prefix,
    connection: createRedisConnection(redisUrl, 'worker'),
  });
  await Promise.all([children.waitUntilReady(), parent.waitUntilReady()]);
  process.stdout.write('ready\n');
  await new Promise<void>((resolve) => process.once('SIGTERM', () => resolve()));
  await Promise.all([children.close(), parent.close()]);
  await Promise.all([children.disconnect(), parent.disconnect()]);
}

if (process.argv[1]?.endsWith('noop-worker.ts')) await main();
