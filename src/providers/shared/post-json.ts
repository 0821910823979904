import type { Dispatcher } from 'undici';
import { destroyQuietly } from './destroy-quietly.ts';
import type { HttpTimeouts } from './http-timeouts.ts';
import { readTextBody } from './read-text-body.ts';
import type { ResponseHeaders } from './response-headers.ts';

/** One JSON POST to a provider. */
export interface JsonPost {
  origin: string;
  path: string;
  /** Read as the request is built, so a token close to expiry is replaced before it is sent. */
  bearer: () => string;
  /** The `accept` header: what the answer may be. */
  accept: string;
  /** The JSON text of the request. */
  body: string;
  timeouts: HttpTimeouts;
  signal: AbortSignal | undefined;
  /** An error body is read for its code and message only; this much at the most. */
  maxErrorBodyBytes: number;
}

/** How a provider names what went wrong. */
export interface JsonPostFailures {
  /** A failure on the wire (reset, refusal, timeout), or one building the request. */
  network: (error: unknown) => Error;
  /** A non-2xx answer, with as much of its body as was read ('' when reading it failed). */
  httpStatus: (status: number, headers: ResponseHeaders, bodyText: string) => Error;
  /** Called on HTTP 401 or 403 before the error is thrown, e.g. to drop a cached token. */
  credentialsRefused?: () => void;
}

/**
 * Sends `post` and resolves with a 2xx answer, whose body the caller reads and closes. Any other
 * answer is read, closed and thrown as `failures` name it. An abort wins over either failure:
 * its reason is thrown instead.
 */
export async function postJson(dispatcher: Dispatcher, post: JsonPost, failures: JsonPostFailures): Promise<Dispatcher.ResponseData> {
  const { signal } = post;
  let response: Dispatcher.ResponseData;
  try {
    response = await dispatcher.request({
      origin: post.origin,
      path: post.path,
      method: 'POST',
      headers: {
        authorization: `Bearer ${post.bearer()}`,
        'content-type': 'application/json',
        accept: post.accept,
      },
      body: post.body,
      headersTimeout: post.timeouts.headersMs,
      bodyTimeout: post.timeouts.bodyIdleMs,
      ...(signal === undefined ? {} : { signal }),
    });
  } catch (error) {
    signal?.throwIfAborted();
    throw failures.network(error);
  }
  if (response.statusCode >= 200 && response.statusCode < 300) return response;
  let failure: Error;
  try {
    const text = await readTextBody(response.body, post.maxErrorBodyBytes).catch(() => '');
    if (response.statusCode === 401 || response.statusCode === 403) failures.credentialsRefused?.();
    failure = failures.httpStatus(response.statusCode, response.headers, text);
  } finally {
    destroyQuietly(response.body);
  }
  signal?.throwIfAborted();
  throw failure;
}
