import type { SynthesisRequest, WordTiming } from '../provider.ts';
import { isRecord } from '../shared/json-record.ts';
import { wantsWordTimestamps } from './settings.ts';

/**
 * The DashScope duplex WebSocket protocol for CosyVoice (docs/providers/cosyvoice.md): client text
 * frames run-task → continue-task… → finish-task, server events task-started, result-generated,
 * task-finished, task-failed, and audio as binary frames. `payload.input` is required in every
 * client message and unexpected fields are refused, so the shapes below are exact.
 */

/** The documented defaults, sent explicitly so a request never depends on a server default. */
const DEFAULT_VOLUME = 50;
const DEFAULT_RATE = 1;
const DEFAULT_PITCH = 1;

export interface RunTaskParameters {
  text_type: 'PlainText';
  voice: string;
  format: string;
  sample_rate: number;
  volume: number;
  rate: number;
  pitch: number;
  /** Sent only when asked for (the service's default is off). */
  word_timestamp_enabled?: true;
  /** SSML text in the one continue-task (for voices that take it). */
  enable_ssml?: true;
}

export interface RunTaskOptions {
  /** The task's text is one SSML document (`enable_ssml: true`, exactly one continue-task). */
  ssml?: boolean;
}

/** The run-task parameters for a request: generic settings mapped to their wire names. */
export function runTaskParameters(request: SynthesisRequest, options: RunTaskOptions = {}): RunTaskParameters {
  const settings = request.voiceSettings;
  return {
    text_type: 'PlainText',
    voice: request.voice,
    format: request.audio.format,
    sample_rate: request.audio.sampleRate,
    volume: numberOr(settings.vol, DEFAULT_VOLUME),
    rate: numberOr(settings.speed, DEFAULT_RATE),
    pitch: numberOr(settings.pitch, DEFAULT_PITCH),
    ...(wantsWordTimestamps(settings) ? { word_timestamp_enabled: true as const } : {}),
    ...(options.ssml === true ? { enable_ssml: true as const } : {}),
  };
}

export function runTaskMessage(taskId: string, request: SynthesisRequest, options: RunTaskOptions = {}): string {
  return JSON.stringify({
    header: { action: 'run-task', task_id: taskId, streaming: 'duplex' },
    payload: {
      task_group: 'audio',
      task: 'tts',
      function: 'SpeechSynthesizer',
      model: request.model,
      parameters: runTaskParameters(request, options),
      input: {},
    },
  });
}

export function continueTaskMessage(taskId: string, text: string): string {
  return JSON.stringify({
    header: { action: 'continue-task', task_id: taskId, streaming: 'duplex' },
    payload: { input: { text } },
  });
}

/**
 * finish-task ends the input; with `directive: 'cancel'` it asks the service to stop and drop the
 * audio not yet sent, as the SDK's streaming_cancel does (`payload.input.directive`), and the
 * service answers task-finished.
 */
export function finishTaskMessage(taskId: string, directive?: 'cancel'): string {
  return JSON.stringify({
    header: { action: 'finish-task', task_id: taskId, streaming: 'duplex' },
    payload: { input: directive === undefined ? {} : { directive } },
  });
}

/**
 * `payload.output.sentence` of a result-generated or task-finished event: the sentence number and
 * its word timestamps (`words[]` of text, begin_time, end_time in ms), when the event has any.
 */
export interface SentenceWords {
  index?: number;
  words: WordTiming[];
}

/** A server event, reduced to what the client acts on. */
export type ServerEvent =
  | { event: 'task-started' }
  | { event: 'result-generated'; outputType?: string; characters?: number; sentence?: SentenceWords }
  | { event: 'task-finished'; characters?: number; sentence?: SentenceWords }
  | { event: 'task-failed'; errorCode: string; errorMessage: string }
  /** An event this client does not know: ignored, as later protocol versions may add some. */
  | { event: 'other'; name: string };

/**
 * Reads one text frame. Returns undefined when it is not a DashScope event at all (not JSON,
 * or no `header.event`). Usage is read wherever it comes: the docs say the last message's
 * `usage.characters` is the billed total.
 */
export function parseServerEvent(text: string): ServerEvent | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
  if (!isRecord(parsed) || !isRecord(parsed.header)) return undefined;
  const header = parsed.header;
  const name = header.event;
  if (typeof name !== 'string') return undefined;
  const payload = isRecord(parsed.payload) ? parsed.payload : {};
  const characters = readCharacters(payload);
  const withCharacters = characters === undefined ? {} : { characters };
  const output = isRecord(payload.output) ? payload.output : {};
  const sentence = readSentenceWords(output);
  const withSentence = sentence === undefined ? {} : { sentence };
  switch (name) {
    case 'task-started':
      return { event: 'task-started' };
    case 'result-generated':
      return {
        event: 'result-generated',
        ...(typeof output.type === 'string' ? { outputType: output.type } : {}),
        ...withCharacters,
        ...withSentence,
      };
    case 'task-finished':
      return { event: 'task-finished', ...withCharacters, ...withSentence };
    case 'task-failed': {
      const code = header.error_code;
      const message = header.error_message;
      return {
        event: 'task-failed',
        errorCode: typeof code === 'string' && code !== '' ? code : 'UNKNOWN',
        errorMessage: typeof message === 'string' ? message : '',
      };
    }
    default:
      return { event: 'other', name };
  }
}

/** The sentence's words, when it has any; entries without a text and two whole-ms times are skipped. */
function readSentenceWords(output: Record<string, unknown>): SentenceWords | undefined {
  const sentence = output.sentence;
  if (!isRecord(sentence) || !Array.isArray(sentence.words)) return undefined;
  const words: WordTiming[] = [];
  for (const word of sentence.words as unknown[]) {
    if (!isRecord(word) || typeof word.text !== 'string') continue;
    const { begin_time: begin, end_time: end } = word;
    if (!isWholeMs(begin) || !isWholeMs(end) || end < begin) continue;
    words.push({ text: word.text, startMs: begin, endMs: end });
  }
  if (words.length === 0) return undefined;
  const index = sentence.index;
  return { ...(isWholeMs(index) ? { index } : {}), words };
}

function isWholeMs(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

function readCharacters(payload: Record<string, unknown>): number | undefined {
  const usage = payload.usage;
  if (!isRecord(usage)) return undefined;
  const characters = usage.characters;
  return typeof characters === 'number' && Number.isInteger(characters) && characters >= 0 ? characters : undefined;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}
