import { seededRandom } from '../../support/seeded-random.ts';

/** A call of the protocol: create a task, query it, download its audio. */
export type Ai302Call = 'create' | 'query' | 'download';

/**
 * One injected failure, chosen when a create request arrives, for that request and the task it
 * creates. Where each applies:
 * - on the create call (no task is made): `http429`/`http5xx`/`reset` with `on: 'create'`,
 *   `auth401`, `business` (HTTP 200 carrying a failing code);
 * - on the task's first query only: `http429`/`http5xx`/`reset` with `on: 'query'`;
 * - on the task itself: `neverFinishes` (processing forever), `taskFails` (ends failed with a message);
 * - on the task's first download only: `url404`, `cutDownload` (Content-Length declared, socket
 *   destroyed partway);
 * - a delay before answering the named call (then it proceeds): `slowFirstByte`.
 * One-shot faults (first query, first download) let a retry of the same task succeed.
 */
export type Ai302Fault =
  | { kind: 'http429'; on: 'create' | 'query'; /** seconds or an HTTP date; absent = no Retry-After */ retryAfter?: number | string }
  | { kind: 'http5xx'; on: 'create' | 'query'; status: 500 | 502 | 503 | 504 }
  | { kind: 'reset'; on: 'create' | 'query' }
  | { kind: 'auth401' }
  | { kind: 'business'; code: number; message?: string }
  | { kind: 'slowFirstByte'; on: Ai302Call; delayMs: number }
  | { kind: 'neverFinishes' }
  | { kind: 'taskFails'; message?: string }
  | { kind: 'url404' }
  | { kind: 'cutDownload'; /** share of the file sent before the cut; default 0.5 */ fraction?: number };

export type Ai302FaultKind = Ai302Fault['kind'];

/**
 * Deterministic faults: a list consumed one entry per create request (null = none; past the end
 * = none), or a function of the 1-based create number and the parsed body.
 */
export type Ai302FaultPlan = readonly (Ai302Fault | null | undefined)[] | ((createNumber: number, body: unknown) => Ai302Fault | null | undefined);

export interface Ai302RandomFaults {
  /** Share of create requests given a fault, in [0, 1]. */
  rate: number;
  seed: number;
  kinds?: readonly Ai302Fault[];
}

/**
 * What a healthy client and worker must survive, drawn in rate mode. Left out: `auth401` and
 * `business` codes that are fatal by design, and `neverFinishes` (the deadline fails the render
 * on purpose); tests inject those deliberately.
 */
export const DEFAULT_RANDOM_FAULTS: readonly Ai302Fault[] = [
  { kind: 'http429', on: 'create', retryAfter: 1 },
  { kind: 'http429', on: 'create' },
  { kind: 'http429', on: 'query' },
  { kind: 'http5xx', on: 'create', status: 500 },
  { kind: 'http5xx', on: 'create', status: 502 },
  { kind: 'http5xx', on: 'query', status: 503 },
  { kind: 'reset', on: 'create' },
  { kind: 'reset', on: 'query' },
  { kind: 'business', code: 500, message: 'upstream busy' },
  { kind: 'taskFails', message: 'GPU worker lost the task' },
  { kind: 'url404' },
  { kind: 'cutDownload' },
  { kind: 'slowFirstByte', on: 'download', delayMs: 300 },
];

/** Picks each create request's fault in arrival order; the same plan and seed give the same run. */
export class Ai302FaultPicker {
  #plan: Ai302FaultPlan | undefined;
  #random: { rate: number; next: () => number; kinds: readonly Ai302Fault[] } | undefined;
  #used = 0;

  constructor(plan?: Ai302FaultPlan | Ai302RandomFaults) {
    this.set(plan);
  }

  set(plan: Ai302FaultPlan | Ai302RandomFaults | undefined): void {
    this.#plan = undefined;
    this.#random = undefined;
    this.#used = 0;
    if (plan === undefined || typeof plan === 'function' || Array.isArray(plan)) {
      this.#plan = plan as Ai302FaultPlan | undefined;
      return;
    }
    const random = plan as Ai302RandomFaults;
    if (!(random.rate >= 0 && random.rate <= 1)) throw new RangeError(`fault rate must be in [0, 1], got ${random.rate}`);
    const kinds = random.kinds ?? DEFAULT_RANDOM_FAULTS;
    if (kinds.length === 0) throw new RangeError('fault kinds must not be empty');
    this.#random = { rate: random.rate, next: seededRandom(random.seed), kinds };
  }

  pick(createNumber: number, body: unknown): Ai302Fault | undefined {
    if (this.#random) {
      const { rate, next, kinds } = this.#random;
      // Always draw twice, so one request's outcome does not shift the next one's draw.
      const faulted = next() < rate;
      const which = Math.floor(next() * kinds.length);
      return faulted ? kinds[which] : undefined;
    }
    const plan = this.#plan;
    if (plan === undefined) return undefined;
    if (typeof plan === 'function') return plan(createNumber, body) ?? undefined;
    const entry = plan[this.#used];
    this.#used += 1;
    return entry ?? undefined;
  }
}
