import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { synthesizeQueueName } from '../queue/queue-names.ts';

/**
 * The providers' synthesize queues, opened on first use: a stitch that sends a damaged segment
 * back to synthesis adds the job to that render's provider queue, which this process may not serve.
 */
export class SynthesizeQueues {
  readonly #connection: Redis;
  readonly #prefix: string;
  readonly #queues = new Map<string, Queue>();

  constructor(connection: Redis, prefix: string) {
    this.#connection = connection;
    this.#prefix = prefix;
  }

  get(provider: string): Queue {
    let queue = this.#queues.get(provider);
    if (queue === undefined) {
      queue = new Queue(synthesizeQueueName(provider), { connection: this.#connection, prefix: this.#prefix });
      this.#queues.set(provider, queue);
    }
    return queue;
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.#queues.values()].map((queue) => queue.close()));
    this.#queues.clear();
  }
}
