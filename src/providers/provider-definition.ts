import type { z } from 'zod';
import type { AudioFormat, AudioSettings } from '../audio/audio-settings.ts';
import type { CoreConfig } from '../config/core-config.ts';
import type { PlanOptions } from '../text/plan-options.ts';
import type { BillingRule } from './billing.ts';
import type { PauseSupport, PauseSupportQuery } from './pause-support.ts';
import type { PronunciationSupport } from './pronunciation.ts';
import type { Provider, TextLimits } from './provider.ts';
import type { SettingAlias } from './setting-aliases.ts';
import type { VoiceList } from './voice-list.ts';
import type { VoiceSettings } from './voice-settings.ts';

/** What a provider reads of the config: the shared part, and the variables of its own fragment. */
export type ProviderConfig<ConfigSchema extends z.ZodObject = z.ZodObject> = CoreConfig & z.output<ConfigSchema>;

/**
 * What the rest of the system knows about a provider before talking to it. ConfigSchema is the
 * provider's own environment variables (its folder's config.ts): the registry merges every
 * provider's into the app's config, so the definition's methods see its own variables typed.
 */
export interface ProviderDefinition<ConfigSchema extends z.ZodObject = z.ZodObject> {
  readonly name: string;
  readonly description: string;
  /**
   * True for a provider whose segments are tasks created, then polled (302.AI): its segment jobs
   * keep BullMQ's first-in-first-out order instead of fair-share priorities, since a poll
   * carrying its segment's low number would keep beating the creation of later tasks and starve
   * them (src/queue/fair-priority.ts).
   */
  readonly polledTasks?: true;
  /**
   * The provider's environment variables with their defaults and rules; each bad one is named in
   * the start-up error like any other variable. By custom the names start with the provider's
   * prefix; a name another provider or the shared config already has is refused at start-up.
   */
  readonly configSchema: ConfigSchema;
  /** Limits under the default configuration (for docs and tests). */
  readonly limits: TextLimits;
  /**
   * Limits under this configuration, for providers whose ceiling is configurable; for this model
   * and voice when given (a CosyVoice SSML voice takes one message per segment).
   */
  limitsFor?(config: ProviderConfig<ConfigSchema>, query?: PauseSupportQuery): TextLimits;
  /** How the provider bills a request's text (estimates and budgets count with it); not the limits' count. */
  readonly billing: BillingRule;
  readonly defaultModel: string;
  readonly defaultVoice: string;
  /** Formats this provider can return and we can stitch. */
  readonly formats: readonly AudioFormat[];
  readonly sampleRates: readonly number[];
  readonly defaultAudio: AudioSettings;
  /** mp3 bitrates in bits/s; empty when the provider takes none. */
  readonly bitrates: readonly number[];
  readonly channels: readonly (1 | 2)[];
  /**
   * Validates provider voice settings (speed, vol, pitch, …) with the provider's documented
   * ranges. Strict: a setting the provider lacks is refused, not ignored.
   */
  readonly voiceSettingsSchema: z.ZodType<VoiceSettings>;
  /**
   * Settings that also have a flag of their own on the CLI (`--speed`) and a flat field in the API
   * (`speed`), besides `--set KEY=VALUE` and the API's `settings` object. An alias says how the CLI
   * reads the value; the schema above still decides what it may be.
   */
  readonly settingAliases?: readonly SettingAlias[];
  /** Extra constraints on where segments may end, from the validated settings (e.g. speaker turns). */
  planOptions?(settings: VoiceSettings): PlanOptions;
  /**
   * How this provider can honour a `<break time=N>` tag for this model and voice; absent means
   * 'none' (the producer cuts at the tag and the join inserts the silence).
   */
  pauseSupport?(query: PauseSupportQuery): PauseSupport;
  /** How this provider can be told a pronunciation; absent means respell only. */
  pronunciation?(query: PauseSupportQuery): PronunciationSupport;
  /** What to do when credentialsSet is false, e.g. "set SENSEAUDIO_API_KEY". */
  readonly setupHint: string;
  /**
   * Refuses a voice the provider is known to lack (InputError naming some it has), before
   * anything is enqueued. Where the provider documents its voices, the voice (and, for blends,
   * every blended voice) must be one of them, a cloned voice of the provider's documented form, or
   * listed in CUSTOM_VOICES (docs: "Voices"); where it documents none, only the form is checked.
   */
  validateVoice?(voice: string, config: ProviderConfig<ConfigSchema>, options?: { model: string; voiceSettings: VoiceSettings }): void;
  /** The voices the provider documents (espeak asks the installed espeak-ng, hence the promise). */
  voiceList?(config: ProviderConfig<ConfigSchema>): VoiceList | Promise<VoiceList>;
  /** Whether the credentials this provider needs are present in the config. */
  credentialsSet(config: ProviderConfig<ConfigSchema>): boolean;
  /** Builds a client. Throws ConfigError when credentials are missing. */
  create(config: ProviderConfig<ConfigSchema>): Provider;
}
