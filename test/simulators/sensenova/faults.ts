import { seededRandom } from '../../support/seeded-random.ts';

/**
 * One injected failure (or stress) for one POST /audio/speech_fusion. Where it applies:
 * - before anything: `reset` (socket destroyed at once), `slowFirstByte` (delay, then carry on);
 * - instead of the answer: `auth401`, `jwtExpired` (401 "token expired", as a server whose clock
 *   runs ahead would answer a valid token), `http429`, `http5xx`, `error200` (HTTP 200 whose body
 *   is an error);
 * - inside the answer: `cutStream` (socket destroyed after N audio events, or halfway through a
 *   JSON answer), `stallStream` (N events then silence), `noDone` (every event, the final one
 *   included, then a clean end without `data: [DONE]`), `doneEarly` (N audio events, then
 *   `data: [DONE]` with no final event), `badChunk` (one audio chunk that is
 *   neither hex nor `base64:`);
 * - url mode, on the download of the link: `urlGone` (403 or 404), `cutDownload` (half the file).
 */
export type SenseNovaFault =
  | { kind: 'reset' }
  | { kind: 'slowFirstByte'; delayMs: number }
  | { kind: 'auth401' }
  | { kind: 'jwtExpired' }
  | { kind: 'http429'; /** seconds, or an HTTP date; absent = no Retry-After header */ retryAfter?: number | string }
  | { kind: 'http5xx'; status: 500 | 502 | 503 | 504; retryAfter?: number | string }
  | { kind: 'error200'; code?: number | string; message?: string }
  | { kind: 'cutStream'; afterEvents: number }
  | { kind: 'stallStream'; afterEvents: number }
  | { kind: 'noDone' }
  | { kind: 'doneEarly'; afterEvents: number }
  | { kind: 'badChunk'; atEvent?: number }
  | { kind: 'urlGone'; status: 403 | 404 }
  | { kind: 'cutDownload' };

export type SenseNovaFaultKind = SenseNovaFault['kind'];

/**
 * Deterministic fault choice per request: a list consumed in order (one entry per request; null =
 * no fault; past the end = no fault), or a function of the 1-based request number and the body.
 */
export type FaultPlan =
  | readonly (SenseNovaFault | null | undefined)[]
  | ((requestNumber: number, body: unknown) => SenseNovaFault | null | undefined);

/** Random faults (seeded): everything a healthy client must survive, for streamed answers. */
export const STREAM_RANDOM_FAULTS: readonly SenseNovaFault[] = [
  { kind: 'http429', retryAfter: 1 },
  { kind: 'http429' },
  { kind: 'http5xx', status: 500 },
  { kind: 'http5xx', status: 502 },
  { kind: 'http5xx', status: 503 },
  { kind: 'http5xx', status: 504 },
  { kind: 'cutStream', afterEvents: 1 },
  { kind: 'noDone' },
  { kind: 'reset' },
  { kind: 'slowFirstByte', delayMs: 300 },
];

/** The same for url mode: the link may be gone or the download cut. */
export const URL_RANDOM_FAULTS: readonly SenseNovaFault[] = [
  { kind: 'http429', retryAfter: 1 },
  { kind: 'http5xx', status: 503 },
  { kind: 'http5xx', status: 502 },
  { kind: 'cutStream', afterEvents: 0 },
  { kind: 'cutDownload' },
  { kind: 'reset' },
  { kind: 'slowFirstByte', delayMs: 300 },
];

export interface RandomFaults {
  /** Share of requests faulted, in [0, 1]. */
  rate: number;
  seed: number;
  /** Default: STREAM_RANDOM_FAULTS or URL_RANDOM_FAULTS, by what the request asked for. */
  kinds?: readonly SenseNovaFault[];
}

/** A FaultPlan function drawing seeded random faults; compose it with fixed faults in a test. */
export function randomFaults(options: RandomFaults): (requestNumber: number, body: unknown) => SenseNovaFault | undefined {
  if (!(options.rate >= 0 && options.rate <= 1)) throw new RangeError(`fault rate must be in [0, 1], got ${options.rate}`);
  if (options.kinds?.length === 0) throw new RangeError('fault kinds must not be empty');
  const next = seededRandom(options.seed);
  return (_requestNumber, body) => {
    const kinds = options.kinds ?? (isUrlRequest(body) ? URL_RANDOM_FAULTS : STREAM_RANDOM_FAULTS);
    // Always draw twice so one request's outcome does not shift the next request's draw.
    const faulted = next() < options.rate;
    const which = Math.floor(next() * kinds.length);
    return faulted ? kinds[which] : undefined;
  };
}

/** Picks the fault of each request in arrival order; the same plan and seed give the same run. */
export class FaultPicker {
  #plan: FaultPlan | undefined;
  /** Entries of a list plan already handed out: a list is consumed from where `set` left it. */
  #used = 0;

  constructor(plan?: FaultPlan | RandomFaults) {
    this.set(plan);
  }

  set(plan: FaultPlan | RandomFaults | undefined): void {
    this.#used = 0;
    this.#plan = plan === undefined || typeof plan === 'function' || Array.isArray(plan) ? (plan as FaultPlan | undefined) : randomFaults(plan as RandomFaults);
  }

  pick(requestNumber: number, body: unknown): SenseNovaFault | undefined {
    const plan = this.#plan;
    if (plan === undefined) return undefined;
    if (typeof plan === 'function') return plan(requestNumber, body) ?? undefined;
    const entry = plan[this.#used];
    this.#used += 1;
    return entry ?? undefined;
  }
}

function isUrlRequest(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).output_format === 'url';
}
