import { seededRandom } from '../../support/seeded-random.ts';

/**
 * One injected failure (or stress) for one connection attempt, in DashScope's own terms.
 * - at the upgrade: `upgradeRefused` (an HTTP status instead of 101; 401/403 is how a bad key
 *   fails), `resetAtUpgrade` (socket destroyed before any answer);
 * - instead of task-started: `throttling` (task-failed Throttling.RateQuota), `taskFailed`
 *   without `afterFrames`; `slowTaskStarted` delays it and carries on;
 * - during the audio, before frame `afterFrames + 1` (or before task-finished when the text
 *   has fewer sentences): `closeMidAudio` (TCP destroyed), `closeBeforeFinished` (a clean
 *   close frame), `internalErrorAfterAudio` / `taskFailed` (task-failed), `stall` (silence,
 *   socket kept open); `slowFirstFrame` only delays the first audio.
 */
export type CosyVoiceFault =
  | { kind: 'upgradeRefused'; status: 401 | 403 | 404 | 429 | 500 | 502 | 503; retryAfter?: number }
  | { kind: 'resetAtUpgrade' }
  | { kind: 'throttling'; code?: 'Throttling' | 'Throttling.RateQuota' | 'Throttling.AllocationQuota' }
  | { kind: 'taskFailed'; code: string; message?: string; afterFrames?: number }
  | { kind: 'internalErrorAfterAudio'; afterFrames: number }
  | { kind: 'closeMidAudio'; afterFrames: number }
  | { kind: 'closeBeforeFinished'; afterFrames: number }
  | { kind: 'stall'; afterFrames: number }
  | { kind: 'slowTaskStarted'; delayMs: number }
  | { kind: 'slowFirstFrame'; delayMs: number };

export type CosyVoiceFaultKind = CosyVoiceFault['kind'];

/**
 * Deterministic fault choice: a list consumed in order (one entry per connection attempt;
 * null = no fault; past the end = no fault), or a function of the 1-based attempt number.
 */
export type FaultPlan = readonly (CosyVoiceFault | null | undefined)[] | ((attempt: number) => CosyVoiceFault | null | undefined);

/** Faults drawn at random (seeded) in rate mode: everything a healthy client must survive. */
export const DEFAULT_RANDOM_FAULTS: readonly CosyVoiceFault[] = [
  { kind: 'throttling' },
  { kind: 'throttling', code: 'Throttling.AllocationQuota' },
  { kind: 'upgradeRefused', status: 503 },
  { kind: 'upgradeRefused', status: 429, retryAfter: 1 },
  { kind: 'resetAtUpgrade' },
  { kind: 'taskFailed', code: 'InternalError', message: 'internal error' },
  { kind: 'internalErrorAfterAudio', afterFrames: 1 },
  { kind: 'closeMidAudio', afterFrames: 1 },
  { kind: 'closeMidAudio', afterFrames: 3 },
  { kind: 'closeBeforeFinished', afterFrames: 2 },
  { kind: 'slowTaskStarted', delayMs: 150 },
  { kind: 'slowFirstFrame', delayMs: 150 },
];

export interface RandomFaults {
  /** Share of connection attempts faulted, in [0, 1]. */
  rate: number;
  seed: number;
  kinds?: readonly CosyVoiceFault[];
}

/** Picks the fault of each attempt in arrival order; the same plan and seed give the same run. */
export class FaultPicker {
  #plan: FaultPlan | undefined;
  #random: { rate: number; next: () => number; kinds: readonly CosyVoiceFault[] } | undefined;
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

  pick(attempt: number): CosyVoiceFault | undefined {
    if (this.#random) {
      const { rate, next, kinds } = this.#random;
      // Always draw twice so one attempt's outcome does not shift the next attempt's draw.
      const faulted = next() < rate;
      const which = Math.floor(next() * kinds.length);
      return faulted ? kinds[which] : undefined;
    }
    const plan = this.#plan;
    if (plan === undefined) return undefined;
    if (typeof plan === 'function') return plan(attempt) ?? undefined;
    const entry = plan[this.#used];
    this.#used += 1;
    return entry ?? undefined;
  }
}
