import { ConfigError } from '../../errors/config-error.ts';
import type { ProviderDefinition } from '../provider-definition.ts';
import { Ai302Client } from './client.ts';
import { ai302ConfigSchema } from './config.ts';
import { AI302_DEFAULT_MAX_CHARS, ai302Limits } from './limits.ts';
import { AI302_SETTING_ALIASES } from './setting-aliases.ts';
import { AI302_VOICE_LIST } from './voice-list.ts';
import { AI302_BITRATES, AI302_CHANNELS, AI302_DEFAULT_AUDIO, AI302_SAMPLE_RATES, ai302VoiceSettingsSchema } from './settings.ts';
import { AI302_BILLING } from './billing.ts';

/** A speaker turn of Higgs multi-speaker text: a line starting `[SPEAKER0]`, `[SPEAKER1]`, … */
export const SPEAKER_TURN_LINE = /^\s*\[SPEAKER\d+\]/;

export const ai302Definition: ProviderDefinition<typeof ai302ConfigSchema> = {
  name: 'ai302',
  polledTasks: true,
  description:
    '302.AI Higgs Audio v2 (asynchronous tasks): voice cloning from reference clips, or a voice from a scene prompt; multi-speaker dialogue',
  configSchema: ai302ConfigSchema,
  limits: ai302Limits(AI302_DEFAULT_MAX_CHARS),
  limitsFor: (config) => ai302Limits(config.AI302_MAX_CHARS),
  billing: AI302_BILLING,
  // Labels only: neither endpoint takes a model or voice name (clips or the prompt set the voice).
  defaultModel: 'higgs-audio-v2',
  defaultVoice: 'default',
  // Whatever 302.AI returns is converted locally, so every stitchable format is on offer.
  formats: ['mp3', 'wav', 'pcm'],
  sampleRates: AI302_SAMPLE_RATES,
  defaultAudio: AI302_DEFAULT_AUDIO,
  bitrates: AI302_BITRATES,
  channels: AI302_CHANNELS,
  voiceSettingsSchema: ai302VoiceSettingsSchema,
  settingAliases: AI302_SETTING_ALIASES,
  planOptions: (settings) => (settings.multiSpeaker === true ? { turnLine: SPEAKER_TURN_LINE } : {}),
  // No documented pause syntax (docs/providers/ai302.md, "Pauses"): the text is cut at a tag and the join is silent there.
  pauseSupport: () => 'none',
  setupHint: 'set AI302_API_KEY (and AI302_BASE_URL for a simulator)',
  voiceList: () => AI302_VOICE_LIST,
  credentialsSet: (config) => config.AI302_API_KEY !== undefined,
  create(config) {
    const apiKey = config.AI302_API_KEY;
    if (apiKey === undefined) throw new ConfigError('AI302_API_KEY is not set: create a key in the 302.AI dashboard and export it');
    return new Ai302Client({
      apiKey,
      baseUrl: config.AI302_BASE_URL,
      clonePath: config.AI302_CLONE_PATH,
      generatePath: config.AI302_GENERATE_PATH,
      cloneQueryPath: config.AI302_CLONE_QUERY_PATH ?? config.AI302_CLONE_PATH,
      generateQueryPath: config.AI302_GENERATE_QUERY_PATH ?? config.AI302_GENERATE_PATH,
      limits: ai302Limits(config.AI302_MAX_CHARS),
      polling: {
        firstPollMs: config.AI302_POLL_FIRST_MS,
        maxIntervalMs: config.AI302_POLL_MAX_MS,
        deadlineMs: config.AI302_TASK_DEADLINE_MS,
      },
    });
  },
};
