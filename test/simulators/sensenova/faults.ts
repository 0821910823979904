import {
  FaultPicker as SharedFaultPicker,
  randomFaultPlan,
  type FaultPlan as SharedFaultPlan,
  type RandomFaults as SharedRandomFaults,
} from '../shared/fault-picker.ts';
import type { BadTakeFault } from '../shared/take-faults.ts';

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
 * - url mode, on the download of the link: `urlGone` (403 or 404), `cutDownload` (half the file);
 * - a successful answer whose audio is valid but a bad reading: `badTake` (../shared/take-faults.ts),
 *   streamed, inline or behind the link alike, extra_info describing the audio sent. Never drawn
 *   at random: the `takeFaults` option spoils a share of takes.
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
  | { kind: 'cutDownload' }
  | BadTakeFault;

export type SenseNovaFaultKind = SenseNovaFault['kind'];

/** See the shared FaultPlan: one entry per request, or a function of its 1-based number and body. */
export type FaultPlan = SharedFaultPlan<SenseNovaFault, [requestNumber: number, body: unknown]>;

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

/** Kinds default to STREAM_RANDOM_FAULTS or URL_RANDOM_FAULTS, by what the request asked for. */
export type RandomFaults = SharedRandomFaults<SenseNovaFault>;

function defaultKinds(_requestNumber: number, body: unknown): readonly SenseNovaFault[] {
  return isUrlRequest(body) ? URL_RANDOM_FAULTS : STREAM_RANDOM_FAULTS;
}

/** A FaultPlan function drawing seeded random faults; compose it with fixed faults in a test. */
export function randomFaults(options: RandomFaults): (requestNumber: number, body: unknown) => SenseNovaFault | undefined {
  return randomFaultPlan(options, defaultKinds);
}

/** Picks the fault of each request in arrival order; the same plan and seed give the same run. */
export class FaultPicker extends SharedFaultPicker<SenseNovaFault, [requestNumber: number, body: unknown]> {
  constructor(plan?: FaultPlan | RandomFaults) {
    super(defaultKinds, plan);
  }
}

function isUrlRequest(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as Record<string, unknown>).output_format === 'url';
}
