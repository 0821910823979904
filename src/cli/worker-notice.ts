import type { Redis } from 'ioredis';
import type { RenderStatus } from '../render/render-record.ts';
import { waitingReason } from '../runtime/waiting-reason.ts';
import { isWaitingStatus } from '../render/waiting-statuses.ts';

/** How often `render --wait` reads the heartbeats (the notice is due within 10 s). */
const CHECK_EVERY_MS = 2000;

/**
 * `render --wait`: says on stderr, once, when no live worker (or none with valid credentials)
 * serves the render's provider, and once more when one does again. It only informs: the render
 * keeps waiting in the queue.
 */
export class WorkerNotice {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #provider: string;
  readonly #write: (line: string) => void;
  #checkedAt = 0;
  #said: string | undefined;

  constructor(redis: Redis, prefix: string, provider: string, write: (line: string) => void = (line) => process.stderr.write(line)) {
    this.#redis = redis;
    this.#prefix = prefix;
    this.#provider = provider;
    this.#write = write;
  }

  async check(renderId: string, status: RenderStatus): Promise<void> {
    if (!isWaitingStatus(status)) return;
    const now = Date.now();
    if (now - this.#checkedAt < CHECK_EVERY_MS) return;
    this.#checkedAt = now;
    let reason: string | undefined;
    try {
      reason = await waitingReason(this.#redis, this.#prefix, this.#provider);
    } catch {
      return; // Redis away: the caller's own read reports that.
    }
    if (reason === this.#said) return;
    if (reason !== undefined) this.#write(`tts-batch: ${reason}; render ${renderId} keeps waiting in the queue\n`);
    else this.#write(`tts-batch: a worker serves ${this.#provider} now\n`);
    this.#said = reason;
  }
}
