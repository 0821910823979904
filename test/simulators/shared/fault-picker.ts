import { seededRandom } from '../../support/seeded-random.ts';

/**
 * Deterministic fault choice: a list consumed in order (one entry per request or attempt; null =
 * no fault; past the end = no fault), or a function of what the simulator knows about the request
 * (`A`: its 1-based number, and for HTTP simulators its parsed body).
 */
export type FaultPlan<F, A extends unknown[]> = readonly (F | null | undefined)[] | ((...args: A) => F | null | undefined);

export interface RandomFaults<F> {
  /** Share of requests faulted, in [0, 1]. */
  rate: number;
  seed: number;
  /** Default: the simulator's own list of what a healthy client must survive. */
  kinds?: readonly F[];
}

/**
 * A plan function drawing seeded random faults. `defaultKinds` is asked per request, so a
 * simulator can pick its list by what the request asked for.
 */
export function randomFaultPlan<F, A extends unknown[]>(
  options: RandomFaults<F>,
  defaultKinds: (...args: A) => readonly F[],
): (...args: A) => F | undefined {
  if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError(`fault rate must be in [0, 1], got ${options.rate}`);
  if (options.kinds?.length === 0) throw new RangeError('fault kinds must not be empty');
  const next = seededRandom(options.seed);
  return (...args) => {
    const kinds = options.kinds ?? defaultKinds(...args);
    // Always draw twice so one request's outcome does not shift the next request's draw.
    const faulted = next() < options.rate;
    const which = Math.floor(next() * kinds.length);
    return faulted ? kinds[which] : undefined;
  };
}

/** Picks the fault of each request in arrival order; the same plan and seed give the same run. */
export class FaultPicker<F, A extends unknown[]> {
  readonly #defaultKinds: (...args: A) => readonly F[];
  #plan: FaultPlan<F, A> | undefined;
  /** Entries of a list plan already handed out: a list is consumed from where `set` left it. */
  #used = 0;

  constructor(defaultKinds: readonly F[] | ((...args: A) => readonly F[]), plan?: FaultPlan<F, A> | RandomFaults<F>) {
    this.#defaultKinds = typeof defaultKinds === 'function' ? defaultKinds : () => defaultKinds;
    this.set(plan);
  }

  set(plan: FaultPlan<F, A> | RandomFaults<F> | undefined): void {
    this.#used = 0;
    this.#plan =
      plan === undefined || typeof plan === 'function' || Array.isArray(plan)
        ? (plan as FaultPlan<F, A> | undefined)
        : randomFaultPlan(plan as RandomFaults<F>, this.#defaultKinds);
  }

  pick(...args: A): F | undefined {
    const plan = this.#plan;
    if (plan === undefined) return undefined;
    if (typeof plan === 'function') return plan(...args) ?? undefined;
    const entry = plan[this.#used];
    this.#used += 1;
    return entry ?? undefined;
  }
}

/** The fault options every simulator takes: a fixed plan, or a rate (which wins) with its seed. */
export interface FaultOptions<F, A extends unknown[]> {
  faults?: FaultPlan<F, A>;
  faultRate?: number;
  seed?: number;
  faultKinds?: readonly F[];
}

/** The plan those options ask for; the seed defaults to 1 so a rate alone still repeats. */
export function faultPlanOf<F, A extends unknown[]>(options: FaultOptions<F, A>): FaultPlan<F, A> | RandomFaults<F> | undefined {
  return options.faultRate === undefined
    ? options.faults
    : { rate: options.faultRate, seed: options.seed ?? 1, ...(options.faultKinds ? { kinds: options.faultKinds } : {}) };
}
