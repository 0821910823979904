import {
  FaultPicker as SharedFaultPicker,
  type FaultPlan as SharedFaultPlan,
  type RandomFaults as SharedRandomFaults,
} from '../shared/fault-picker.ts';
import type { BadTakeFault } from '../shared/take-faults.ts';

/**
 * One injected failure (or stress) for one connection attempt, in DashScope's own terms.
 * - at the upgrade: `upgradeRefused` (an HTTP status instead of 101; 401/403 is how a bad key
 *   fails), `resetAtUpgrade` (socket destroyed before any answer);
 * - instead of task-started: `throttling` (task-failed Throttling.RateQuota), `taskFailed`
 *   without `afterFrames`; `slowTaskStarted` delays it and carries on;
 * - during the audio, before frame `afterFrames + 1` (or before task-finished when the text
 *   has fewer sentences): `closeMidAudio` (TCP destroyed), `closeBeforeFinished` (a clean
 *   close frame), `internalErrorAfterAudio` / `taskFailed` (task-failed), `stall` (silence,
 *   socket kept open); `slowFirstFrame` only delays the first audio;
 * - at a cancel: `cancelIgnored` (no task-finished, the audio stops, the socket stays open);
 * - in the audio itself: `badTake`, valid audio that is a bad reading (../shared/take-faults.ts):
 *   the task speaks once finish-task came (its whole text known), the spoiled audio spread over
 *   its sentences' frames, every event and the bill those of a success. Never drawn at random:
 *   the `takeFaults` option spoils a share of takes.
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
  /** A cancel (finish-task with the cancel directive) is recorded and never answered. */
  | { kind: 'cancelIgnored' }
  | { kind: 'slowFirstFrame'; delayMs: number }
  | BadTakeFault;

export type CosyVoiceFaultKind = CosyVoiceFault['kind'];

/** See the shared FaultPlan: one entry per connection attempt, or a function of its 1-based number. */
export type FaultPlan = SharedFaultPlan<CosyVoiceFault, [attempt: number]>;

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

/** `rate` is the share of connection attempts faulted. */
export type RandomFaults = SharedRandomFaults<CosyVoiceFault>;

/** Picks the fault of each attempt in arrival order; random kinds default to DEFAULT_RANDOM_FAULTS. */
export class FaultPicker extends SharedFaultPicker<CosyVoiceFault, [attempt: number]> {
  constructor(plan?: FaultPlan | RandomFaults) {
    super(DEFAULT_RANDOM_FAULTS, plan);
  }
}
