import { FaultPicker, type FaultPlan, type RandomFaults } from '../shared/fault-picker.ts';
import type { BadTakeFault } from '../shared/take-faults.ts';

/** A call of the protocol: create a task, query it, download its audio. */
export type Ai302Call = 'create' | 'query' | 'download';

/**
 * One injected failure, chosen when a create request arrives, for that request and the task it
 * creates. Where each applies:
 * - on the create call (no task is made): `http429`/`http5xx`/`reset` with `on: 'create'`,
 *   `auth401`, `business` (HTTP 200 carrying a failing code);
 * - on the create call after the task is made (it is paid for): `dropAnswer`, the socket closed
 *   without an answer (a create whose answer was lost on the way back);
 * - on the task's first query only: `http429`/`http5xx`/`reset` with `on: 'query'`;
 * - on the task itself: `neverFinishes` (processing forever), `taskFails` (ends failed with a message);
 * - on the task's first download only: `url404` (every download with `always`), `cutDownload`
 *   (Content-Length declared, socket destroyed partway);
 * - on the task's result file, every download: `badAudio` (the task finished with a bad answer:
 *   `notAudio` random bytes, `tooLong` speech lasting far longer than its text could take);
 * - on the task's result file, every download: `badTake`, valid audio that is a bad reading
 *   (../shared/take-faults.ts); the task still succeeds and bills as usual. Never drawn at
 *   random: the `takeFaults` option spoils a share of takes;
 * - a delay before answering the named call (then it proceeds): `slowFirstByte`.
 * One-shot faults (first query, first download) let a retry of the same task succeed.
 */
export type Ai302Fault =
  | { kind: 'http429'; on: 'create' | 'query'; /** seconds or an HTTP date; absent = no Retry-After */ retryAfter?: number | string }
  | { kind: 'http5xx'; on: 'create' | 'query'; status: 500 | 502 | 503 | 504 }
  | { kind: 'reset'; on: 'create' | 'query' }
  | { kind: 'auth401' }
  | { kind: 'dropAnswer' }
  | { kind: 'business'; code: number; message?: string }
  | { kind: 'slowFirstByte'; on: Ai302Call; delayMs: number }
  | { kind: 'neverFinishes' }
  | { kind: 'taskFails'; message?: string }
  | { kind: 'url404'; /** every download of the task, not only the first */ always?: boolean }
  | { kind: 'badAudio'; variant: BadTaskAudio }
  | { kind: 'cutDownload'; /** share of the file sent before the cut; default 0.5 */ fraction?: number }
  | BadTakeFault;

export type Ai302FaultKind = Ai302Fault['kind'];

/** What a task that finished with a bad answer serves as its result file. */
export type BadTaskAudio = 'notAudio' | 'tooLong';

/** See the shared FaultPlan: one entry per create request, or a function of its 1-based number and body. */
export type Ai302FaultPlan = FaultPlan<Ai302Fault, [createNumber: number, body: unknown]>;

/** `rate` is the share of create requests given a fault. */
export type Ai302RandomFaults = RandomFaults<Ai302Fault>;

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

/** Picks each create request's fault in arrival order; random kinds default to DEFAULT_RANDOM_FAULTS. */
export class Ai302FaultPicker extends FaultPicker<Ai302Fault, [createNumber: number, body: unknown]> {
  constructor(plan?: Ai302FaultPlan | Ai302RandomFaults) {
    super(DEFAULT_RANDOM_FAULTS, plan);
  }
}
