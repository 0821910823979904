import type { VoiceList } from '../voice-list.ts';
import { findEspeakInstallation } from './installation.ts';
import type { VoiceCatalog } from './voice-catalog.ts';

/**
 * The installed espeak-ng's own catalog (`espeak-ng --voices`), as `tts-batch voices` lists it:
 * each voice by the code `--voice` takes, its name, and the languages it answers to. MBROLA voices
 * (`mb/…`) are left out: they need a program and voice data a plain espeak-ng install lacks.
 */
export function espeakVoiceList(binary: string): VoiceList {
  const catalog = findEspeakInstallation(binary)?.catalog;
  if (catalog === undefined) {
    return {
      voices: [],
      source: `espeak-ng (${binary}) did not answer --voices: not installed here`,
      complete: false,
      otherVoices: 'install espeak-ng (apt-get install espeak-ng) or set ESPEAK_NG_PATH, then list again',
    };
  }
  return voiceListOf(catalog, binary);
}

export function voiceListOf(catalog: VoiceCatalog, binary: string): VoiceList {
  const voices = catalog.voices
    .filter((voice) => !voice.file.startsWith('mb/'))
    .map((voice) => ({ id: voice.language, description: voice.name, languages: [...new Set([voice.language, ...voice.otherLanguages])] }));
  const variants = catalog.variants.length === 0 ? '' : ` (e.g. en-us+${catalog.variants[0] ?? 'f3'}; ${catalog.variants.length} variants)`;
  return {
    voices,
    source: `the installed espeak-ng's catalog (${binary} --voices)`,
    complete: true,
    otherVoices: `a voice with a variant, VOICE+VARIANT${variants}; \`espeak-ng --voices=variant\` lists the variants`,
  };
}
