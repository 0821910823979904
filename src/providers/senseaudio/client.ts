import type { Dispatcher } from 'undici';
import { ConfigError } from '../../errors/config-error.ts';
import { IncompleteStreamError } from '../../errors/incomplete-stream-error.ts';
import { ProviderError } from '../../errors/provider-error.ts';
import { TtsBatchError } from '../../errors/tts-batch-error.ts';
import type { StreamingProvider, SynthesisMeta, SynthesisRequest } from '../provider.ts';
import { parseBaseUrl } from '../shared/base-url.ts';
import { createHttpAgent, resolveHttpTimeouts, type HttpTimeouts } from '../shared/http-timeouts.ts';
import { describeError } from '../shared/network-error.ts';
import { postJson } from '../shared/post-json.ts';
import { readSseOrJsonBody, type SseOrJsonAnswer } from '../shared/sse-or-json-body.ts';
import { classifyHttpResponse, classifyNetworkError, type ClassifyOptions } from './classify-error.ts';
import { SenseAudioEventAssembler } from './event-assembler.ts';
import { SENSEAUDIO_LIMITS } from './limits.ts';
import { buildRequestBody, type RequestBodyOptions } from './request-body.ts';

export interface SenseAudioClientOptions {
  apiKey: string;
  /** e.g. https://api.senseaudio.cn; a path prefix (a proxy) is kept. */
  baseUrl: string;
  timeouts?: Partial<HttpTimeouts>;
  /** A shared dispatcher (proxy, tests). The client then leaves closing it to the owner. */
  dispatcher?: Dispatcher;
  /** Sockets kept per origin by the client's own pool; unlimited by default. */
  connections?: number;
  /** Send MiniMax's undocumented stream_options.exclude_aggregated_audio (default false: see config.ts). */
  excludeAggregatedAudio?: boolean;
  /** The largest SSE event read (default MAX_EVENT_CHARS); tests lower it. */
  maxEventChars?: number;
}

const PATH = '/v1/t2a_v2';
/** An error body is read for its code and message only; more is noise. */
const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** A one-shot JSON answer holds the whole segment as hex: 10,000 characters of speech fit easily. */
const MAX_JSON_BODY_BYTES = 128 * 1024 * 1024;
/**
 * A status-2 event that repeats the whole audio (what a server sends unless told otherwise, now
 * that MiniMax's exclude_aggregated_audio is not sent) is as large as a one-shot answer: same
 * bound. The shared 64 Mi default would refuse the repeat of a long wav or pcm segment (over
 * 32 MB of audio), and the retry would bill the segment again and fail the same way.
 */
const MAX_EVENT_CHARS = MAX_JSON_BODY_BYTES;

/** SenseAudio text-to-speech over HTTP + SSE (docs/providers/senseaudio.md), streaming audio as it is decoded. */
export class SenseAudioClient implements StreamingProvider {
  readonly kind = 'stream';
  readonly name = 'senseaudio';
  readonly limits = SENSEAUDIO_LIMITS;
  readonly #apiKey: string;
  readonly #origin: string;
  readonly #path: string;
  readonly #timeouts: HttpTimeouts;
  readonly #dispatcher: Dispatcher;
  readonly #ownsDispatcher: boolean;
  readonly #classify: ClassifyOptions;
  readonly #bodyOptions: RequestBodyOptions;
  readonly #maxEventChars: number;
  #closed = false;

  constructor(options: SenseAudioClientOptions) {
    if (options.apiKey.trim() === '') throw new ConfigError('SENSEAUDIO_API_KEY is empty');
    const url = parseBaseUrl(options.baseUrl, 'SENSEAUDIO_BASE_URL');
    this.#apiKey = options.apiKey;
    this.#origin = url.origin;
    this.#path = `${url.pathname.replace(/\/+$/, '')}${PATH}`;
    this.#timeouts = resolveHttpTimeouts(options.timeouts);
    this.#ownsDispatcher = options.dispatcher === undefined;
    this.#dispatcher = options.dispatcher ?? createHttpAgent(this.#timeouts, options.connections);
    this.#bodyOptions = { excludeAggregatedAudio: options.excludeAggregatedAudio ?? false };
    this.#maxEventChars = options.maxEventChars ?? MAX_EVENT_CHARS;
    const apiKey = this.#apiKey;
    this.#classify = { redact: (text) => text.split(apiKey).join('[redacted]') };
  }

  async *synthesize(request: SynthesisRequest): AsyncGenerator<Uint8Array, SynthesisMeta, undefined> {
    const signal = request.signal;
    signal?.throwIfAborted();
    const response = await postJson(
      this.#dispatcher,
      {
        origin: this.#origin,
        path: this.#path,
        bearer: () => this.#apiKey,
        accept: 'text/event-stream, application/json',
        body: JSON.stringify(buildRequestBody(request, this.#bodyOptions)),
        timeouts: this.#timeouts,
        signal,
        maxErrorBodyBytes: MAX_ERROR_BODY_BYTES,
      },
      {
        network: classifyNetworkError,
        httpStatus: (status, headers, text) => classifyHttpResponse(status, headers, text, this.#classify),
      },
    );
    const body = response.body;
    try {
      return yield* this.#readAnswer(response, signal);
    } catch (error) {
      signal?.throwIfAborted();
      throw error;
    } finally {
      if (!body.destroyed) body.destroy();
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    if (this.#ownsDispatcher) await this.#dispatcher.close();
  }

  /** A 2xx body: SSE as asked for, or a JSON body (a business error, or a one-shot answer). */
  #readAnswer(response: Dispatcher.ResponseData, signal: AbortSignal | undefined): AsyncGenerator<Uint8Array, SynthesisMeta, undefined> {
    const assembler = new SenseAudioEventAssembler({ ...this.#classify, httpStatus: response.statusCode });
    const answer: SseOrJsonAnswer = {
      events: assembler,
      readJson: (text) => this.#readOneShot(text, assembler),
      cut: (cause) => this.#cut(assembler, cause),
      jsonTooLarge: (maxBytes) => this.#malformed(assembler, `a JSON answer larger than ${maxBytes} bytes`),
      sseUnreadable: (cause) => this.#sseUnreadable(assembler, cause),
    };
    return readSseOrJsonBody(response.body, answer, {
      signal,
      maxJsonBytes: MAX_JSON_BODY_BYTES,
      countBytesBeforeSniffing: false,
      streamEnd: 'final-event',
      maxEventChars: this.#maxEventChars,
    });
  }

  /** One JSON answer: the whole audio inline, or a business error. */
  *#readOneShot(text: string, assembler: SenseAudioEventAssembler): Generator<Uint8Array, SynthesisMeta, undefined> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text) as unknown;
    } catch {
      throw this.#malformed(assembler, `an unreadable JSON answer: ${JSON.stringify(text.slice(0, 80))}`);
    }
    const audio = assembler.acceptParsed(parsed);
    if (!assembler.finished) throw this.#malformed(assembler, 'a JSON answer without final audio (status 2)');
    if (audio.length > 0) yield audio;
    return assembler.meta;
  }

  #cut(assembler: SenseAudioEventAssembler, cause: unknown): IncompleteStreamError {
    const how = cause === undefined ? 'the stream ended' : `the stream failed (${describeError(cause)})`;
    const trace = assembler.traceId === undefined ? '' : ` [trace_id ${assembler.traceId}]`;
    return new IncompleteStreamError(
      this.name,
      `${how} before the final event (status 2), after ${assembler.audioEvents} audio events${trace}`,
      cause,
    );
  }

  /**
   * An event past MAX_EVENT_CHARS after audio already came is, in all likelihood, a final event
   * repeating all of a very long wav or pcm segment: the same request would get the same event,
   * so the failure is fatal (one billed attempt, not one per retry) and says what avoids it.
   */
  #sseUnreadable(assembler: SenseAudioEventAssembler, cause: unknown): ProviderError {
    if (!(cause instanceof TtsBatchError && cause.code === 'SSE_EVENT_TOO_LARGE' && assembler.bytes > 0)) {
      return this.#malformed(assembler, describeError(cause));
    }
    const message =
      `the provider sent an event over ${this.#maxEventChars} characters after ${assembler.bytes} bytes of audio, ` +
      'likely a final event repeating the whole segment: ask for mp3 or fewer characters per segment, or set ' +
      'SENSEAUDIO_EXCLUDE_AGGREGATED_AUDIO=true if the endpoint takes it';
    return new ProviderError(message, {
      provider: this.name,
      kind: 'fatal',
      providerCode: 'EVENT_TOO_LARGE',
      cause,
      ...(assembler.traceId === undefined ? {} : { traceId: assembler.traceId }),
    });
  }

  #malformed(assembler: SenseAudioEventAssembler, what: string): ProviderError {
    return new ProviderError(`the provider sent ${what}`, {
      provider: this.name,
      kind: 'retryable',
      providerCode: 'MALFORMED_RESPONSE',
      ...(assembler.traceId === undefined ? {} : { traceId: assembler.traceId }),
    });
  }
}
