import { Worker, type Processor, type WorkerOptions } from 'bullmq';
import { fetchObservingBackend } from './fetch-observing-backend.ts';

/**
 * A BullMQ Worker that remembers when its fetch loop last made a round trip to Redis.
 *
 * Worker events alone cannot tell: an idle worker emits 'drained' once and then stays silent
 * while it blocks (BZPOPMIN, `drainDelay` seconds at a time) and asks again. Every one of those
 * cycles ends in the backend's `moveToActive` on the command connection, whether it finds a job
 * or not, so a completed `moveToActive` (seen through fetchObservingBackend) proves both
 * connections answer and the loop is turning, which is what matters after a Redis failover. A
 * worker busy at full concurrency does not fetch; its finished jobs (BullMQ fetches the next job
 * as it finishes one) and its lock renewals prove it is alive instead.
 */
export class FetchObservedWorker extends Worker {
  readonly #fetches: { lastAt: number };

  constructor(name: string, processor: Processor, opts: WorkerOptions) {
    const fetches = { lastAt: 0 };
    const touch = (): void => {
      fetches.lastAt = Date.now();
    };
    // Started below, once the listeners are on.
    super(name, processor, { ...opts, autorun: false }, fetchObservingBackend(touch));
    this.#fetches = fetches;
    this.on('active', touch);
    this.on('completed', touch);
    this.on('failed', touch);
    this.on('drained', touch);
    this.on('locksRenewed', touch);
    if (opts.autorun !== false)
      this.run().catch((error: unknown) => this.emit('error', error instanceof Error ? error : new Error(String(error))));
  }

  /** Epoch ms of the last fetch round trip or job movement; 0 before the first. */
  get lastFetchAt(): number {
    return this.#fetches.lastAt;
  }
}
