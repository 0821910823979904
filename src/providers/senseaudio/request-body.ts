import type { SynthesisRequest } from '../provider.ts';

/** Voice settings SenseAudio documents besides voice_id; anything else stays out of the body. */
const VOICE_KEYS = ['speed', 'vol', 'pitch', 'latex_read'] as const;

/** The JSON body of POST /v1/t2a_v2 for one streamed segment. */
export function buildRequestBody(request: SynthesisRequest): Record<string, unknown> {
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
  return {
    model: request.model,
    text: request.text,
    stream: true,
    // Without this the final event repeats all the audio: twice the bytes on the wire.
    stream_options: { exclude_aggregated_audio: true },
    voice_setting: voiceSetting,
    audio_setting: audioSetting,
  };
}
