/** One voice a provider documents, as `tts-batch voices` and GET /v1/voices list it. */
export interface VoiceInfo {
  /** What `--voice` takes. */
  id: string;
  /** The document's name or description for it, as written (e.g. 温润暖男). */
  description?: string;
  /** Languages the document says it speaks (BCP 47 where the document allows, e.g. zh, en). */
  languages: readonly string[];
  /** Models it is documented for, when the document ties voices to models. */
  models?: readonly string[];
  /** May be blended with others (SenseNova timbre_weights). */
  blendable?: boolean;
  /** Accepts SSML (CosyVoice's table marks it per voice). */
  ssml?: boolean;
}

/** A provider's documented voices, and how a voice not listed can still be used. */
export interface VoiceList {
  voices: readonly VoiceInfo[];
  /** Where the list comes from (a document's table, espeak-ng's own catalog). */
  source: string;
  /** False when the document names only examples (SenseAudio): the list is then not the whole truth. */
  complete: boolean;
  /** The documented rule for voices outside the list: cloned ids, CUSTOM_VOICES. */
  otherVoices: string;
}
