/**
 * How a provider can make the pause a `<break time=N>` tag in the book asks for. Each provider
 * declares it from its own document (docs/providers/<name>.md), per model and voice where the
 * document says it depends on them:
 * - `tag`: the provider reads `<break time=N>` itself (SenseAudio's documented syntax); the tag
 *   is sent as written.
 * - `ssml`: the client rewrites the tag as SSML `<break time="Nms"/>` inside `<speak>` (CosyVoice
 *   with `enable_ssml`, where the model and voice support SSML).
 * - `none`: the provider has no documented way; sending the tag might have it read aloud. The
 *   producer cuts the text at the tag, drops it, and the join inserts N ms of silence there.
 */
export type PauseSupport = 'tag' | 'ssml' | 'none';

/** What a provider's pauseSupport() is asked about. */
export interface PauseSupportQuery {
  model: string;
  voice: string;
}
