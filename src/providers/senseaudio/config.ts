import { z } from 'zod';
import { httpBaseUrl, optionalSecret } from '../../config/env-values.ts';

/** SenseAudio's environment variables, merged into the app's config at start-up. */
export const senseAudioConfigSchema = z.object({
  SENSEAUDIO_API_KEY: optionalSecret,
  SENSEAUDIO_BASE_URL: httpBaseUrl.default('https://api.senseaudio.cn'),
});

export type SenseAudioConfig = z.infer<typeof senseAudioConfigSchema>;
