import type { PauseSupport, PauseSupportQuery } from '../pause-support.ts';
import type { PronunciationSupport } from '../pronunciation.ts';
import { COSYVOICE_V2_MODEL, COSYVOICE_V2_TABLE } from './voices.ts';

const SSML_VOICES = new Set(COSYVOICE_V2_TABLE.filter((voice) => voice.ssml).map((voice) => voice.id));

/**
 * Whether this model and voice take SSML, by the SDK page (seeds/004): only cosyvoice-v2, only
 * the voices its table marks ✅, and never a cloned voice (FAQ: "声音复刻音色不支持SSML"). A voice
 * from CUSTOM_VOICES is not in the table, so it is not known to: plain text. (The newer WebSocket
 * and SSML pages also name cosyvoice-v3 models and allow cloned voices; the SDK page is the one we
 * follow: docs/providers/cosyvoice.md, "SSML".)
 */
export function cosyVoiceTakesSsml(query: PauseSupportQuery): boolean {
  return query.model === COSYVOICE_V2_MODEL && SSML_VOICES.has(query.voice);
}

/** SSML `<break>` where SSML works; elsewhere the producer cuts at the tag and the join adds the silence. */
export function cosyVoicePauseSupport(query: PauseSupportQuery): PauseSupport {
  return cosyVoiceTakesSsml(query) ? 'ssml' : 'none';
}

/**
 * The SDK page's FAQ: on cosyvoice-v2, fix a wrong pronunciation with SSML `<phoneme>`. It names no
 * alphabet, so none is listed here.
 */
export function cosyVoicePronunciation(query: PauseSupportQuery): PronunciationSupport {
  if (cosyVoiceTakesSsml(query)) {
    return {
      methods: ['phoneme', 'respell'],
      note:
        'SSML <phoneme> on cosyvoice-v2 with a voice the table marks SSML (the SDK page FAQ); the page names no phoneme alphabet ' +
        '(DashScope’s SSML page, not checked here, speaks of pinyin and CMU); otherwise respell',
    };
  }
  return {
    methods: ['respell'],
    note: 'no SSML for this model or voice (only cosyvoice-v2 voices the table marks SSML, never a cloned voice): respell only',
  };
}
