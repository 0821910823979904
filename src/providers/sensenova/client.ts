import { createHash } from 'node:crypto';
import type { Dispatcher } from 'undici';
import { IncompleteStreamError } from '../../errors/incomplete-stream-error.ts';
import { ProviderError } from '../../errors/provider-error.ts';
import type { StreamingProvider, SynthesisMeta, SynthesisRequest, TextLimits } from '../provider.ts';
import { parseBaseUrl } from '../shared/base-url.ts';
import { destroyQuietly } from '../shared/destroy-quietly.ts';
import { createHttpAgent, resolveHttpTimeouts, type HttpTimeouts } from '../shared/http-timeouts.ts';
import { describeError } from '../shared/network-error.ts';
import { isRecord } from '../shared/json-record.ts';
import { postJson } from '../shared/post-json.ts';
import { readSseOrJsonBody, type SseOrJsonAnswer } from '../shared/sse-or-json-body.ts';
import { readTraceId } from '../shared/trace-id.ts';
import { AUDIO_URL_GONE, downloadAudio } from './audio-download.ts';
import { createBearerSource, type BearerSource, type JwtTiming, type SenseNovaCredentials } from './bearer-source.ts';
import { classifyHttpResponse, classifyNetworkError, makeRedactor, type ClassifyContext } from './classify-error.ts';
import { PROTOCOL_ERROR_CODES, SenseNovaEventAssembler } from './event-assembler.ts';
import { SENSENOVA_DEFAULT_MAX_CHARS, senseNovaLimits } from './limits.ts';
import { RepeatGuard } from './repeat-guard.ts';
import { buildRequestBody, type SenseNovaOutput } from './request-body.ts';

export interface SenseNovaClientOptions {
  credentials: SenseNovaCredentials;
  /** e.g. https://api.sensenova.cn/v1; the path is kept (`/audio/speech_fusion` is appended). */
  baseUrl: string;
  /** 'stream' (default): SSE with audio inline; 'url': one JSON answer with a link to download. */
  output?: SenseNovaOutput;
  /** Code points per request (SENSENOVA_MAX_CHARS); the default is 2,000. */
  maxChars?: number;
  /** JWT clock and refresh margin (AccessKey credentials only). */
  jwt?: JwtTiming;
  timeouts?: Partial<HttpTimeouts>;
  /** A shared dispatcher (proxy, tests). The client then leaves closing it to the owner. */
  dispatcher?: Dispatcher;
  /** Sockets kept per origin by the client's own pool; unlimited by default. */
  connections?: number;
}

const PATH = '/audio/speech_fusion';
const PROVIDER = 'sensenova';
/** An error body is read for its message only; more is noise. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** A one-shot answer holds the whole segment inline: 2,000 characters of speech fit easily. */
const MAX_JSON_BODY_BYTES = 128 * 1024 * 1024;

/**
 * SenseNova speech fusion v2 (docs/providers/sensenova.md): one voice or a blend of up to four,
 * over SSE (default) or as a downloadable link.
 *
 * An answer we cannot read (an audio chunk neither hex nor `base64:`, an event that is not
 * JSON, a link that has expired) is retryable once per request: it may be a proxy mangling
 * one answer or a link that aged in a queue. The same failure again for the same request
 * (same body, in this process) is fatal: the service is answering in a way we do not read, and
 * every further attempt would bill the whole segment again for nothing.
 */
export class SenseNovaClient implements StreamingProvider {
  readonly kind = 'stream';
  readonly name = PROVIDER;
  readonly limits: TextLimits;
  readonly output: SenseNovaOutput;
  readonly #bearer: BearerSource;
  readonly #origin: string;
  readonly #path: string;
  readonly #timeouts: HttpTimeouts;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #classify: ClassifyContext;
  readonly #repeats = new RepeatGuard();
  #closed = false;

  constructor(options: SenseNovaClientOptions) {
    this.#bearer = createBearerSource(options.credentials, options.jwt);
    const url = parseBaseUrl(options.baseUrl, 'SENSENOVA_BASE_URL');
    this.#origin = url.origin;
    this.#path = `${url.pathname.replace(/\/+$/, '')}${PATH}`;
    this.output = options.output ?? 'stream';
    this.limits = senseNovaLimits(options.maxChars ?? SENSENOVA_DEFAULT_MAX_CHARS);
    this.#timeouts = resolveHttpTimeouts(options.timeouts);
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? createHttpAgent(this.#timeouts, options.connections);
    const bearer = this.#bearer;
    this.#classify = { redact: makeRedactor(() => bearer.secrets()), authHint: bearer.hint };
  }

  async *synthesize(request: SynthesisRequest): AsyncGenerator<Uint8Array, SynthesisMeta, undefined> {
    const signal = request.signal;
    signal?.throwIfAborted();
    const body = JSON.stringify(buildRequestBody(request, this.output));
    try {
      return yield* this.#exchange(body, signal);
    } catch (error) {
      signal?.throwIfAborted();
      throw this.#secondTimeFatal(error, body);
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  async *#exchange(body: string, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array, SynthesisMeta, undefined> {
    const response = await postJson(
      this.#dispatcher,
      {
        origin: this.#origin,
        path: this.#path,
        // Read now, per request: a JWT close to `exp` is replaced before it is sent.
        bearer: () => this.#bearer.bearer(),
        accept: this.output === 'stream' ? 'text/event-stream, application/json' : 'application/json',
        body,
        timeouts: this.#timeouts,
        signal,
        maxErrorBodyBytes: MAX_ERROR_BODY_BYTES,
      },
      {
        network: classifyNetworkError,
        httpStatus: (status, headers, text) => classifyHttpResponse(status, headers, text, this.#classify),
        // A refused token is never reused; the next request mints a fresh one.
        credentialsRefused: () => this.#bearer.invalidate(),
      },
    );
    const responseBody = response.body;
    try {
      return yield* this.#readAnswer(response, signal);
    } finally {
      destroyQuietly(responseBody);
    }
  }

  /** A 2xx body: SSE, or one JSON answer (url mode, a one-shot answer, or an error in a 200). */
  #readAnswer(response: Dispatcher.ResponseData, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array, SynthesisMeta, undefined> {
    const assembler = new SenseNovaEventAssembler({ ...this.#classify, httpStatus: response.statusCode });
    const answer: SseOrJsonAnswer = {
      events: assembler,
      readJson: (text) => this.#readOneShot(text, assembler, signal),
      cut: (cause, whileJson) => this.#cut(assembler, cause, whileJson),
      jsonTooLarge: (maxBytes) => assembler.protocolError('MALFORMED_RESPONSE', `a JSON answer larger than ${maxBytes} bytes`),
      sseUnreadable: (cause) => assembler.protocolError('MALFORMED_RESPONSE', `the provider sent ${describeError(cause)}`),
    };
    return readSseOrJsonBody(response.body, answer, {
      signal,
      maxJsonBytes: MAX_JSON_BODY_BYTES,
      countBytesBeforeSniffing: true,
      streamEnd: 'done-marker',
    });
  }

  /** One JSON answer: audio inline, or a link to download at once (url mode). */
  async *#readOneShot(
    text: string,
    assembler: SenseNovaEventAssembler,
    signal: AbortSignal | undefined,
  ): AsyncGenerator<Uint8Array, SynthesisMeta, undefined> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch (error) {
      throw assembler.protocolError(
        'MALFORMED_RESPONSE',
        `the provider sent an unreadable JSON answer: ${JSON.stringify(text.slice(0, 80))}`,
        error,
      );
    }
    const data = isRecord(parsed) ? parsed.data : undefined;
    const link = isRecord(data) && typeof data.audio === 'string' && /^https?:\/\//i.test(data.audio) ? data.audio : undefined;
    if (link === undefined) {
      const audio = assembler.acceptParsed(parsed);
      if (!assembler.finished)
        throw assembler.protocolError('MALFORMED_RESPONSE', 'the provider sent a JSON answer without final audio (status 2)');
      if (audio.length === 0) throw assembler.protocolError('MALFORMED_RESPONSE', 'the provider sent a final answer without audio');
      yield audio;
      return assembler.meta;
    }
    // Reads trace id, usage and any error; the link itself is not audio.
    assembler.acceptParsed({ ...(parsed as Record<string, unknown>), data: { ...(data as Record<string, unknown>), audio: '' } });
    yield* downloadAudio(this.#dispatcher, link, { timeouts: this.#timeouts, signal, traceId: readTraceId(parsed) });
    return assembler.meta;
  }

  #cut(assembler: SenseNovaEventAssembler, cause: unknown, json: boolean): IncompleteStreamError {
    const how = cause === undefined ? 'the stream ended' : `the stream failed (${describeError(cause)})`;
    const trace = assembler.traceId === undefined ? '' : ` [trace_id ${assembler.traceId}]`;
    const where = json
      ? 'before the JSON answer was complete'
      : assembler.finished
        ? 'after the final event (status 2) but before data: [DONE]'
        : assembler.done
          ? 'with data: [DONE] but no final event (status 2)'
          : `before the final event (status 2) and data: [DONE], after ${assembler.audioEvents} audio events`;
    return new IncompleteStreamError(PROVIDER, `${how} ${where}${trace}`, cause);
  }

  /** See the class comment: an unreadable answer or a dead link, a second time for the same body, is fatal. */
  #secondTimeFatal(error: unknown, body: string): unknown {
    if (!(error instanceof ProviderError) || error.kind !== 'retryable') return error;
    const code = String(error.providerCode);
    if (!PROTOCOL_ERROR_CODES.has(code) && code !== AUDIO_URL_GONE) return error;
    const key = createHash('sha256').update(body).digest('hex');
    if (!this.#repeats.hit(key)) return error;
    const message = error.message.startsWith(`${PROVIDER}: `) ? error.message.slice(PROVIDER.length + 2) : error.message;
    return new ProviderError(`${message}; the second time for this request, so it is not retried again`, {
      provider: PROVIDER,
      kind: 'fatal',
      providerCode: error.providerCode ?? code,
      ...(error.httpStatus === undefined ? {} : { httpStatus: error.httpStatus }),
      ...(error.traceId === undefined ? {} : { traceId: error.traceId }),
    });
  }
}
