import { ConfigError } from '../../errors/config-error.ts';
import type { ProviderDefinition } from '../provider-definition.ts';
import { PITCH_ALIAS, SPEED_ALIAS, VOL_ALIAS } from '../setting-aliases.ts';
import { checkVoiceInTable, type VoiceTable } from '../voice-check.ts';
import { CosyVoiceClient } from './client.ts';
import { cosyVoiceConfigSchema } from './config.ts';
import { COSYVOICE_DEFAULT_LIMITS, cosyVoiceLimitsFromConfig } from './limits.ts';
import {
  COSYVOICE_CHANNELS,
  COSYVOICE_DEFAULT_AUDIO,
  COSYVOICE_FORMATS,
  COSYVOICE_SAMPLE_RATES,
  cosyVoiceVoiceSettingsSchema,
} from './settings.ts';
import { cosyVoicePauseSupport, cosyVoicePronunciation } from './ssml-support.ts';
import { cosyVoiceVoiceList } from './voice-list.ts';
import { COSYVOICE_V2_MODEL, COSYVOICE_V2_VOICES, isClonedCosyVoice } from './voices.ts';
import { COSYVOICE_BILLING } from './billing.ts';

const V2_TABLE: VoiceTable = {
  provider: 'cosyvoice',
  voices: COSYVOICE_V2_VOICES,
  source: 'the cosyvoice-v2 table',
  isCloned: isClonedCosyVoice,
  clonedRule: 'a cloned voice (cosyvoice-<prefix>-<id>) or one listed in CUSTOM_VOICES also passes',
};

export const cosyVoiceDefinition: ProviderDefinition<typeof cosyVoiceConfigSchema> = {
  name: 'cosyvoice',
  description: 'Alibaba CosyVoice (DashScope duplex WebSocket), Chinese, English and more; weighted count: a Han character is 2',
  configSchema: cosyVoiceConfigSchema,
  limits: COSYVOICE_DEFAULT_LIMITS,
  // COSYVOICE_TASK_MAX_UNITS and COSYVOICE_TARGET_UNITS: producer and worker read the same config;
  // an SSML voice gets one message per segment (COSYVOICE_MESSAGE_MAX_UNITS).
  limitsFor: (config, query) => cosyVoiceLimitsFromConfig(config, query),
  billing: COSYVOICE_BILLING,
  pauseSupport: cosyVoicePauseSupport,
  pronunciation: cosyVoicePronunciation,
  defaultModel: 'cosyvoice-v2',
  defaultVoice: 'longxiaochun_v2',
  formats: COSYVOICE_FORMATS,
  sampleRates: COSYVOICE_SAMPLE_RATES,
  defaultAudio: COSYVOICE_DEFAULT_AUDIO,
  // bit_rate applies to opus only (docs/providers/cosyvoice.md), which we do not ask for: --bitrate
  // is refused.
  bitrates: [],
  channels: COSYVOICE_CHANNELS,
  voiceSettingsSchema: cosyVoiceVoiceSettingsSchema,
  settingAliases: [SPEED_ALIAS, VOL_ALIAS, PITCH_ALIAS],
  setupHint: 'set DASHSCOPE_API_KEY (and DASHSCOPE_WS_URL for a simulator)',
  // Only cosyvoice-v2's table is documented; other models' voices are left to DashScope.
  validateVoice(voice, config, options) {
    if ((options?.model ?? COSYVOICE_V2_MODEL) === COSYVOICE_V2_MODEL) checkVoiceInTable(V2_TABLE, voice, config);
  },
  voiceList: () => cosyVoiceVoiceList(),
  credentialsSet: (config) => config.DASHSCOPE_API_KEY !== undefined,
  create(config) {
    const apiKey = config.DASHSCOPE_API_KEY;
    if (apiKey === undefined) {
      throw new ConfigError(
        'DASHSCOPE_API_KEY is not set: create an API key in the Alibaba Cloud Model Studio (DashScope) console and export it',
      );
    }
    return new CosyVoiceClient({
      apiKey,
      url: config.DASHSCOPE_WS_URL,
      limits: cosyVoiceLimitsFromConfig(config),
      messageMaxUnits: config.COSYVOICE_MESSAGE_MAX_UNITS,
    });
  },
};
