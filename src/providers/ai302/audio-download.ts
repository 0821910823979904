import type { Dispatcher } from 'undici';
import type { AudioSettings } from '../../audio/audio-settings.ts';
import { sniffContainer, SNIFF_BYTES } from '../../audio/sniff-container.ts';
import { passThroughOrTranscode } from '../../audio/transcode.ts';
import { AudioFormatError } from '../../errors/audio-format-error.ts';
import { ConfigError } from '../../errors/config-error.ts';
import { IncompleteStreamError } from '../../errors/incomplete-stream-error.ts';
import { ProviderError } from '../../errors/provider-error.ts';
import type { HttpTimeouts } from '../shared/http-timeouts.ts';
import { describeError } from '../shared/network-error.ts';
import { openFreeDownload } from '../shared/open-free-download.ts';
import { readTextBody } from '../shared/read-text-body.ts';
import { classifyNetworkError, quote } from './classify-error.ts';

const PROVIDER = 'ai302';
const MAX_ERROR_BODY_BYTES = 16 * 1024;

export interface AudioDownloadOptions {
  /** Should follow redirects: file links are often signed CDN URLs that redirect. */
  dispatcher: Dispatcher;
  timeouts: HttpTimeouts;
  /** The audio the render asked for; the download is converted to it. */
  target: AudioSettings;
  signal?: AbortSignal | undefined;
  ffmpegPath?: string | undefined;
}

/**
 * Fetches a finished task's audio and streams it converted to `target`. The container is read
 * from the first bytes, never from the link's name or Content-Type. The key is not sent: the
 * link is a file URL, possibly on another host. Every failure is a ProviderError:
 * - the link answering 403/404 (not published yet, or expired) or 5xx: retryable (a 5xx, or a
 *   failure before the answer, is first tried again in-process: see openFreeDownload);
 * - the body ending before its Content-Length, or the socket failing: IncompleteStreamError;
 * - bytes that are not wav/mp3/flac, or that ffmpeg cannot decode: retryable (a later poll may
 *   give a good file; the attempt limit bounds it);
 * - ffmpeg missing: fatal (no retry installs it).
 */
export async function* downloadAudio(audioUrl: string, options: AudioDownloadOptions): AsyncGenerator<Uint8Array, void, undefined> {
  const { signal } = options;
  signal?.throwIfAborted();
  const url = new URL(audioUrl);
  const where = `${url.host}${url.pathname}`;
  const response = await openFreeDownload(() => openAudio(url, where, options), signal);
  const { body } = response;
  try {
    const declared = contentLength(response.headers['content-length']);
    const checked = checkedBody(body as AsyncIterable<Buffer>, declared, where, signal);
    const { head, replay } = await readHead(checked);
    const container = sniffContainer(head);
    if (container === 'unknown') {
      const type = String(response.headers['content-type'] ?? 'none');
      const start = Array.from(head.subarray(0, 8), (byte) => byte.toString(16).padStart(2, '0')).join(' ');
      throw new ProviderError(
        `the audio link ${where} served something that is not wav, mp3 or flac (Content-Type ${type}, starts ${start || 'empty'})`,
        {
          provider: PROVIDER,
          kind: 'retryable',
          providerCode: 'NOT_AUDIO',
        },
      );
    }
    yield* passThroughOrTranscode(replay, options.target, {
      inputFormat: container,
      ...(signal === undefined ? {} : { signal }),
      ...(options.ffmpegPath === undefined ? {} : { ffmpegPath: options.ffmpegPath }),
    });
  } catch (error) {
    signal?.throwIfAborted();
    throw asProviderError(error, where);
  } finally {
    if (!body.destroyed) body.destroy();
  }
}

/** One GET of the link, answered 2xx; any other answer is a ProviderError, its body closed. */
async function openAudio(url: URL, where: string, options: AudioDownloadOptions): Promise<Dispatcher.ResponseData> {
  const { signal } = options;
  signal?.throwIfAborted();
  let response: Dispatcher.ResponseData;
  try {
    response = await options.dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headers: { accept: 'audio/*, application/octet-stream' },
      headersTimeout: options.timeouts.headersMs,
      bodyTimeout: options.timeouts.bodyIdleMs,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    signal?.throwIfAborted();
    throw classifyNetworkError(error, { call: 'download', redact: (text) => text });
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response;
  const { body } = response;
  try {
    const text = await readTextBody(body, MAX_ERROR_BODY_BYTES).catch(() => '');
    signal?.throwIfAborted();
    throw new ProviderError(`the audio link ${where} answered HTTP ${response.statusCode}: ${quote(text, (t) => t)}`, {
      provider: PROVIDER,
      kind: response.statusCode === 429 ? 'rate-limited' : 'retryable',
      httpStatus: response.statusCode,
      providerCode: response.statusCode,
    });
  } finally {
    if (!body.destroyed) body.destroy();
  }
}

function asProviderError(error: unknown, where: string): unknown {
  if (error instanceof ProviderError) return error;
  if (error instanceof ConfigError) {
    return new ProviderError(`cannot convert the audio: ${error.message}`, {
      provider: PROVIDER,
      kind: 'fatal',
      providerCode: 'FFMPEG_MISSING',
    });
  }
  if (error instanceof AudioFormatError) {
    return new ProviderError(`the audio from ${where} could not be converted: ${error.message}`, {
      provider: PROVIDER,
      kind: 'retryable',
      providerCode: 'AUDIO_UNREADABLE',
    });
  }
  return new ProviderError(`the audio from ${where} could not be converted: ${describeError(error)}`, {
    provider: PROVIDER,
    kind: 'retryable',
    providerCode: 'AUDIO_CONVERSION',
  });
}

/**
 * The body, counted: a socket that fails, or a body shorter than its Content-Length, is an
 * IncompleteStreamError, so a cut file never reaches the converter as a short "success".
 */
async function* checkedBody(
  body: AsyncIterable<Buffer>,
  declared: number | undefined,
  where: string,
  signal: AbortSignal | undefined,
): AsyncGenerator<Uint8Array, void, undefined> {
  let received = 0;
  const of = declared === undefined ? '' : ` of ${declared}`;
  try {
    for await (const chunk of body) {
      received += chunk.length;
      yield chunk;
    }
  } catch (error) {
    signal?.throwIfAborted();
    throw new IncompleteStreamError(
      PROVIDER,
      `the audio download from ${where} broke after ${received}${of} bytes (${describeError(error)})`,
    );
  }
  if (declared !== undefined && received < declared) {
    throw new IncompleteStreamError(PROVIDER, `the audio download from ${where} ended after ${received}${of} bytes`);
  }
}

/** Reads at least SNIFF_BYTES (or all there is), and gives back the whole stream again. */
async function readHead(
  input: AsyncGenerator<Uint8Array, void, undefined>,
): Promise<{ head: Uint8Array; replay: AsyncGenerator<Uint8Array, void, undefined> }> {
  const buffered: Uint8Array[] = [];
  let length = 0;
  let ended = false;
  while (length < SNIFF_BYTES) {
    const step = await input.next();
    if (step.done === true) {
      ended = true;
      break;
    }
    buffered.push(step.value);
    length += step.value.length;
  }
  async function* replay(): AsyncGenerator<Uint8Array, void, undefined> {
    yield* buffered;
    if (!ended) yield* input;
  }
  return { head: Buffer.concat(buffered, length), replay: replay() };
}

function contentLength(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (value === undefined || !/^\d+$/.test(value.trim())) return undefined;
  return Number(value.trim());
}
