import type { ProviderError } from '../errors/provider-error.ts';

/** What a job that needs a new task may do now (see TaskRouteGate). */
export type CreateVerdict =
  /** The query route has answered in this process: create freely. */
  | { action: 'create' }
  /** Create one task and poll it in this slot before anything else: it proves the query route. */
  | { action: 'probe' }
  /** Another job's probe is out: wait for its verdict without buying a task. */
  | { action: 'wait' }
  /** The query route was found wrong: create nothing until a query of a task already paid for works. */
  | { action: 'refused'; error: ProviderError };

/**
 * A task provider's query route proves itself only when a task exists to query, and every task
 * created before that first answer is paid for. So, per provider and worker process: until one
 * query has been answered, at most one task is out waiting for it (the probe, polled in the slot
 * that created it, so this process sees the verdict). A query route found wrong (a route error:
 * docs/providers/ai302.md) stops creates here until a query works again; jobs that already hold a
 * task still poll it, which costs nothing, and is how the credential guard's re-check probes.
 * One process's verdict is its own: another process proves the route for itself.
 */
export class TaskRouteGate {
  #answered = false;
  #probing = false;
  #refusal: ProviderError | undefined;

  /** Called before creating a task; a `probe` verdict must be followed by probeEnded(). */
  beforeCreate(): CreateVerdict {
    if (this.#refusal) return { action: 'refused', error: this.#refusal };
    if (this.#answered) return { action: 'create' };
    if (this.#probing) return { action: 'wait' };
    this.#probing = true;
    return { action: 'probe' };
  }

  /** The probe's create failed or its first poll came back, either way: another job may probe. */
  probeEnded(): void {
    this.#probing = false;
  }

  /** A query came back with a status: the route works. */
  answered(): void {
    this.#answered = true;
    this.#refusal = undefined;
  }

  /** A query hit a route error: the route is wrong for this process until a query works. */
  refused(error: ProviderError): void {
    this.#answered = false;
    this.#refusal = error;
  }
}
