import {
  FaultPicker as SharedFaultPicker,
  type FaultPlan as SharedFaultPlan,
  type RandomFaults as SharedRandomFaults,
} from '../shared/fault-picker.ts';
import type { BadTakeFault } from '../shared/take-faults.ts';

/**
 * One injected failure (or stress) for one request. Where it applies:
 * - before anything: `reset` (socket destroyed at once), `slowFirstByte` (delay, then carry on);
 * - instead of the answer: `auth401`, `http429`, `http5xx`, `code1002`, `code1000`, `business`;
 * - inside the SSE stream: `cutStream` (socket destroyed after N status-1 events), `stallStream`
 *   (N events then silence, socket kept open), `splitJson` (events written in tiny pieces; not an
 *   error), and the business kinds with `in: 'sse'` (an error event after N audio events);
 * - a well-formed, successful answer whose audio is garbage: `badAudio` (see BadAudioVariant);
 * - a well-formed, successful answer whose audio is valid but a bad reading: `badTake` (see
 *   ../shared/take-faults.ts), in the JSON answer and the SSE stream alike, extra_info describing
 *   the audio sent. Never drawn at random: the `takeFaults` option spoils a share of takes.
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
  | { kind: 'splitJson'; pieceBytes?: number }
  | { kind: 'badAudio'; variant: BadAudioVariant }
  | BadTakeFault;

/**
 * Garbage a provider has been seen to send with status 0 and a normal final event:
 * - `empty`: no audio bytes at all;
 * - `wavForMp3`: a WAV file of the requested rate where mp3 was asked;
 * - `wrongRate`: mp3 at 16 kHz (24 kHz when 16 kHz was asked) instead of the requested rate;
 * - `random`: random bytes of the right size;
 * - `endless`: the right audio, over and over, never a final event (until the client hangs up).
 */
export type BadAudioVariant = 'empty' | 'wavForMp3' | 'wrongRate' | 'random' | 'endless';

export interface BusinessPlacement {
  /** 'json' (default): HTTP 200 with a JSON body; 'sse': an SSE event after `afterEvents` audio events. */
  in?: 'json' | 'sse';
  afterEvents?: number;
}

export type SenseAudioFaultKind = SenseAudioFault['kind'];

/** See the shared FaultPlan: one entry per request, or a function of its 1-based number and body. */
export type FaultPlan = SharedFaultPlan<SenseAudioFault, [requestNumber: number, body: unknown]>;

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

export type RandomFaults = SharedRandomFaults<SenseAudioFault>;

/** Picks the fault of each request in arrival order; random kinds default to DEFAULT_RANDOM_FAULTS. */
export class FaultPicker extends SharedFaultPicker<SenseAudioFault, [requestNumber: number, body: unknown]> {
  constructor(plan?: FaultPlan | RandomFaults) {
    super(DEFAULT_RANDOM_FAULTS, plan);
  }
}
