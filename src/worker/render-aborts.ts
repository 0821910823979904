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
}

/** The abort reason a provider call sees when its render ended (cancelled or failed elsewhere). */
export class RenderEndedError extends TtsBatchError {
  readonly renderId: string;

  constructor(renderId: string, reason: string) {
    super('RENDER_ENDED', `render ${renderId} ${reason}`, { value: renderId, retryable: false });
    this.renderId = renderId;
  }
}
