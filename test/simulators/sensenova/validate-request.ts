/** The audio a request asked for, with the documented defaults filled in. */
export interface SimAudioRequest {
  format: 'mp3' | 'wav' | 'pcm';
  sampleRate: number;
  channels: 1 | 2;
  bitrate: number;
}

/** A request body the simulator accepted. */
export interface SimRequest {
  model: string;
  input: string;
  stream: boolean;
  outputFormat: 'hex' | 'url';
  voice: string;
  voiceSetting: Record<string, unknown>;
  audio: SimAudioRequest;
  /** Normalised to the array form; empty for one voice. */
  timbreWeights: { voice: string; weight: number }[];
  /** The language spoken: as sent, upper-cased; ZH (the documented default) when absent. */
  language: 'ZH' | 'EN';
}

export type Validation = { ok: true; request: SimRequest } | { ok: false; message: string };

export interface ValidationRules {
  models: readonly string[];
  /** undefined: any voice id is accepted. */
  voices: readonly string[] | undefined;
  maxInputChars: number;
}

const FORMATS = ['mp3', 'wav', 'pcm'] as const;
const SAMPLE_RATES = [8000, 16000, 22050, 24000, 32000, 44100];
const BITRATES = [32000, 64000, 128000, 256000];
const TOP_KEYS = new Set(['model', 'input', 'stream', 'language', 'voice_setting', 'audio_setting', 'timbre_weights', 'output_format']);
const VOICE_KEYS = new Set(['voice', 'speed', 'volume', 'pitch']);
const AUDIO_KEYS = new Set(['sample_rate', 'channel', 'bitrate', 'response_format']);
/**
 * The parameter table lists "ZH, EN, 默认 ZH"; every example sends "zh". Those spellings pass and
 * nothing else: a server that validates would not guess at `Zh`, `english` or `zh-CN`.
 */
const LANGUAGES = new Map<unknown, 'ZH' | 'EN'>([
  ['ZH', 'ZH'],
  ['EN', 'EN'],
  ['zh', 'ZH'],
  ['en', 'EN'],
]);
const MAX_VOICES = 4;
const WEIGHT_TOLERANCE = 1e-6;

/**
 * Checks a speech_fusion body the way its documentation describes it (docs/providers/sensenova.md,
 * "Request body"); each refusal names the parameter and its rule, as a 400 message would.
 * `timbre_weights` is accepted as the examples' array of {voice, weight} and as the parameter
 * table's object {voice: weight}.
 */
export function validateRequest(body: unknown, rules: ValidationRules): Validation {
  if (!isRecord(body)) return fail('body must be a JSON object');
  for (const key of Object.keys(body)) if (!TOP_KEYS.has(key)) return fail(`unknown parameter ${key}`);
  if (typeof body.model !== 'string' || body.model === '') return fail('model is required');
  if (!rules.models.includes(body.model)) return fail(`unknown model ${body.model}`);
  if (typeof body.input !== 'string' || body.input.trim() === '') return fail('input is required');
  const length = [...body.input].length;
  if (length > rules.maxInputChars) return fail(`input is ${length} characters, over the ${rules.maxInputChars} limit`);
  const stream = body.stream ?? false;
  if (typeof stream !== 'boolean') return fail('stream must be a boolean');
  const language = body.language === undefined ? 'ZH' : LANGUAGES.get(body.language);
  if (language === undefined) return fail(`language must be ZH or EN, got ${JSON.stringify(body.language)}`);
  const outputFormat = body.output_format ?? 'hex';
  if (outputFormat !== 'hex' && outputFormat !== 'url')
    return fail(`output_format must be hex or url, got ${JSON.stringify(outputFormat)}`);
  if (outputFormat === 'url' && stream) return fail('output_format url requires stream to be false');

  const voice = body.voice_setting;
  if (!isRecord(voice)) return fail('voice_setting is required');
  for (const key of Object.keys(voice)) if (!VOICE_KEYS.has(key)) return fail(`voice_setting.${key} is unknown`);
  if (typeof voice.voice !== 'string' || voice.voice === '') return fail('voice_setting.voice is required');
  if (rules.voices !== undefined && !rules.voices.includes(voice.voice)) return fail(`voice_setting.voice ${voice.voice} does not exist`);
  const voiceProblem =
    range(voice.speed, 'voice_setting.speed', 0.5, 2, false) ??
    (voice.volume !== undefined && (typeof voice.volume !== 'number' || !(voice.volume > 0 && voice.volume <= 10))
      ? `voice_setting.volume must be in (0, 10], got ${JSON.stringify(voice.volume)}`
      : undefined) ??
    range(voice.pitch, 'voice_setting.pitch', -12, 12, true);
  if (voiceProblem) return fail(voiceProblem);

  const audio = body.audio_setting ?? {};
  if (!isRecord(audio)) return fail('audio_setting must be an object');
  for (const key of Object.keys(audio)) if (!AUDIO_KEYS.has(key)) return fail(`audio_setting.${key} is unknown`);
  const format = audio.response_format ?? 'mp3';
  if (!FORMATS.includes(format as (typeof FORMATS)[number])) {
    return fail(`audio_setting.response_format must be one of ${FORMATS.join(', ')}, got ${JSON.stringify(format)}`);
  }
  const sampleRate = audio.sample_rate ?? 32000;
  if (typeof sampleRate !== 'number' || !SAMPLE_RATES.includes(sampleRate)) {
    return fail(`audio_setting.sample_rate must be one of ${SAMPLE_RATES.join(', ')}, got ${JSON.stringify(sampleRate)}`);
  }
  const bitrate = audio.bitrate ?? 128000;
  if (typeof bitrate !== 'number' || !BITRATES.includes(bitrate)) {
    return fail(`audio_setting.bitrate must be one of ${BITRATES.join(', ')}, got ${JSON.stringify(bitrate)}`);
  }
  const channel = audio.channel ?? 2;
  if (channel !== 1 && channel !== 2) return fail(`audio_setting.channel must be 1 or 2, got ${JSON.stringify(channel)}`);

  const weights = normaliseWeights(body.timbre_weights);
  if (typeof weights === 'string') return fail(weights);
  const weightProblem = checkWeights(weights, voice.voice, rules.voices);
  if (weightProblem) return fail(weightProblem);

  return {
    ok: true,
    request: {
      model: body.model,
      input: body.input,
      stream,
      outputFormat,
      voice: voice.voice,
      voiceSetting: voice,
      audio: { format: format as SimAudioRequest['format'], sampleRate, channels: channel, bitrate },
      timbreWeights: weights,
      language,
    },
  };
}

/** Array form or object form to one list; a string is the problem. */
function normaliseWeights(value: unknown): { voice: string; weight: number }[] | string {
  if (value === undefined || value === null) return [];
  if (Array.isArray(value)) {
    const out: { voice: string; weight: number }[] = [];
    for (const [index, entry] of value.entries()) {
      if (!isRecord(entry) || typeof entry.voice !== 'string' || typeof entry.weight !== 'number') {
        return `timbre_weights[${index}] must be {voice: string, weight: number}`;
      }
      out.push({ voice: entry.voice, weight: entry.weight });
    }
    return out;
  }
  if (isRecord(value)) {
    const out: { voice: string; weight: number }[] = [];
    for (const [voice, weight] of Object.entries(value)) {
      if (typeof weight !== 'number') return `timbre_weights.${voice} must be a number`;
      out.push({ voice, weight });
    }
    return out;
  }
  return 'timbre_weights must be an array of {voice, weight} or an object {voice: weight}';
}

function checkWeights(
  weights: { voice: string; weight: number }[],
  mainVoice: string,
  voices: readonly string[] | undefined,
): string | undefined {
  if (weights.length === 0) return undefined;
  if (weights.length > MAX_VOICES) return `timbre_weights supports at most ${MAX_VOICES} voices, got ${weights.length}`;
  const seen = new Set<string>();
  for (const { voice, weight } of weights) {
    if (voices !== undefined && !voices.includes(voice)) return `timbre_weights voice ${voice} does not exist`;
    if (seen.has(voice)) return `timbre_weights lists ${voice} twice`;
    seen.add(voice);
    if (!Number.isFinite(weight) || weight <= 0 || weight > 1) return `timbre_weights weight of ${voice} must be in (0, 1], got ${weight}`;
  }
  if (!seen.has(mainVoice)) return `voice_setting.voice ${mainVoice} must be included in timbre_weights`;
  const sum = weights.reduce((total, entry) => total + entry.weight, 0);
  if (Math.abs(sum - 1) > WEIGHT_TOLERANCE) return `timbre_weights must sum to 1, got ${Number(sum.toFixed(9))}`;
  return undefined;
}

function range(value: unknown, name: string, min: number, max: number, integer: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    return `${name} must be ${integer ? 'an integer ' : ''}in [${min}, ${max}], got ${JSON.stringify(value)}`;
  }
  return undefined;
}

function fail(message: string): Validation {
  return { ok: false, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
