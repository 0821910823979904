import type { AudioSettings } from '../audio/audio-settings.ts';

/** How a provider counts text, and how much one request may carry. Limits live with the provider. */
export interface TextLimits {
  /** Hard ceiling per request, in the provider's own units (see `count`). */
  maxUnits: number;
  /** The segment size the producer aims for; a documented choice below the ceiling. */
  targetUnits: number;
  /** Counts text the way the provider counts it against `maxUnits`. */
  count(text: string): number;
}

/** One segment to speak. Everything here is safe to log: no key, no token. */
export interface SynthesisRequest {
  text: string;
  voice: string;
  model: string;
  audio: AudioSettings;
  /** Provider-specific voice settings, already validated against the provider's ranges. */
  voiceSettings: Readonly<Record<string, number | string | boolean>>;
  signal?: AbortSignal;
}

/** What the provider told us about a finished segment. */
export interface SynthesisMeta {
  /** Characters the provider says it billed (its own usage field), when it reports one. */
  billedCharacters?: number;
  /** The provider's request/trace id, kept for support tickets. */
  traceId?: string;
}

/**
 * A speech provider client. `synthesize` yields audio bytes as they arrive (bounded memory)
 * and returns the meta once the provider has confirmed the end of the audio. It throws a
 * ProviderError (or IncompleteStreamError) on any failure; bytes already yielded must then be
 * discarded by the caller.
 */
export interface Provider {
  readonly name: string;
  readonly limits: TextLimits;
  synthesize(request: SynthesisRequest): AsyncGenerator<Uint8Array, SynthesisMeta, undefined>;
  close(): Promise<void>;
}
