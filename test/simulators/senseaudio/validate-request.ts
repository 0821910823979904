import type { SimAudioSetting } from './audio.ts';

/** A request body the simulator accepted. */
export interface SimRequest {
  model: string;
  text: string;
  stream: boolean;
  excludeAggregatedAudio: boolean;
  voiceId: string;
  voiceSetting: Record<string, unknown>;
  audio: SimAudioSetting;
}

/** A refusal carries the business code to answer with: 2013 (parameters) or 20132 (voice). */
export type Validation = { ok: true; request: SimRequest } | { ok: false; code: number; message: string };

export const MAX_TEXT_CODE_POINTS = 10_000;
const FORMATS = ['mp3', 'wav', 'pcm', 'flac'] as const;
const SAMPLE_RATES = [8000, 16000, 22050, 24000, 32000, 44100];
const BITRATES = [32000, 64000, 128000, 256000];
const VOICE_KEYS = new Set(['voice_id', 'speed', 'vol', 'pitch', 'latex_read']);
const AUDIO_KEYS = new Set(['format', 'sample_rate', 'bitrate', 'channel']);

/**
 * Checks a /v1/t2a_v2 body the way the documentation describes it (docs/providers/senseaudio.md).
 * Each problem gets a status_msg naming the parameter and its rule, as a client would want to see
 * it in an error.
 */
export function validateRequest(body: unknown, models: readonly string[], voices: readonly string[] | undefined): Validation {
  if (!isRecord(body)) return fail('invalid params, body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') return fail('invalid params, model is required');
  if (!models.includes(body.model)) return fail(`invalid params, unknown model ${body.model}`);
  if (typeof body.text !== 'string' || body.text.trim() === '') return fail('invalid params, text is required');
  const length = [...body.text].length;
  if (length > MAX_TEXT_CODE_POINTS) return fail(`invalid params, text is ${length} characters, over the ${MAX_TEXT_CODE_POINTS} limit`);
  if (typeof body.stream !== 'boolean') return fail('invalid params, stream must be a boolean');
  const voice = body.voice_setting;
  if (!isRecord(voice)) return fail('invalid params, voice_setting is required');
  for (const key of Object.keys(voice)) if (!VOICE_KEYS.has(key)) return fail(`invalid params, voice_setting.${key} is unknown`);
  if (typeof voice.voice_id !== 'string' || voice.voice_id === '') return fail('invalid params, voice_setting.voice_id is required');
  const voiceProblem =
    range(voice.speed, 'voice_setting.speed', 0.5, 2, false) ??
    // Documented as [0, 10], refused at 0 in practice (docs/providers/senseaudio.md).
    (voice.vol !== undefined && (typeof voice.vol !== 'number' || !(voice.vol > 0 && voice.vol <= 10))
      ? `invalid params, voice_setting.vol must be in (0, 10], got ${JSON.stringify(voice.vol)}`
      : undefined) ??
    range(voice.pitch, 'voice_setting.pitch', -12, 12, true) ??
    (voice.latex_read !== undefined && typeof voice.latex_read !== 'boolean'
      ? 'invalid params, voice_setting.latex_read must be a boolean'
      : undefined);
  if (voiceProblem) return fail(voiceProblem);
  const audio = body.audio_setting ?? {};
  if (!isRecord(audio)) return fail('invalid params, audio_setting must be an object');
  for (const key of Object.keys(audio)) if (!AUDIO_KEYS.has(key)) return fail(`invalid params, audio_setting.${key} is unknown`);
  const format = audio.format ?? 'mp3';
  if (!FORMATS.includes(format as (typeof FORMATS)[number])) {
    return fail(`invalid params, audio_setting.format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  const sampleRate = audio.sample_rate ?? 32000;
  if (typeof sampleRate !== 'number' || !SAMPLE_RATES.includes(sampleRate)) {
    return fail(`invalid params, audio_setting.sample_rate must be one of ${SAMPLE_RATES.join(', ')}, got ${JSON.stringify(sampleRate)}`);
  }
  const bitrate = audio.bitrate ?? 128000;
  if (typeof bitrate !== 'number' || !BITRATES.includes(bitrate)) {
    return fail(`invalid params, audio_setting.bitrate must be one of ${BITRATES.join(', ')}, got ${JSON.stringify(bitrate)}`);
  }
  const channel = audio.channel ?? 2;
  if (channel !== 1 && channel !== 2) return fail(`invalid params, audio_setting.channel must be 1 or 2, got ${JSON.stringify(channel)}`);
  if (voices !== undefined && !voices.includes(voice.voice_id))
    return { ok: false, code: 20132, message: `voice id not exist: ${voice.voice_id}` };
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  return {
    ok: true,
    request: {
      model: body.model,
      text: body.text,
      stream: body.stream,
      excludeAggregatedAudio: streamOptions.exclude_aggregated_audio === true,
      voiceId: voice.voice_id,
      voiceSetting: voice,
      audio: { format: format as SimAudioSetting['format'], sampleRate, channels: channel, bitrate },
    },
  };
}

function range(value: unknown, name: string, min: number, max: number, integer: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    return `invalid params, ${name} must be ${integer ? 'an integer ' : ''}in [${min}, ${max}], got ${JSON.stringify(value)}`;
  }
  return undefined;
}

function fail(message: string): Validation {
  return { ok: false, code: 2013, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
