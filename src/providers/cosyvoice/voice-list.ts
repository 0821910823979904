import type { VoiceList } from '../voice-list.ts';
import { COSYVOICE_V2_MODEL, COSYVOICE_V2_TABLE } from './voices.ts';

/** What `tts-batch voices cosyvoice` prints: the document's cosyvoice-v2 table, row by row. */
export function cosyVoiceVoiceList(): VoiceList {
  return {
    voices: COSYVOICE_V2_TABLE.map((voice) => ({
      id: voice.id,
      description: `${voice.name}（${voice.trait}）`,
      languages: voice.languages,
      models: [COSYVOICE_V2_MODEL],
      ssml: voice.ssml,
    })),
    source: 'the cosyvoice-v2 voice table of DashScope’s CosyVoice Python SDK page (音色列表)',
    complete: true,
    otherVoices:
      'a cloned voice (cosyvoice-<prefix>-<id>, from DashScope voice cloning) or one listed in CUSTOM_VOICES also passes; ' +
      'voices of other models (cosyvoice-v1) are not listed in the document and are not checked',
  };
}
