import { pauseTagsMs, type SimAudioSetting } from './audio.ts';

/** A request body the simulator accepted. */
export interface SimRequest {
  model: string;
  text: string;
  stream: boolean;
  /** Only a lenient server reads it (MiniMax's field, not SenseAudio's): see ValidateOptions.unknownFields. */
  excludeAggregatedAudio: boolean;
  voiceId: string;
  voiceSetting: Record<string, unknown>;
  audio: SimAudioSetting;
  /** The documented `dictionary`: each `original` is read as its `replacement`. */
  dictionary: readonly DictionaryEntry[];
}

/** One entry of the documented `dictionary` (providers.md §1: `[{"original":"好干净","replacement":"[hao4]干净"}]`). */
export interface DictionaryEntry {
  original: string;
  replacement: string;
}

/**
 * What the server does with a body field none of the documented tables name:
 * - `refuse` (default): a strict server, as providers.md's rule has it for bad parameters
 *   (HTTP 200, base_resp.status_code 2013, the field named in status_msg);
 * - `accept`: a lenient server that lets unknown fields through; it then also honours MiniMax's
 *   `stream_options.exclude_aggregated_audio`, as a server sharing MiniMax's code would.
 */
export type UnknownFields = 'refuse' | 'accept';

export interface ValidateOptions {
  models: readonly string[];
  /** When set, any other voice_id is refused with 20132. */
  voices?: readonly string[] | undefined;
  unknownFields?: UnknownFields;
  /**
   * The server's own (system) voices, which do not take `dictionary` (seed 001: cloned voices +
   * TTS-1.5 only); any other voice id counts as a cloned one. Default: the seed's example id.
   */
  systemVoices?: readonly string[] | undefined;
}

/** A refusal carries the business code to answer with: 2013 (parameters) or 20132 (voice). */
export type Validation = { ok: true; request: SimRequest } | { ok: false; code: number; message: string };

export const MAX_TEXT_CODE_POINTS = 10_000;
const FORMATS = ['mp3', 'wav', 'pcm', 'flac'] as const;
const SAMPLE_RATES = [8000, 16000, 22050, 24000, 32000, 44100];
const BITRATES = [32000, 64000, 128000, 256000];
/** The body's parameters in seed 001's table, and nothing else. */
const BODY_KEYS = new Set(['model', 'text', 'stream', 'voice_setting', 'audio_setting', 'dictionary']);
const VOICE_KEYS = new Set(['voice_id', 'speed', 'vol', 'pitch', 'latex_read']);
const AUDIO_KEYS = new Set(['format', 'sample_rate', 'bitrate', 'channel']);

/**
 * Checks a /v1/t2a_v2 body the way the documentation describes it (docs/providers/senseaudio.md).
 * Each problem gets a status_msg naming the parameter and its rule, as a client would want to see
 * it in an error.
 */
export function validateRequest(body: unknown, options: ValidateOptions): Validation {
  const { models, voices } = options;
  if (!isRecord(body)) return fail('invalid params, body must be a JSON object');
  if ((options.unknownFields ?? 'refuse') === 'refuse') {
    const unknown = Object.keys(body).find((key) => !BODY_KEYS.has(key));
    if (unknown !== undefined) return fail(`invalid params, ${unknown} is not a parameter`);
  }
  if (typeof body.model !== 'string' || body.model === '') return fail('invalid params, model is required');
  if (!models.includes(body.model)) return fail(`invalid params, unknown model ${body.model}`);
  if (typeof body.text !== 'string' || body.text.trim() === '') return fail('invalid params, text is required');
  const length = [...body.text].length;
  if (length > MAX_TEXT_CODE_POINTS) return fail(`invalid params, text is ${length} characters, over the ${MAX_TEXT_CODE_POINTS} limit`);
  const pauseProblem = breakProblem(body.text);
  if (pauseProblem) return fail(pauseProblem);
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
  const dictionary = readDictionary(body.dictionary, body.model, voice.voice_id, options.systemVoices ?? DEFAULT_SYSTEM_VOICES);
  if (typeof dictionary === 'string') return fail(dictionary);
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
      dictionary,
    },
  };
}

/** Seed 001: `<break time=500>`, "time unit: milliseconds, min 100ms". */
const MIN_BREAK_MS = 100;
const DEFAULT_SYSTEM_VOICES = ['male_0004_a'];

/**
 * A pause tag under 100 ms is a bad parameter (2013), like any other value out of its range:
 * the document gives the minimum and no other behaviour, and providers.md's rule for a value out
 * of range is 2013 in HTTP 200. (Reading it as 100 ms would be the lenient guess; a client that
 * passes the refusal test is right on either server.)
 */
function breakProblem(text: string): string | undefined {
  const short = pauseTagsMs(text).find((ms) => !(ms >= MIN_BREAK_MS));
  if (short === undefined) return undefined;
  return `invalid params, <break time=${short}> is under the ${MIN_BREAK_MS} ms minimum`;
}

/**
 * `dictionary`: an array of {original, replacement} strings. Seed 001 says it is for cloned
 * voices on TTS-1.5 only; what the server does otherwise is not documented, so the simulator
 * refuses it there (2013), the strict reading.
 */
function readDictionary(value: unknown, model: string, voiceId: string, systemVoices: readonly string[]): DictionaryEntry[] | string {
  if (value === undefined) return [];
  if (!Array.isArray(value)) return 'invalid params, dictionary must be an array of {original, replacement}';
  const entries: DictionaryEntry[] = [];
  for (const [index, entry] of value.entries()) {
    if (!isRecord(entry) || typeof entry.original !== 'string' || entry.original === '' || typeof entry.replacement !== 'string') {
      return `invalid params, dictionary[${index}] must be {original: non-empty string, replacement: string}`;
    }
    const extra = Object.keys(entry).find((key) => key !== 'original' && key !== 'replacement');
    if (extra !== undefined) return `invalid params, dictionary[${index}].${extra} is not a parameter`;
    entries.push({ original: entry.original, replacement: entry.replacement });
  }
  if (entries.length === 0) return entries;
  if (!/tts-1\.5/i.test(model)) return `invalid params, dictionary is for the TTS-1.5 models only, not ${model}`;
  if (systemVoices.includes(voiceId)) return `invalid params, dictionary is for cloned voices only, ${voiceId} is a system voice`;
  return entries;
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
