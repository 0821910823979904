import { ConfigError } from '../../errors/config-error.ts';
import type { ProviderDefinition } from '../provider-definition.ts';
import { PITCH_ALIAS, SPEED_ALIAS, VOL_ALIAS } from '../setting-aliases.ts';
import { checkVoiceInTable, type VoiceTable } from '../voice-check.ts';
import type { SenseNovaCredentials } from './bearer-source.ts';
import { SenseNovaClient } from './client.ts';
import { senseNovaConfigSchema, type SenseNovaConfig } from './config.ts';
import { SENSENOVA_DEFAULT_MAX_CHARS, senseNovaLimits } from './limits.ts';
import {
  SENSENOVA_BITRATES,
  SENSENOVA_CHANNELS,
  SENSENOVA_DEFAULT_AUDIO,
  SENSENOVA_FORMATS,
  SENSENOVA_SAMPLE_RATES,
  senseNovaVoiceSettingsSchema,
} from './settings.ts';
import { BLEND_ALIAS } from './setting-aliases.ts';
import { SENSENOVA_VOICE_LIST, SENSENOVA_VOICES } from './voices.ts';
import { SENSENOVA_BILLING } from './billing.ts';

const VOICE_TABLE: VoiceTable = {
  provider: 'sensenova',
  voices: SENSENOVA_VOICES,
  source: 'speech fusion v2 docs',
  clonedRule: 'a cloned or custom voice passes when listed in CUSTOM_VOICES',
};

/**
 * The credentials in the config: an API key, or an AccessKey pair. Both at once, or half a pair,
 * is a ConfigError rather than a silent choice.
 */
export function senseNovaCredentials(config: SenseNovaConfig): SenseNovaCredentials {
  const apiKey = config.SENSENOVA_API_KEY;
  const accessKeyId = config.SENSENOVA_ACCESS_KEY_ID;
  const secretAccessKey = config.SENSENOVA_SECRET_ACCESS_KEY;
  const pair = accessKeyId !== undefined || secretAccessKey !== undefined;
  if (apiKey !== undefined && pair) {
    throw new ConfigError('set either SENSENOVA_API_KEY or SENSENOVA_ACCESS_KEY_ID + SENSENOVA_SECRET_ACCESS_KEY, not both');
  }
  if (apiKey !== undefined) return { apiKey };
  if (accessKeyId !== undefined && secretAccessKey !== undefined) return { accessKeyId, secretAccessKey };
  if (accessKeyId !== undefined) throw new ConfigError('SENSENOVA_ACCESS_KEY_ID is set but SENSENOVA_SECRET_ACCESS_KEY is not');
  if (secretAccessKey !== undefined) throw new ConfigError('SENSENOVA_SECRET_ACCESS_KEY is set but SENSENOVA_ACCESS_KEY_ID is not');
  throw new ConfigError(
    'SenseNova credentials are not set: export SENSENOVA_API_KEY, or SENSENOVA_ACCESS_KEY_ID and SENSENOVA_SECRET_ACCESS_KEY (an AccessKey pair from the SenseCore console)',
  );
}

export const senseNovaDefinition: ProviderDefinition<typeof senseNovaConfigSchema> = {
  name: 'sensenova',
  description: 'SenseNova speech fusion v2 (api.sensenova.cn, /v1/audio/speech_fusion over SSE or url), blends of up to 4 voices',
  configSchema: senseNovaConfigSchema,
  limits: senseNovaLimits(SENSENOVA_DEFAULT_MAX_CHARS),
  limitsFor: (config) => senseNovaLimits(config.SENSENOVA_MAX_CHARS),
  billing: SENSENOVA_BILLING,
  defaultModel: 'SenseNova-Audio-Fusion-0603',
  // The voice of the documentation's examples.
  defaultVoice: 'female_chunzhen',
  formats: SENSENOVA_FORMATS,
  sampleRates: SENSENOVA_SAMPLE_RATES,
  defaultAudio: SENSENOVA_DEFAULT_AUDIO,
  bitrates: SENSENOVA_BITRATES,
  channels: SENSENOVA_CHANNELS,
  voiceSettingsSchema: senseNovaVoiceSettingsSchema,
  settingAliases: [SPEED_ALIAS, VOL_ALIAS, PITCH_ALIAS, BLEND_ALIAS],
  // No documented pause syntax (docs/providers/sensenova.md, "Pauses"): the text is cut at a tag and the join is silent there.
  pauseSupport: () => 'none',
  setupHint: 'set SENSENOVA_API_KEY, or SENSENOVA_ACCESS_KEY_ID and SENSENOVA_SECRET_ACCESS_KEY (and SENSENOVA_BASE_URL for a simulator)',
  // The main voice and every blended one: each is sent to SenseNova by name.
  validateVoice(voice, config, options) {
    checkVoiceInTable(VOICE_TABLE, voice, config);
    // The settings are validated already (settings.ts): a blend is a list of {voice, weight}.
    const blend = (options?.voiceSettings.blend ?? []) as readonly { voice: string }[];
    blend.forEach((entry, index) => checkVoiceInTable(VOICE_TABLE, entry.voice, config, `blend.${index}.voice`));
  },
  voiceList: () => SENSENOVA_VOICE_LIST,
  credentialsSet(config) {
    return (
      config.SENSENOVA_API_KEY !== undefined ||
      (config.SENSENOVA_ACCESS_KEY_ID !== undefined && config.SENSENOVA_SECRET_ACCESS_KEY !== undefined)
    );
  },
  create(config) {
    return new SenseNovaClient({
      credentials: senseNovaCredentials(config),
      baseUrl: config.SENSENOVA_BASE_URL,
      output: config.SENSENOVA_OUTPUT,
      maxChars: config.SENSENOVA_MAX_CHARS,
    });
  },
};
