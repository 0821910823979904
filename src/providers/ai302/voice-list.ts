import type { VoiceList } from '../voice-list.ts';

/**
 * 302.AI's Higgs Audio v2 has no named voices (seed 003): the clone endpoint takes the voice from
 * reference clips, the generation endpoint from a scene prompt. The list is therefore empty, and
 * complete: `--voice` is only a label there.
 */
export const AI302_VOICE_LIST: VoiceList = {
  voices: [],
  source: '302.AI Higgs Audio v2 documentation: no named voices',
  complete: true,
  otherVoices:
    'the voice is cloned from reference audio (--ref-audio URL with --ref-text, repeatable) or generated from a scene prompt (--system-prompt); --voice is only a label in the manifest',
};
