import type { SynthesisRequest } from '../provider.ts';
import { senseAudioPauseText } from './pause-tags.ts';

/** Voice settings SenseAudio documents besides voice_id; anything else stays out of the body. */
const VOICE_KEYS = ['speed', 'vol', 'pitch', 'latex_read'] as const;

export interface RequestBodyOptions {
  /** Add MiniMax's undocumented stream_options.exclude_aggregated_audio (SENSEAUDIO_EXCLUDE_AGGREGATED_AUDIO). */
  excludeAggregatedAudio?: boolean;
}

/**
 * The JSON body of POST /v1/t2a_v2 for one streamed segment: only the fields seed 001's tables
 * document (a strict server refuses any other with 2013), unless an option says otherwise.
 */
export function buildRequestBody(request: SynthesisRequest, options: RequestBodyOptions = {}): Record<string, unknown> {
  const voiceSetting: Record<string, unknown> = { voice_id: request.voice };
  for (const key of VOICE_KEYS) {
    const value = request.voiceSettings[key];
    if (value !== undefined) voiceSetting[key] = value;
  }
  const audioSetting: Record<string, unknown> = {
    format: request.audio.format,
    sample_rate: request.audio.sampleRate,
    channel: request.audio.channels,
  };
  if (request.audio.format === 'mp3' && request.audio.bitrate !== undefined) audioSetting.bitrate = request.audio.bitrate;
  const dictionary = request.voiceSettings.dictionary;
  return {
    model: request.model,
    text: senseAudioPauseText(request.text),
    stream: true,
    // Without it the final event may repeat all the audio (twice the bytes); the assembler drops such a repeat.
    ...(options.excludeAggregatedAudio === true ? { stream_options: { exclude_aggregated_audio: true } } : {}),
    voice_setting: voiceSetting,
    audio_setting: audioSetting,
    ...(Array.isArray(dictionary) && dictionary.length > 0 ? { dictionary } : {}),
  };
}
