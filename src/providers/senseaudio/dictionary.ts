import { InputError } from '../../errors/input-error.ts';
import type { PauseSupportQuery } from '../pause-support.ts';
import type { PronunciationSupport } from '../pronunciation.ts';
import type { VoiceSettings } from '../voice-settings.ts';

/**
 * Seed 001: `dictionary` is "polyphonic character corrections (cloned voices + TTS-1.5 only)".
 * The 1.5 models are named `senseaudio-tts-1.5-<date>` (providers.md §1). A cloned voice has no
 * documented id form, so the one thing known about a voice is that the documents' example
 * `male_0004_a` is a system voice: it is refused, any other id is taken as cloned and the server
 * is the judge (a refusal there is a 2013 before any audio, not a billed segment).
 */
const TTS_15_MODEL = /tts-1\.5/i;
export const SENSEAUDIO_SYSTEM_VOICES: readonly string[] = ['male_0004_a'];

export function takesDictionary(query: PauseSupportQuery): boolean {
  return TTS_15_MODEL.test(query.model) && !SENSEAUDIO_SYSTEM_VOICES.includes(query.voice);
}

/** How SenseAudio can be told a pronunciation for this model and voice. */
export function senseAudioPronunciation(query: PauseSupportQuery): PronunciationSupport {
  if (takesDictionary(query)) {
    return { methods: ['dictionary', 'respell'], note: 'dictionary: cloned voices on the TTS-1.5 models (seed 001)' };
  }
  return {
    methods: ['respell'],
    note: `dictionary is for cloned voices on the TTS-1.5 models only (seed 001); ${query.model} with ${query.voice} takes respelling`,
  };
}

/**
 * Refuses a `dictionary` setting the document excludes, with one line, before anything is
 * enqueued: a refusal rather than a warning, since the server's answer to it is undocumented and a
 * dictionary silently ignored would bill a book read with the wrong pronunciations.
 */
export function checkDictionary(settings: VoiceSettings, query: PauseSupportQuery): void {
  const dictionary = settings.dictionary;
  if (!Array.isArray(dictionary) || dictionary.length === 0 || takesDictionary(query)) return;
  const why = TTS_15_MODEL.test(query.model)
    ? `${query.voice} is a system voice`
    : `model ${query.model} is not a TTS-1.5 model (e.g. --model senseaudio-tts-1.5-260319)`;
  throw new InputError('dictionary', `SenseAudio takes it for cloned voices on the TTS-1.5 models only (seed 001): ${why}`, dictionary);
}
