import type { WebSocket } from 'ws';
import type { BadTake, BadTakeVariant, TakeRequest } from '../shared/take-faults.ts';
import type { CosyVoiceFault, CosyVoiceFaultKind } from './faults.ts';
import type { CosyVoiceTone } from './sentence-tone.ts';
import type { WordTimestampPlacement } from './word-timestamps.ts';

/**
 * completed: task-finished went out; rejected: the upgrade was refused for a bad key or path;
 * failed: task-failed for the client's own mistake (order, fields, limits, idle); faulted: an
 * injected failure; client-closed: the client went away first; cancelled: the client sent
 * finish-task with the cancel directive and got task-finished.
 */
export type TaskOutcome = 'completed' | 'rejected' | 'failed' | 'faulted' | 'client-closed' | 'cancelled';

/** What the simulator saw and did for one connection attempt (and each later task on it). */
export interface RecordedTask {
  /** 1-based, in arrival order. */
  number: number;
  /** Which TCP connection carried it (1-based). */
  connection: number;
  authorized: boolean;
  fault?: CosyVoiceFaultKind;
  /** A `badTake` fault: what was wrong with the audio sent, and for `otherText` the text it spoke. */
  badTake?: BadTakeVariant;
  spokenInstead?: string;
  taskId?: string;
  model?: string;
  voice?: string;
  /** run-task parameters exactly as sent. */
  parameters?: Record<string, unknown>;
  /** Client actions and the server's lifecycle events, in order (sentence events left out). */
  sequence: string[];
  /** continue-task texts in order, and their weighted counts. */
  texts: string[];
  messageUnits: number[];
  taskUnits: number;
  /** task-failed code, or the HTTP status of a refused upgrade. */
  errorCode?: string;
  errorMessage?: string;
  /** Binary audio frames sent, their total size, sha256 (hex) of their concatenation, and speech length. */
  audioFrames: number;
  audioBytes: number;
  audioSha256?: string;
  /** The audio's length (a bad take's: its own, not the text's). */
  durationMs: number;
  /** tone `sentences`: where each sentence's burst starts, ms into the task's audio, as far as it was sent (not for a bad take). */
  sentenceStartsMs?: number[];
  /** tone `sentences`: the sentences those starts are of (the shared rule over each utterance). */
  sentenceTexts?: string[];
  /** The client sent finish-task with `payload.input.directive: "cancel"` (the SDK's streaming_cancel). */
  cancelled?: boolean;
  /** SSML tasks (`enable_ssml`): the pauses heard, in ms, and the phonemes read, in order. */
  ssml?: { pausesMs: number[]; phonemes: { alphabet?: string; ph: string; text: string }[] };
  /** usage.characters reported in task-finished. */
  usageCharacters?: number;
  outcome?: TaskOutcome;
}

/** The simulator's settings, defaults filled. */
export interface Settings {
  apiKey: string;
  models: readonly string[];
  voices: readonly string[] | undefined;
  msPerChar: number;
  rtf: number;
  firstFrameDelayMs: number;
  taskStartedDelayMs: number;
  idleTimeoutMs: number;
  messageMaxUnits: number;
  taskMaxUnits: number;
  countSsmlTags: boolean;
  wordTimestamps: WordTimestampPlacement;
  framesPerSentence: number;
  taskFinishedShape: 'with-output' | 'usage-only';
  tone: CosyVoiceTone;
}

/** What a connection's session needs from the simulator that owns it. */
export interface SimulatorHost {
  readonly settings: Settings;
  /** Aborts when the simulator closes. */
  readonly closingSignal: AbortSignal;
  /** A new record (one per connection attempt, and per later task on a reused socket), its fault drawn. */
  newRecord(connection: number): { record: RecordedTask; fault: CosyVoiceFault | undefined };
  /** Keeps the largest message and task sizes seen, whatever happens to the records. */
  noteUnits(messageUnits: number, taskUnits: number): void;
  /** A `takeFaults` plan is set: a task no fault touches then speaks once finish-task came, to be judged whole. */
  hasTakeFaults(): boolean;
  /** The `takeFaults` plan's word on a task whose whole text is known. */
  takeFault(take: TakeRequest): BadTake | undefined;
  /** Counts a bad take sent. */
  noteBadTake(variant: BadTakeVariant): void;
  finish(record: RecordedTask, outcome: TaskOutcome): void;
}

/** Resolves once `data` was handed to the socket, or false when the client is gone. */
export function send(ws: WebSocket, data: string | Uint8Array): Promise<boolean> {
  if (ws.readyState !== ws.OPEN) return Promise.resolve(false);
  return new Promise((resolve) => ws.send(data, (error) => resolve(!error)));
}
