import { TtsBatchError } from '../errors/tts-batch-error.ts';

/**
 * The provider calls this process has in flight, by render, so a cancel (or a render failing
 * elsewhere) can abort them at once instead of paying for audio nobody will stitch.
 */
export class RenderAborts {
  readonly #active = new Map<string, Set<AbortController>>();

  /** A signal for one job's provider call; `release` when the job is done with it. */
  track(renderId: string): { signal: AbortSignal; release: () => void } {
    const controller = new AbortController();
    let set = this.#active.get(renderId);
    if (!set) {
      set = new Set();
      this.#active.set(renderId, set);
    }
    set.add(controller);
    const owner = set;
    return {
      signal: controller.signal,
      release: () => {
        owner.delete(controller);
        if (owner.size === 0 && this.#active.get(renderId) === owner) this.#active.delete(renderId);
      },
    };
  }

  /** Aborts every call of the render in flight here; returns how many there were. */
  abort(renderId: string, reason: string): number {
    const set = this.#active.get(renderId);
    if (!set) return 0;
    for (const controller of set) controller.abort(new RenderEndedError(renderId, reason));
    return set.size;
  }

  /**
   * Aborts every call in flight here, of any render: a forced shutdown, so no provider stream
   * outlives the process's shutdown timeout. Returns how many there were.
   */
  abortAll(reason: WorkerShutdownError): number {
    let count = 0;
    for (const set of this.#active.values()) {
      for (const controller of set) controller.abort(reason);
      count += set.size;
    }
    return count;
  }
}

/** The abort reason a provider call sees when its worker shuts down before the call ended. */
export class WorkerShutdownError extends TtsBatchError {
  constructor(timeoutMs: number) {
    super('WORKER_SHUTDOWN', `the worker shut down (its jobs did not finish within ${timeoutMs} ms)`, {
      retryable: true,
      value: timeoutMs,
    });
  }
}

/** The abort reason a provider call sees when its render ended (cancelled or failed elsewhere). */
export class RenderEndedError extends TtsBatchError {
  readonly renderId: string;

  constructor(renderId: string, reason: string) {
    super('RENDER_ENDED', `render ${renderId} ${reason}`, { value: renderId, retryable: false });
    this.renderId = renderId;
  }
}
