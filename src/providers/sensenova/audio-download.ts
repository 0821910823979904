import type { Dispatcher } from 'undici';
import { IncompleteStreamError } from '../../errors/incomplete-stream-error.ts';
import { ProviderError } from '../../errors/provider-error.ts';
import { destroyQuietly } from '../shared/destroy-quietly.ts';
import type { HttpTimeouts } from '../shared/http-timeouts.ts';
import { describeError } from '../shared/network-error.ts';
import { openFreeDownload } from '../shared/open-free-download.ts';
import { traceSuffix } from '../shared/trace-id.ts';
import { classifyNetworkError } from './classify-error.ts';

const PROVIDER = 'sensenova';

/** providerCode of a link that answered 403/404/410: it expired or never existed. */
export const AUDIO_URL_GONE = 'AUDIO_URL_GONE';
const MAX_ERROR_BODY_BYTES = 64 * 1024;

export interface DownloadOptions {
  timeouts: HttpTimeouts;
  signal?: AbortSignal | undefined;
  /** Of the synthesis that produced the link, for the error messages. */
  traceId?: string | undefined;
}

/**
 * Streams the audio file behind a url-mode answer. The link's lifetime is undocumented, so it
 * is fetched at once; it is a signed storage URL, so no Authorization header goes with it, and
 * messages show its origin and path only (the query string carries the signature).
 *
 * Any failure is retryable: a new synthesis gives a new link. A 5xx or a failure before the answer
 * is first tried again in-process (see openFreeDownload), since that new synthesis is billed.
 * Returns the byte count.
 */
export async function* downloadAudio(
  dispatcher: Dispatcher,
  link: string,
  options: DownloadOptions,
): AsyncGenerator<Uint8Array, number, undefined> {
  const { signal, traceId } = options;
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    throw malformed(`an audio link that is not a URL (${JSON.stringify(link.slice(0, 40))})`, traceId);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw malformed(`an audio link with protocol ${url.protocol}`, traceId);
  const shown = `${url.origin}${url.pathname}`;
  const response = await openFreeDownload(() => openLink(dispatcher, url, shown, options), signal);
  const body = response.body;
  try {
    const declared = Number(response.headers['content-length']);
    let received = 0;
    try {
      for await (const chunk of body as AsyncIterable<Buffer>) {
        received += chunk.length;
        yield chunk;
        signal?.throwIfAborted();
      }
    } catch (error) {
      signal?.throwIfAborted();
      if (error instanceof ProviderError) throw error;
      throw new IncompleteStreamError(
        PROVIDER,
        `the audio download from ${shown} failed after ${received} bytes (${describeError(error)})${traceSuffix(traceId)}`,
        error,
      );
    }
    if (Number.isFinite(declared) && declared > received) {
      throw new IncompleteStreamError(
        PROVIDER,
        `the audio download from ${shown} ended after ${received} of ${declared} bytes${traceSuffix(traceId)}`,
      );
    }
    if (received === 0) throw malformed(`an empty audio file at ${shown}`, traceId);
    return received;
  } finally {
    destroyQuietly(body);
  }
}

/** One GET of the link, answered 2xx; any other answer is a ProviderError, its body closed. */
async function openLink(dispatcher: Dispatcher, url: URL, shown: string, options: DownloadOptions): Promise<Dispatcher.ResponseData> {
  const { signal, traceId } = options;
  signal?.throwIfAborted();
  let response: Dispatcher.ResponseData;
  try {
    response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'GET',
      headersTimeout: options.timeouts.headersMs,
      bodyTimeout: options.timeouts.bodyIdleMs,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    signal?.throwIfAborted();
    throw classifyNetworkError(error, `downloading the audio from ${shown}`);
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response;
  const body = response.body;
  try {
    const gone = response.statusCode === 403 || response.statusCode === 404 || response.statusCode === 410;
    // Read (a little of) the error body so the socket can be reused; what it says is storage XML.
    await body.dump({ limit: MAX_ERROR_BODY_BYTES }).catch(() => undefined);
    throw new ProviderError(
      `the audio link answered HTTP ${response.statusCode}${gone ? ' (expired or missing)' : ''}: ${shown}${traceSuffix(traceId)}`,
      {
        provider: PROVIDER,
        kind: 'retryable',
        providerCode: gone ? AUDIO_URL_GONE : 'AUDIO_URL_FAILED',
        httpStatus: response.statusCode,
        ...(traceId === undefined ? {} : { traceId }),
      },
    );
  } finally {
    destroyQuietly(body);
  }
}

function malformed(what: string, traceId: string | undefined): ProviderError {
  return new ProviderError(`the provider sent ${what}${traceSuffix(traceId)}`, {
    provider: PROVIDER,
    kind: 'retryable',
    providerCode: 'MALFORMED_RESPONSE',
    ...(traceId === undefined ? {} : { traceId }),
  });
}
