import { ConfigError } from '../../errors/config-error.ts';
import { InputError } from '../../errors/input-error.ts';
import type { ProviderDefinition } from '../provider-definition.ts';
import { PITCH_ALIAS, SPEED_ALIAS, VOL_ALIAS } from '../setting-aliases.ts';
import { SenseAudioClient } from './client.ts';
import { checkDictionary, senseAudioPronunciation } from './dictionary.ts';
import { senseAudioConfigSchema } from './config.ts';
import { SENSEAUDIO_LIMITS } from './limits.ts';
import { SENSEAUDIO_VOICE_LIST } from './voice-list.ts';
import {
  SENSEAUDIO_BITRATES,
  SENSEAUDIO_CHANNELS,
  SENSEAUDIO_DEFAULT_AUDIO,
  SENSEAUDIO_SAMPLE_RATES,
  senseAudioVoiceSettingsSchema,
} from './settings.ts';
import { SENSEAUDIO_BILLING } from './billing.ts';

/**
 * SenseAudio documents one voice id, as an example (`male_0004_a`, docs/providers/senseaudio.md),
 * and says voice_id takes system or cloned voices: only the form can be checked. The form is
 * MiniMax's voice_id rule, whose t2a_v2 API SenseAudio mirrors: a letter, then letters, digits, `_`
 * or `-`, at most 256.
 */
const VOICE_ID_FORM = /^[A-Za-z][A-Za-z0-9_-]{0,255}$/;

export const senseAudioDefinition: ProviderDefinition<typeof senseAudioConfigSchema> = {
  name: 'senseaudio',
  description: 'SenseAudio TTS (api.senseaudio.cn, /v1/t2a_v2 over SSE), Chinese and English voices',
  configSchema: senseAudioConfigSchema,
  limits: SENSEAUDIO_LIMITS,
  billing: SENSEAUDIO_BILLING,
  // The model is configuration: newer ones (senseaudio-tts-1.5-…) are passed by name.
  defaultModel: 'SenseAudio-TTS-1.0',
  defaultVoice: 'male_0004_a',
  // SenseAudio also returns flac, but the stitcher does not join flac yet.
  formats: ['mp3', 'wav', 'pcm'],
  sampleRates: SENSEAUDIO_SAMPLE_RATES,
  defaultAudio: SENSEAUDIO_DEFAULT_AUDIO,
  bitrates: SENSEAUDIO_BITRATES,
  channels: SENSEAUDIO_CHANNELS,
  voiceSettingsSchema: senseAudioVoiceSettingsSchema,
  // latex_read has no flag of its own: --set latex_read=true, or `settings` in the API.
  settingAliases: [SPEED_ALIAS, VOL_ALIAS, PITCH_ALIAS],
  // Seed 001 documents `<break time=500>` (ms, at least 100) in the text: sent as a tag (pause-tags.ts).
  pauseSupport: () => 'tag',
  setupHint: 'set SENSEAUDIO_API_KEY (and SENSEAUDIO_BASE_URL for a simulator)',
  pronunciation: senseAudioPronunciation,
  validateVoice(voice, _config, options) {
    if (!VOICE_ID_FORM.test(voice)) {
      throw new InputError(
        'voice',
        'a SenseAudio voice id is a letter, then letters, digits, _ or - (at most 256), e.g. male_0004_a',
        voice,
      );
    }
    if (options) checkDictionary(options.voiceSettings, { model: options.model, voice });
  },
  voiceList: () => SENSEAUDIO_VOICE_LIST,
  credentialsSet: (config) => config.SENSEAUDIO_API_KEY !== undefined,
  create(config) {
    const apiKey = config.SENSEAUDIO_API_KEY;
    if (apiKey === undefined) {
      throw new ConfigError('SENSEAUDIO_API_KEY is not set: create a key in the SenseAudio console and export it');
    }
    return new SenseAudioClient({
      apiKey,
      baseUrl: config.SENSEAUDIO_BASE_URL,
      excludeAggregatedAudio: config.SENSEAUDIO_EXCLUDE_AGGREGATED_AUDIO,
    });
  },
};
