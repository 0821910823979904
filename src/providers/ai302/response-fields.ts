/**
 * Lenient readers for 302.AI answers, whose shapes are UNCONFIRMED (docs/providers/ai302.md): the
 * payload may be flat (`{task_id, status, …}`) or wrapped (`{code, msg, data}`), and each field has
 * been seen under several names. Each reader tries the names in one list, in order.
 */

import { isRecord } from '../shared/json-record.ts';

export type JsonRecord = Record<string, unknown>;

/** A `{code, msg}` answer whose code is not a success, or a bare error body. */
export interface BusinessError {
  code: string | number | undefined;
  message: string;
}

export type Unwrapped = { payload: JsonRecord; error?: undefined } | { payload?: undefined; error: BusinessError };

const SUCCESS_CODES = new Set(['0', '200', 'success', 'ok']);

/**
 * The payload of an answer: `data` when wrapped with a success code, the body itself when
 * flat. A wrapper with another code, or a body that is only an error, is a business error.
 */
export function unwrapAnswer(body: unknown): Unwrapped {
  if (!isRecord(body)) return { error: { code: undefined, message: describeJson(body) } };
  const wrapped = 'code' in body && ('data' in body || 'msg' in body || 'message' in body) && !hasTaskFields(body);
  if (wrapped) {
    const code = body.code;
    if (typeof code === 'number' || typeof code === 'string') {
      if (!SUCCESS_CODES.has(String(code).toLowerCase())) return { error: { code, message: errorMessageOf(body) ?? '' } };
    }
    if (isRecord(body.data)) return { payload: body.data };
    return {
      error: { code: typeof code === 'number' || typeof code === 'string' ? code : undefined, message: 'the answer carries no data' },
    };
  }
  if (!hasTaskFields(body) && body.error !== undefined) {
    return { error: { code: errorCodeOf(body), message: errorMessageOf(body) ?? '' } };
  }
  return { payload: body };
}

function hasTaskFields(body: JsonRecord): boolean {
  return readTaskId(body) !== undefined || readStatusWord(body) !== undefined;
}

/** Follows a dotted path (`result.audio_url`); array steps are numbers (`results.0.url`). */
function at(body: JsonRecord, path: string): unknown {
  let current: unknown = body;
  for (const step of path.split('.')) {
    if (Array.isArray(current)) current = current[Number(step)];
    else if (isRecord(current)) current = current[step];
    else return undefined;
  }
  return current;
}

function firstString(body: JsonRecord, paths: readonly string[]): string | undefined {
  for (const path of paths) {
    const value = at(body, path);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  }
  return undefined;
}

const TASK_ID_PATHS = ['task_id', 'taskid', 'taskId', 'id', 'task.id', 'task.task_id'];
const STATUS_PATHS = ['status', 'state', 'task_status', 'taskStatus', 'task.status', 'output.status', 'output.task_status'];
const AUDIO_URL_PATHS = [
  'audio_url',
  'audioUrl',
  'url',
  'result_url',
  'resultUrl',
  'audio',
  'audio_file',
  'file_url',
  'output_url',
  'result',
  'output',
  'result.audio_url',
  'result.url',
  'result.audio',
  'result.file_url',
  'output.audio_url',
  'output.url',
  'output.audio',
  'data.audio_url',
  'data.url',
  'results.0.url',
  'results.0.audio_url',
  'output.0',
];
const FAILURE_PATHS = [
  'error.message',
  'error',
  'error_message',
  'errorMessage',
  'fail_reason',
  'failure_reason',
  'reason',
  'message',
  'msg',
  'detail',
  'result.error',
  'output.error',
];
const BILLED_PATHS = [
  'usage.characters',
  'usage.input_characters',
  'usage_characters',
  'billed_characters',
  'characters',
  'result.usage.characters',
];

export function readTaskId(body: JsonRecord): string | undefined {
  return firstString(body, TASK_ID_PATHS);
}

export function readStatusWord(body: JsonRecord): string | undefined {
  for (const path of STATUS_PATHS) {
    const value = at(body, path);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
  }
  return undefined;
}

/** The first field holding an http(s) URL: only a real link counts (a status text in `result` does not). */
export function readAudioUrl(body: JsonRecord): string | undefined {
  for (const path of AUDIO_URL_PATHS) {
    const value = at(body, path);
    if (typeof value === 'string' && isHttpUrl(value.trim())) return value.trim();
  }
  return undefined;
}

export function readFailureMessage(body: JsonRecord): string | undefined {
  for (const path of FAILURE_PATHS) {
    const value = at(body, path);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (Array.isArray(value) && value.length > 0) return describeJson(value);
  }
  return undefined;
}

/** Characters the provider says it billed, when it says so (a non-negative integer). */
export function readBilledCharacters(body: JsonRecord): number | undefined {
  for (const path of BILLED_PATHS) {
    const value = at(body, path);
    const number = typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;
    if (typeof number === 'number' && Number.isInteger(number) && number >= 0) return number;
  }
  return undefined;
}

/** `error.code`, `error.err_code`, `err_code` or `code` of an error body. */
export function errorCodeOf(body: unknown): string | number | undefined {
  if (!isRecord(body)) return undefined;
  for (const path of ['error.err_code', 'error.code', 'err_code', 'code', 'error.type']) {
    const value = at(body, path);
    if (typeof value === 'number' || (typeof value === 'string' && value !== '')) return value;
  }
  return undefined;
}

/** `error.message`, `message`, `msg`, `detail` (FastAPI's list of issues too), or a string `error`. */
export function errorMessageOf(body: unknown): string | undefined {
  if (!isRecord(body)) return undefined;
  for (const path of ['error.message', 'error.msg', 'message', 'msg', 'error', 'detail', 'error_message']) {
    const value = at(body, path);
    if (typeof value === 'string' && value.trim() !== '') return value.trim();
    if (Array.isArray(value) && value.length > 0)
      return value.map((item) => (isRecord(item) && typeof item.msg === 'string' ? item.msg : describeJson(item))).join('; ');
  }
  return undefined;
}

export function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
}

function describeJson(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
