import { InputError } from '../../errors/input-error.ts';
import type { ProviderDefinition } from '../provider-definition.ts';
import { PITCH_ALIAS, SPEED_ALIAS, VOL_ALIAS } from '../setting-aliases.ts';
import { EspeakProvider } from './client.ts';
import { espeakConfigSchema } from './config.ts';
import { findEspeakInstallation } from './installation.ts';
import { ESPEAK_LIMITS } from './limits.ts';
import {
  ESPEAK_BITRATES,
  ESPEAK_CHANNELS,
  ESPEAK_DEFAULT_AUDIO,
  ESPEAK_FORMATS,
  ESPEAK_SAMPLE_RATES,
  espeakVoiceSettingsSchema,
} from './settings.ts';
import { hasVoice, suggestVoices, voiceByDisplayName } from './voice-catalog.ts';
import { espeakVoiceList } from './voice-list.ts';
import { ESPEAK_BILLING } from './billing.ts';

export const espeakDefinition: ProviderDefinition<typeof espeakConfigSchema> = {
  name: 'espeak',
  description: 'espeak-ng on this machine: no key, no network, 100+ languages (run as a separate GPL-3 program, never linked)',
  configSchema: espeakConfigSchema,
  limits: ESPEAK_LIMITS,
  billing: ESPEAK_BILLING,
  // espeak has no models; the name says which engine spoke, in job data and manifests.
  defaultModel: 'espeak-ng',
  // For mixed Chinese/English text use `cmn`: it reads Latin words as English.
  defaultVoice: 'en-us',
  formats: ESPEAK_FORMATS,
  sampleRates: ESPEAK_SAMPLE_RATES,
  defaultAudio: ESPEAK_DEFAULT_AUDIO,
  bitrates: ESPEAK_BITRATES,
  channels: ESPEAK_CHANNELS,
  voiceSettingsSchema: espeakVoiceSettingsSchema,
  settingAliases: [SPEED_ALIAS, VOL_ALIAS, PITCH_ALIAS],
  // The client rewrites each tag as SSML <break time="Nms"/> and runs espeak-ng with -m (docs/providers/espeak.md, "Pauses").
  pauseSupport: () => 'ssml',
  // No credentials: "set" means the program is there to run.
  setupHint: 'install espeak-ng (apt-get install espeak-ng) or set ESPEAK_NG_PATH',
  voiceList: (config) => espeakVoiceList(config.ESPEAK_NG_PATH),
  credentialsSet: (config) => findEspeakInstallation(config.ESPEAK_NG_PATH) !== undefined,
  create: (config) => new EspeakProvider({ binary: config.ESPEAK_NG_PATH }),
  // Lazy and cached (espeak is asked once per process); accepts anything when espeak-ng cannot
  // be asked, since then nothing can be spoken anyway and `create`/the worker say why.
  validateVoice(voice, config) {
    const catalog = findEspeakInstallation(config.ESPEAK_NG_PATH)?.catalog;
    if (catalog === undefined || hasVoice(catalog, voice)) return;
    const named = voiceByDisplayName(catalog, voice);
    if (named !== undefined) {
      throw new InputError(
        'voice',
        `"${voice}" is the display name of espeak-ng's voice ${named.language} (${named.name}, ${named.file}); give its code: --voice ${named.language}`,
        voice,
      );
    }
    throw new InputError(
      'voice',
      `espeak-ng has no voice "${voice}"; try ${suggestVoices(catalog, voice).join(', ')} (\`espeak-ng --voices\` lists all)`,
      voice,
    );
  },
};
