import { WaitingError, type Job, type Worker } from 'bullmq';
import type { Logger } from 'pino';
import { ProviderError } from '../errors/provider-error.ts';

/** Why a worker process cannot serve a provider right now (shown in its heartbeat). */
export interface Misconfiguration {
  /** Epoch ms of the first refusal in this spell. */
  since: number;
  /** The provider's refusal, as ProviderError words it (never the key itself). */
  reason: string;
  /** A refused key, or a task query route that does not exist (302.AI's UNCONFIRMED paths). */
  cause: MisconfigurationCause;
}

export type MisconfigurationCause = 'credentials' | 'route';

export interface CredentialGuardOptions {
  provider: string;
  /** This process's Worker for the provider's queue: the only thing that pauses. */
  worker: Worker;
  /** Concurrency to restore once a probe succeeds. */
  concurrency: number;
  firstRecheckMs: number;
  maxRecheckMs: number;
  logger: Logger;
  /** Called when the state flips either way (the heartbeat is rewritten at once). */
  onChange: () => void;
  /**
   * Who reports the refusal. Default: this guard logs one error. `render --local` passes its
   * own, which fails its render with the reason (nobody else's render can be waiting there).
   */
  onRefused?: (provider: string, reason: string) => void;
}

/**
 * An auth or permission refusal, or a route that does not exist (a task provider's query path):
 * the worker's configuration is wrong, not the job.
 */
export function isCredentialFailure(error: unknown): error is ProviderError {
  return error instanceof ProviderError && (error.credentials || error.route);
}

/**
 * Keeps a worker with refused credentials from failing other people's renders. On a refusal
 * the job goes back to the queue untouched (no attempt spent) and this process's Worker for
 * that provider pauses; every other worker keeps going. After a back-off (doubling, capped) it
 * resumes with concurrency 1, so the next job is the probe: success restores it, another
 * refusal pauses it again for longer. A 401 bills nothing, so a probe costs no characters.
 */
export class CredentialGuard {
  readonly #options: CredentialGuardOptions;
  #misconfigured: Misconfiguration | undefined;
  #pauses = 0;
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(options: CredentialGuardOptions) {
    this.#options = options;
  }

  get misconfigured(): Misconfiguration | undefined {
    return this.#misconfigured;
  }

  /** Hands the job back to the queue and pauses this worker; always throws WaitingError. */
  async refused(job: Job, token: string | undefined, error: ProviderError): Promise<never> {
    const { worker, logger, provider } = this.#options;
    if (!this.#misconfigured) {
      this.#misconfigured = { since: Date.now(), reason: error.message, cause: error.route ? 'route' : 'credentials' };
      this.#pauses = 0;
      if (this.#options.onRefused) this.#options.onRefused(provider, error.message);
      else
        logger.error(
          { provider, reason: error.message, recheckMs: this.#options.firstRecheckMs },
          'credentials or route refused; this worker stops taking jobs for this provider until they work',
        );
      this.#options.onChange();
    }
    // Pause before handing the job back, so this worker cannot fetch it again. Jobs it already
    // holds (concurrency > 1) come here too, and wait for the timer already set.
    await worker.pause(true);
    this.#scheduleRecheck();
    await job.moveToWait(token);
    throw new WaitingError();
  }

  /** A provider call of this worker succeeded: its credentials work (again). */
  accepted(): void {
    if (!this.#misconfigured) return;
    const { worker, logger, provider } = this.#options;
    logger.info({ provider, misconfiguredMs: Date.now() - this.#misconfigured.since }, 'credentials accepted again; serving this provider');
    this.#misconfigured = undefined;
    this.#pauses = 0;
    // A job taken before the pause can be the one that succeeds: the re-check is moot then, and
    // the worker must take jobs again now, not when that timer fires.
    clearTimeout(this.#timer);
    this.#timer = undefined;
    worker.concurrency = this.#options.concurrency;
    if (!this.#closed) void worker.resume();
    this.#options.onChange();
  }

  close(): void {
    this.#closed = true;
    clearTimeout(this.#timer);
  }

  #scheduleRecheck(): void {
    if (this.#timer !== undefined || this.#closed) return;
    const { firstRecheckMs, maxRecheckMs, worker, logger, provider } = this.#options;
    const waitMs = Math.min(maxRecheckMs, firstRecheckMs * 2 ** this.#pauses);
    this.#pauses += 1;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      if (this.#closed) return;
      logger.debug({ provider, waitedMs: waitMs }, 're-checking refused credentials with one job');
      // One slot probes a key still refused; a key accepted meanwhile gets every slot back.
      worker.concurrency = this.#misconfigured ? 1 : this.#options.concurrency;
      void worker.resume();
    }, waitMs);
    this.#timer.unref();
  }
}
