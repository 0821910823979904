import type { AudioSettings } from '../audio/audio-settings.ts';
import type { TextLimits } from '../text/text-limits.ts';
import type { VoiceSettings } from './voice-settings.ts';

/** Declared with the text knowledge that splits by it; every provider still names it from here. */
export type { TextLimits };

/** One segment to speak. Everything here is safe to log: no key, no token. */
export interface SynthesisRequest {
  text: string;
  voice: string;
  model: string;
  audio: AudioSettings;
  /** Provider-specific voice settings, already validated against the provider's ranges. */
  voiceSettings: VoiceSettings;
  signal?: AbortSignal;
  /**
   * Which take of the segment this is, from 1 (issue 15: a bad take is retaken). A provider that
   * can vary a take (302.AI: its sampling temperature) does so after the first; others send the
   * same request again.
   */
  take?: number;
}

/** What the provider told us about a finished segment. */
export interface SynthesisMeta {
  /** Characters the provider says it billed (its own usage field), when it reports one. */
  billedCharacters?: number;
  /** The provider's request/trace id, kept for support tickets. */
  traceId?: string;
  /**
   * Per-word timings, when the provider reports them and they were asked for (CosyVoice
   * `word_timestamp_enabled`): milliseconds from the start of this segment's audio, in order,
   * each word once. Absent when not asked for; empty when asked for and none came.
   */
  words?: readonly WordTiming[];
}

/** One spoken word and where it lies in the segment's audio. */
export interface WordTiming {
  text: string;
  startMs: number;
  endMs: number;
}

/**
 * A provider that answers a request with a stream (HTTP/SSE, WebSocket, a local process).
 * `synthesize` yields audio bytes as they arrive (bounded memory), in the container and
 * settings of `request.audio`, and returns the meta once the provider has confirmed the end of
 * the audio. It throws a ProviderError (or IncompleteStreamError) on any failure; bytes
 * already yielded must then be discarded by the caller.
 */
export interface StreamingProvider {
  readonly kind: 'stream';
  readonly name: string;
  readonly limits: TextLimits;
  synthesize(request: SynthesisRequest): AsyncGenerator<Uint8Array, SynthesisMeta, undefined>;
  close(): Promise<void>;
}

/** What a poll of an asynchronous task found. */
export type TaskStatus =
  | { state: 'running'; /** the provider's own word, for logs */ detail?: string }
  | { state: 'succeeded'; audioUrl: string; billedCharacters?: number }
  | { state: 'failed'; reason: string; /** true when a new task may succeed (provider-side fault) */ retryable: boolean };

/** How often and how long the worker polls a task. */
export interface PollingPolicy {
  /** First poll this long after submitting. */
  firstPollMs: number;
  /** Later polls back off (×1.5) up to this. */
  maxIntervalMs: number;
  /** A task still running this long after it was submitted fails the segment clearly. */
  deadlineMs: number;
}

/**
 * A provider that works through paid asynchronous tasks: submit, then poll by id, then
 * download. The worker persists the task id in the job before anything else, frees its slot
 * between polls (moveToDelayed), and never submits a second task for the same segment while
 * the first may still finish.
 */
export interface TaskProvider {
  readonly kind: 'task';
  readonly name: string;
  readonly limits: TextLimits;
  readonly polling: PollingPolicy;
  submit(request: SynthesisRequest): Promise<{ taskId: string }>;
  /** Throws ProviderError for transport failures (429, 5xx, network); task failure is a status. */
  poll(taskId: string): Promise<TaskStatus>;
  /** Streams the finished audio converted to `request.audio`. */
  download(audioUrl: string, request: SynthesisRequest): AsyncGenerator<Uint8Array, SynthesisMeta, undefined>;
  close(): Promise<void>;
}

export type Provider = StreamingProvider | TaskProvider;
