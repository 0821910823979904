import { interceptors, type Dispatcher } from 'undici';
import { ConfigError } from '../../errors/config-error.ts';
import type { PollingPolicy, SynthesisMeta, SynthesisRequest, TaskProvider, TaskStatus, TextLimits } from '../provider.ts';
import { createHttpAgent, resolveHttpTimeouts, type HttpTimeouts } from '../shared/http-timeouts.ts';
import { parseBaseUrl } from '../shared/base-url.ts';
import { readTextBody } from '../shared/read-text-body.ts';
import { downloadAudio } from './audio-download.ts';
import {
  classifyBusinessError,
  classifyHttpError,
  classifyNetworkError,
  malformedAnswer,
  quote,
  type Ai302Call,
} from './classify-error.ts';
import { buildCreateRequest, type Ai302TaskKind } from './request-body.ts';
import {
  readAudioUrl,
  readBilledCharacters,
  readFailureMessage,
  readStatusWord,
  readTaskId,
  unwrapAnswer,
  type JsonRecord,
} from './response-fields.ts';
import { failureIsRetryable, statusStateOf } from './task-status.ts';

export interface Ai302ClientOptions {
  apiKey: string;
  /** e.g. https://api.302.ai; a path prefix (a proxy) is kept. */
  baseUrl: string;
  /** POST here creates a voice-clone task. */
  clonePath: string;
  /** POST here creates a smart voice generation task. */
  generatePath: string;
  /** GET `?task_id=` here queries a voice-clone task; default: clonePath. */
  cloneQueryPath?: string;
  /** The same for voice generation; default: generatePath. */
  generateQueryPath?: string;
  limits: TextLimits;
  polling: PollingPolicy;
  timeouts?: Partial<HttpTimeouts>;
  /** A shared dispatcher (proxy, tests). The client then leaves closing it to the owner. */
  dispatcher?: Dispatcher;
  /** The ffmpeg that converts downloads; `ffmpeg` on PATH by default. */
  ffmpegPath?: string;
}

/** File links are often signed CDN URLs that redirect once or twice. */
const MAX_REDIRECTIONS = 5;
/** A create or query answer is a small JSON object; anything larger is not one. */
const MAX_ANSWER_BYTES = 256 * 1024;

/**
 * 302.AI's hosted Higgs Audio v2 (docs/providers/ai302.md) as asynchronous tasks: `submit` creates
 * a voice-clone task (reference clips given) or a voice-generation task, `poll` queries it,
 * `download` fetches the result and converts it to the render's audio.
 *
 * The two task families are queried on different paths, so the task id handed to the worker is
 * `clone:<id>` or `generate:<id>`: a poll after a crash, in another process, knows where to ask.
 * Nothing here retries on its own: a create that is retried may pay for a second task, so
 * retries are the worker's decision, made with the task id already persisted.
 */
export class Ai302Client implements TaskProvider {
  readonly kind = 'task';
  readonly name = 'ai302';
  readonly limits: TextLimits;
  readonly polling: PollingPolicy;
  readonly #apiKey: string;
  readonly #origin: string;
  readonly #paths: Readonly<Record<Ai302TaskKind, string>>;
  readonly #queryPaths: Readonly<Record<Ai302TaskKind, string>>;
  readonly #timeouts: HttpTimeouts;
  readonly #dispatcher: Dispatcher;
  /** The same pool, following redirects: for audio links only (API calls must not be redirected with the key). */
  readonly #downloads: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #ffmpegPath: string | undefined;
  readonly #redact: (text: string) => string;
  #closed = false;

  constructor(options: Ai302ClientOptions) {
    if (options.apiKey.trim() === '') throw new ConfigError('AI302_API_KEY is empty');
    const url = parseBaseUrl(options.baseUrl, 'AI302_BASE_URL');
    const { firstPollMs, maxIntervalMs, deadlineMs } = options.polling;
    if (!(firstPollMs > 0 && maxIntervalMs >= firstPollMs && deadlineMs > firstPollMs)) {
      throw new ConfigError(
        'ai302 polling: need 0 < AI302_POLL_FIRST_MS <= AI302_POLL_MAX_MS and AI302_TASK_DEADLINE_MS > AI302_POLL_FIRST_MS',
        options.polling,
      );
    }
    const prefix = url.pathname.replace(/\/+$/, '');
    this.#apiKey = options.apiKey;
    this.#origin = url.origin;
    this.#paths = { clone: `${prefix}${options.clonePath}`, generate: `${prefix}${options.generatePath}` };
    this.#queryPaths = {
      clone: `${prefix}${options.cloneQueryPath ?? options.clonePath}`,
      generate: `${prefix}${options.generateQueryPath ?? options.generatePath}`,
    };
    this.limits = options.limits;
    this.polling = { ...options.polling };
    this.#timeouts = resolveHttpTimeouts(options.timeouts);
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? createHttpAgent(this.#timeouts);
    this.#downloads = this.#dispatcher.compose(interceptors.redirect({ maxRedirections: MAX_REDIRECTIONS }));
    this.#ffmpegPath = options.ffmpegPath;
    const apiKey = this.#apiKey;
    this.#redact = (text) => text.split(apiKey).join('[redacted]');
  }

  async submit(request: SynthesisRequest): Promise<{ taskId: string }> {
    request.signal?.throwIfAborted();
    const { kind, body } = buildCreateRequest(request);
    const answer = await this.#send('create', 'POST', this.#paths[kind], JSON.stringify(body), request.signal);
    const payload = this.#payloadOf('create', kind, answer);
    const taskId = readTaskId(payload);
    // A 2xx answer was given, so a task may well exist: only its id is unreadable.
    if (taskId === undefined)
      throw malformedAnswer(`no task id in ${summarize(payload)}`, 'create', this.#redact, { outcomeUnknown: true });
    const state = readStatusWord(payload);
    if (state !== undefined && statusStateOf(state) === 'failed') {
      // Refused at once (some task APIs answer a create with a failed task rather than an error).
      const reason = readFailureMessage(payload) ?? state;
      throw classifyBusinessError({ code: 'TASK_FAILED', message: reason }, { call: 'create', redact: this.#redact });
    }
    return { taskId: `${kind}:${taskId}` };
  }

  async poll(taskId: string): Promise<TaskStatus> {
    const { kind, id } = parseTaskRef(taskId);
    const answer = await this.#send('query', 'GET', `${this.#queryPaths[kind]}?task_id=${encodeURIComponent(id)}`, undefined, undefined);
    // A 404 (or 405) here reads the same whether the query path is wrong or the task unknown:
    // classifyHttpError makes it a route error that stops this worker's creates, never "task gone".
    return statusOf(this.#payloadOf('query', kind, answer), (what) => malformedAnswer(what, 'query', this.#redact));
  }

  async *download(audioUrl: string, request: SynthesisRequest): AsyncGenerator<Uint8Array, SynthesisMeta, undefined> {
    yield* downloadAudio(audioUrl, {
      dispatcher: this.#downloads,
      timeouts: this.#timeouts,
      target: request.audio,
      signal: request.signal,
      ffmpegPath: this.#ffmpegPath,
    });
    return {};
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** One API call, its answer read whole (small JSON); wire failures are classified here. */
  async #send(
    call: Ai302Call,
    method: 'GET' | 'POST',
    path: string,
    body: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<RawAnswer> {
    let response: Dispatcher.ResponseData;
    try {
      response = await this.#dispatcher.request({
        origin: this.#origin,
        path,
        method,
        headers: {
          authorization: `Bearer ${this.#apiKey}`,
          accept: 'application/json',
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        ...(body === undefined ? {} : { body }),
        headersTimeout: this.#timeouts.headersMs,
        bodyTimeout: this.#timeouts.bodyIdleMs,
        ...(signal === undefined ? {} : { signal }),
      });
      return { statusCode: response.statusCode, headers: response.headers, text: await readText(response.body, MAX_ANSWER_BYTES) };
    } catch (error) {
      signal?.throwIfAborted();
      throw classifyNetworkError(error, { call, redact: this.#redact });
    }
  }

  /** The payload of a 2xx JSON answer (flat or wrapped); anything else is a classified ProviderError. */
  #payloadOf(call: Ai302Call, kind: Ai302TaskKind, answer: RawAnswer): JsonRecord {
    if (answer.statusCode < 200 || answer.statusCode >= 300) {
      throw classifyHttpError(answer.statusCode, answer.headers, answer.text, {
        call,
        redact: this.#redact,
        pathVariable: pathVariableOf(call, kind),
      });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(answer.text) as unknown;
    } catch {
      // A create answered 2xx may have made its task, whatever the body says.
      throw malformedAnswer(`not JSON: ${quote(answer.text.slice(0, 120), this.#redact)}`, call, this.#redact, {
        outcomeUnknown: call === 'create',
      });
    }
    const unwrapped = unwrapAnswer(parsed);
    if (unwrapped.error !== undefined) throw classifyBusinessError(unwrapped.error, { call, redact: this.#redact });
    return unwrapped.payload;
  }
}

interface RawAnswer {
  statusCode: number;
  headers: Dispatcher.ResponseData['headers'];
  text: string;
}

/** A query payload as a TaskStatus, through the one table of status words. */
export function statusOf(payload: JsonRecord, malformed: (what: string) => Error): TaskStatus {
  const word = readStatusWord(payload);
  if (word === undefined) throw malformed(`no status in ${summarize(payload)}`);
  switch (statusStateOf(word)) {
    case 'running':
      return { state: 'running', detail: word };
    case 'succeeded': {
      const audioUrl = readAudioUrl(payload);
      // "Done" without a link cannot be downloaded; polling the same task again may show it.
      if (audioUrl === undefined) throw malformed(`status "${word}" but no audio URL in ${summarize(payload)}`);
      const billed = readBilledCharacters(payload);
      return { state: 'succeeded', audioUrl, ...(billed === undefined ? {} : { billedCharacters: billed }) };
    }
    case 'failed': {
      const reason = readFailureMessage(payload) ?? `status "${word}" without a message`;
      return { state: 'failed', reason: `${word}: ${reason}`, retryable: failureIsRetryable(reason) };
    }
  }
}

/** The env variable naming the path a call used, for the hint of a 404/405. */
function pathVariableOf(call: Ai302Call, kind: Ai302TaskKind): string {
  const family = kind === 'clone' ? 'CLONE' : 'GENERATE';
  return call === 'query' ? `AI302_${family}_QUERY_PATH` : `AI302_${family}_PATH`;
}

function parseTaskRef(taskId: string): { kind: Ai302TaskKind; id: string } {
  const colon = taskId.indexOf(':');
  const prefix = colon === -1 ? '' : taskId.slice(0, colon);
  if (prefix === 'clone' || prefix === 'generate') return { kind: prefix, id: taskId.slice(colon + 1) };
  // Only this client makes task ids; a bare one can only be a generation task.
  return { kind: 'generate', id: taskId };
}

function summarize(payload: JsonRecord): string {
  const text = JSON.stringify(payload);
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** The whole (capped) answer; the body is destroyed after, so a cut-short read frees its socket. */
async function readText(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<string> {
  try {
    return await readTextBody(body, maxBytes);
  } finally {
    if (!body.destroyed) body.destroy();
  }
}
