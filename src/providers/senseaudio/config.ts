import { z } from 'zod';
import { booleanFromEnv, httpBaseUrl, optionalSecret } from '../../config/env-values.ts';

/** SenseAudio's environment variables, merged into the app's config at start-up. */
export const senseAudioConfigSchema = z.object({
  SENSEAUDIO_API_KEY: optionalSecret,
  SENSEAUDIO_BASE_URL: httpBaseUrl.default('https://api.senseaudio.cn'),
  /**
   * Sends MiniMax's `stream_options.exclude_aggregated_audio: true`, which no SenseAudio table
   * documents (a strict server refuses the request with 2013). Off by default; turn it on only
   * for an endpoint known to take it: the final event then stops repeating the whole audio.
   */
  SENSEAUDIO_EXCLUDE_AGGREGATED_AUDIO: booleanFromEnv.default(false),
});

export type SenseAudioConfig = z.infer<typeof senseAudioConfigSchema>;
