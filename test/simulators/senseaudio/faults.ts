import { seededRandom } from '../../support/seeded-random.ts';

/**
 * One injected failure (or stress) for one request. Where it applies:
 * - before anything: `reset` (socket destroyed at once), `slowFirstByte` (delay, then carry on);
 * - instead of the answer: `auth401`, `http429`, `http5xx`, `code1002`, `code1000`, `business`;
 * - inside the SSE stream: `cutStream` (socket destroyed after N status-1 events), `stallStream`
 *   (N events then silence, socket kept open), `splitJson` (events written in tiny pieces; not an
 *   error), and the business kinds with `in: 'sse'` (an error event after N audio events).
 */
export type SenseAudioFault =
  | { kind: 'reset' }
  | { kind: 'slowFirstByte'; delayMs: number }
  | { kind: 'auth401' }
  | { kind: 'http429'; /** seconds, or an HTTP date; absent = no Retry-After header */ retryAfter?: number | string }
  | { kind: 'http5xx'; status: 500 | 502 | 503 | 504; retryAfter?: number | string }
  | ({ kind: 'code1002' } & BusinessPlacement)
  | ({ kind: 'code1000' } & BusinessPlacement)
  | ({ kind: 'business'; code: number; message?: string } & BusinessPlacement)
  | { kind: 'cutStream'; afterEvents: number }
  | { kind: 'stallStream'; afterEvents: number }
  | { kind: 'splitJson'; pieceBytes?: number };

export interface BusinessPlacement {
  /** 'json' (default): HTTP 200 with a JSON body; 'sse': an SSE event after `afterEvents` audio events. */
  in?: 'json' | 'sse';
  afterEvents?: number;
}

export type SenseAudioFaultKind = SenseAudioFault['kind'];

/**
 * Deterministic fault choice per request: a list consumed in order (one entry per request; null =
 * no fault; past the end = no fault), or a function of the 1-based request number and the body.
 */
export type FaultPlan =
  | readonly (SenseAudioFault | null | undefined)[]
  | ((requestNumber: number, body: unknown) => SenseAudioFault | null | undefined);

/** Faults drawn at random (seeded) in rate mode: everything a healthy client must survive. */
export const DEFAULT_RANDOM_FAULTS: readonly SenseAudioFault[] = [
  { kind: 'http429', retryAfter: 1 },
  { kind: 'http429' },
  { kind: 'code1002' },
  { kind: 'http5xx', status: 500 },
  { kind: 'http5xx', status: 502 },
  { kind: 'http5xx', status: 503 },
  { kind: 'http5xx', status: 504 },
  { kind: 'code1000' },
  { kind: 'code1000', in: 'sse', afterEvents: 1 },
  { kind: 'cutStream', afterEvents: 1 },
  { kind: 'reset' },
  { kind: 'splitJson' },
  { kind: 'slowFirstByte', delayMs: 300 },
];

export interface RandomFaults {
  /** Share of requests faulted, in [0, 1]. */
  rate: number;
  seed: number;
  kinds?: readonly SenseAudioFault[];
}

/** Picks the fault of each request in arrival order; the same plan and seed give the same run. */
export class FaultPicker {
  #plan: FaultPlan | undefined;
  #random: { rate: number; next: () => number; kinds: readonly SenseAudioFault[] } | undefined;
  /** Entries of a list plan already handed out: a list is consumed from where `set` left it. */
  #used = 0;

  constructor(plan?: FaultPlan | RandomFaults) {
    this.set(plan);
  }

  set(plan: FaultPlan | RandomFaults | undefined): void {
    this.#plan = undefined;
    this.#random = undefined;
    this.#used = 0;
    if (plan === undefined || typeof plan === 'function' || Array.isArray(plan)) {
      this.#plan = plan as FaultPlan | undefined;
      return;
    }
    const random = plan as RandomFaults;
    if (!(random.rate >= 0 && random.rate <= 1)) throw new RangeError(`fault rate must be in [0, 1], got ${random.rate}`);
    const kinds = random.kinds ?? DEFAULT_RANDOM_FAULTS;
    if (kinds.length === 0) throw new RangeError('fault kinds must not be empty');
    this.#random = { rate: random.rate, next: seededRandom(random.seed), kinds };
  }

  /** The fault for request `requestNumber` (1-based, in arrival order). */
  pick(requestNumber: number, body: unknown): SenseAudioFault | undefined {
    if (this.#random) {
      const { rate, next, kinds } = this.#random;
      // Always draw twice so one request's outcome does not shift the next request's draw.
      const faulted = next() < rate;
      const which = Math.floor(next() * kinds.length);
      return faulted ? kinds[which] : undefined;
    }
    const plan = this.#plan;
    if (plan === undefined) return undefined;
    if (typeof plan === 'function') return plan(requestNumber, body) ?? undefined;
    const entry = plan[this.#used];
    this.#used += 1;
    return entry ?? undefined;
  }
}
