import type { VoiceList } from '../voice-list.ts';

/**
 * SenseAudio's documents (seed 001, FAQ seed 000) name one voice id, `male_0004_a`, in their
 * examples, all of which speak Chinese text; the FAQ points to a system voice list (系统音色列表)
 * in the console that no document we hold reproduces. So the list is that one id and says it is
 * not complete.
 */
export const SENSEAUDIO_VOICE_LIST: VoiceList = {
  voices: [
    {
      id: 'male_0004_a',
      description: "the documents' example voice (its name is not given); the default",
      languages: ['zh'],
    },
  ],
  source: 'SenseAudio TTS documentation: one example id only; the full system voice list is in the SenseAudio console',
  complete: false,
  otherVoices:
    'any system or cloned voice id of your account passes, checked for its form only: a letter, then letters, digits, _ or - (at most 256)',
};
