/**
 * The provider calls one worker process may have in flight (WORKER_CONCURRENCY), apart from the
 * jobs it holds. The worker takes a few more jobs than it may call the provider for, so while
 * one job makes its audio durable (fsync, rename, Redis) or looks up the cache, the next already
 * holds a job and calls the provider the moment a slot frees: the slot's idle time between two
 * provider calls shrinks to a hand-over, not a BullMQ round trip plus the durable tail.
 */
export class ProviderSlots {
  readonly size: number;
  #free: number;
  readonly #waiting: (() => void)[] = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new RangeError(`provider slots: size must be a whole number ≥ 1, got ${size}`);
    this.size = size;
    this.#free = size;
  }

  /** In flight now. */
  get busy(): number {
    return this.size - this.#free;
  }

  /**
   * Waits for a slot; the returned release may be called any number of times (once counts).
   * An abort while waiting gives up the place in line and throws the signal's reason.
   */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#free > 0) {
      this.#free -= 1;
      return this.#releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const granted = (): void => {
        signal?.removeEventListener('abort', aborted);
        resolve();
      };
      const aborted = (): void => {
        const at = this.#waiting.indexOf(granted);
        if (at >= 0) this.#waiting.splice(at, 1);
        const reason: unknown = signal?.reason;
        reject(reason instanceof Error ? reason : new Error(String(reason)));
      };
      this.#waiting.push(granted);
      signal?.addEventListener('abort', aborted, { once: true });
    });
    return this.#releaser();
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // Handed straight to the next in line: the slot never shows free in between.
      if (next) next();
      else this.#free += 1;
    };
  }
}

/** Jobs a worker holds beyond its provider slots: a quarter more, at least one. */
export function jobLookahead(slots: number): number {
  return Math.max(1, Math.ceil(slots / 4));
}
