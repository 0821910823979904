import type { SimFormat } from './audio.ts';

/** What a run-task asked for, once checked. */
export interface SimTaskSettings {
  model: string;
  voice: string;
  format: SimFormat;
  sampleRate: number;
  /** `word_timestamp_enabled: true`: the sentence events carry word timestamps. */
  wordTimestamps: boolean;
  /** `enable_ssml: true`: the one continue-task is an SSML document. */
  ssml: boolean;
  parameters: Record<string, unknown>;
}

export type ClientMessage =
  | { action: 'run-task'; taskId: string; payload: Record<string, unknown> }
  | { action: 'continue-task'; taskId: string; text: string }
  /** `cancel`: the SDK's streaming_cancel (finish-task with `payload.input.directive: "cancel"`). */
  | { action: 'finish-task'; taskId: string; cancel: boolean };

export type Checked<T> = { ok: true; value: T } | { ok: false; message: string };

const HEADER_KEYS = new Set(['action', 'task_id', 'streaming']);
const RUN_TASK_KEYS = new Set(['task_group', 'task', 'function', 'model', 'parameters', 'input', 'resources']);
/**
 * The parameters the protocol page documents, plus `type` (the SDK's `synthesis_type`, which the
 * official Python SDK sends in every run-task, default 0).
 */
const PARAMETER_KEYS = new Set([
  'type',
  'text_type',
  'voice',
  'format',
  'sample_rate',
  'volume',
  'rate',
  'pitch',
  'bit_rate',
  'enable_ssml',
  'word_timestamp_enabled',
  'seed',
  'language_hints',
]);
/**
 * continue-task payload: `input` per the protocol page; the official Python SDK repeats the
 * run-task's `model`, `task_group`, `task` and `function` in every continue-task.
 */
const CONTINUE_TASK_KEYS = new Set(['input', 'model', 'task_group', 'task', 'function']);
const FORMATS = ['mp3', 'wav', 'pcm', 'opus'];
const SAMPLE_RATES = [8000, 16000, 22050, 24000, 44100, 48000];

/**
 * Reads one client text frame. DashScope refuses unexpected fields and requires `payload.input` in
 * every message (docs/providers/cosyvoice.md); so does this.
 */
export function parseClientMessage(text: string): Checked<ClientMessage> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return fail('the message is not JSON');
  }
  if (!isRecord(parsed)) return fail('the message must be a JSON object');
  for (const key of Object.keys(parsed)) if (key !== 'header' && key !== 'payload') return fail(`unexpected field ${key}`);
  const { header, payload } = parsed;
  if (!isRecord(header)) return fail('header is required');
  for (const key of Object.keys(header)) if (!HEADER_KEYS.has(key)) return fail(`unexpected field header.${key}`);
  if (header.streaming !== 'duplex') return fail('header.streaming must be "duplex"');
  const taskId = header.task_id;
  if (typeof taskId !== 'string' || !/^[0-9a-zA-Z-]{16,64}$/.test(taskId)) return fail('header.task_id must be a task id (a uuid)');
  if (!isRecord(payload)) return fail('payload is required');
  if (!isRecord(payload.input)) return fail('payload.input is required');
  const input = payload.input;
  switch (header.action) {
    case 'run-task':
      for (const key of Object.keys(payload)) if (!RUN_TASK_KEYS.has(key)) return fail(`unexpected field payload.${key}`);
      if (Object.keys(input).length > 0) return fail('payload.input of run-task must be empty');
      return { ok: true, value: { action: 'run-task', taskId, payload } };
    case 'continue-task': {
      for (const key of Object.keys(payload)) if (!CONTINUE_TASK_KEYS.has(key)) return fail(`unexpected field payload.${key}`);
      for (const key of ['model', 'task_group', 'task', 'function']) {
        if (payload[key] !== undefined && typeof payload[key] !== 'string') return fail(`payload.${key} must be a string`);
      }
      for (const key of Object.keys(input)) if (key !== 'text') return fail(`unexpected field payload.input.${key}`);
      const text = input.text;
      if (typeof text !== 'string' || text === '') return fail('payload.input.text must be a non-empty string');
      return { ok: true, value: { action: 'continue-task', taskId, text } };
    }
    case 'finish-task':
      for (const key of Object.keys(payload)) if (key !== 'input') return fail(`unexpected field payload.${key}`);
      for (const key of Object.keys(input)) if (key !== 'directive') return fail(`unexpected field payload.input.${key}`);
      if (input.directive !== undefined && input.directive !== 'cancel') return fail('payload.input.directive must be "cancel"');
      return { ok: true, value: { action: 'finish-task', taskId, cancel: input.directive === 'cancel' } };
    default:
      return fail(`unknown action ${JSON.stringify(header.action)}`);
  }
}

/** Checks a run-task's payload like the service: task group, model, voice, parameters and ranges. */
export function validateRunTask(
  payload: Record<string, unknown>,
  models: readonly string[],
  voices: readonly string[] | undefined,
): Checked<SimTaskSettings> {
  if (payload.task_group !== 'audio' || payload.task !== 'tts' || payload.function !== 'SpeechSynthesizer') {
    return fail('task_group/task/function must be audio/tts/SpeechSynthesizer');
  }
  const model = payload.model;
  if (typeof model !== 'string' || !models.includes(model)) return fail(`Model not found: ${JSON.stringify(model)}`);
  const parameters = payload.parameters;
  if (!isRecord(parameters)) return fail('payload.parameters is required');
  for (const key of Object.keys(parameters)) if (!PARAMETER_KEYS.has(key)) return fail(`unexpected field parameters.${key}`);
  if (parameters.text_type !== 'PlainText') return fail('parameters.text_type must be PlainText for streaming input');
  const voice = parameters.voice;
  if (typeof voice !== 'string' || voice === '') return fail('parameters.voice is required');
  if (voices !== undefined && !voices.includes(voice)) return fail(`voice not found: ${voice}`);
  const format = parameters.format ?? 'mp3';
  if (typeof format !== 'string' || !FORMATS.includes(format)) return fail(`parameters.format must be one of ${FORMATS.join(', ')}`);
  if (format === 'opus') return fail('this simulator does not produce opus');
  if (parameters.bit_rate !== undefined) return fail('parameters.bit_rate applies to opus only');
  const sampleRate = parameters.sample_rate ?? 22050;
  if (typeof sampleRate !== 'number' || !SAMPLE_RATES.includes(sampleRate))
    return fail(`parameters.sample_rate must be one of ${SAMPLE_RATES.join(', ')}`);
  const problem =
    range(parameters.type, 'type', 0, Number.MAX_SAFE_INTEGER, true) ??
    range(parameters.seed, 'seed', 0, 65_535, true) ??
    range(parameters.volume, 'volume', 0, 100, true) ??
    range(parameters.rate, 'rate', 0.5, 2, false) ??
    range(parameters.pitch, 'pitch', 0.5, 2, false);
  if (problem) return fail(problem);
  for (const flag of ['word_timestamp_enabled', 'enable_ssml']) {
    if (parameters[flag] !== undefined && typeof parameters[flag] !== 'boolean') return fail(`parameters.${flag} must be a boolean`);
  }
  const wordTimestamps = parameters.word_timestamp_enabled === true;
  const ssml = parameters.enable_ssml === true;
  return { ok: true, value: { model, voice, format: format as SimFormat, sampleRate, wordTimestamps, ssml, parameters } };
}

function range(value: unknown, name: string, min: number, max: number, integer: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    return `parameters.${name} must be ${integer ? 'an integer ' : ''}in [${min}, ${max}], got ${JSON.stringify(value)}`;
  }
  return undefined;
}

function fail(message: string): { ok: false; message: string } {
  return { ok: false, message };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
