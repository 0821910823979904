import type { Dispatcher } from 'undici';
import { ProviderError } from '../../errors/provider-error.ts';
import type { SynthesisMeta } from '../provider.ts';
import { drainQuietly } from './drain-body.ts';
import { SseDecoder } from './sse-decoder.ts';

/** How a 2xx body is to be read: as an SSE stream, or as one JSON document. */
export type BodyKind = 'sse' | 'json';

/**
 * Decides by the first byte, not the content type: error bodies come as JSON whatever the header
 * says, and a JSON body read as SSE would look like an empty, incomplete stream. A JSON body
 * starts with '{'; an SSE body with a field name or ':'. Undefined while only blanks (and a
 * UTF-8 byte order mark) came.
 */
export function sniffBodyKind(chunk: Buffer): BodyKind | undefined {
  for (const byte of chunk) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0xef || byte === 0xbb || byte === 0xbf) continue;
    return byte === 0x7b ? 'json' : 'sse';
  }
  return undefined;
}

/** A provider's event assembler, as the read loop sees it: both HTTP providers' fit as they are. */
export interface SseEventAssembler {
  /** One event's `data`; the audio it adds (possibly empty). Throws the provider's error. */
  accept(data: string): Uint8Array;
  /** True once the final event (status 2) arrived: the audio is complete. */
  readonly finished: boolean;
  /** True once `data: [DONE]` arrived (only a provider that sends it keeps this). */
  readonly done?: boolean;
  readonly meta: SynthesisMeta;
}

/** Where the providers' bodies differ; everything else about reading them is the same. */
export interface SseOrJsonBodyOptions {
  signal: AbortSignal | undefined;
  /** A JSON answer holds the whole segment inline; past this it is an answer we do not read. */
  maxJsonBytes: number;
  /**
   * Whether the blanks that come before the first telling byte count against `maxJsonBytes`.
   * SenseNova's reader counted them and SenseAudio's did not; kept as each was.
   */
  countBytesBeforeSniffing: boolean;
  /**
   * What ends a stream, so that the rest of the body is drained rather than read: the final
   * event (SenseAudio), or the `data: [DONE]` that follows it (SenseNova; a `[DONE]` without a
   * final event is then a cut stream).
   */
  streamEnd: 'final-event' | 'done-marker';
  /** The largest SSE event read (default: the decoder's 64 Mi characters). */
  maxEventChars?: number;
}

/** What the read loop needs from a provider: its assembler, its JSON answer, its errors. */
export interface SseOrJsonAnswer {
  events: SseEventAssembler;
  /** The whole JSON body: a one-shot answer, an error in a 200, or a link to download (url mode). */
  readJson(text: string): Generator<Uint8Array, SynthesisMeta, undefined> | AsyncGenerator<Uint8Array, SynthesisMeta, undefined>;
  /** The body failed (`cause`) or ended (undefined) before the answer was complete. */
  cut(cause: unknown, whileJson: boolean): Error;
  /** The JSON body grew past `maxJsonBytes`. */
  jsonTooLarge(maxBytes: number): Error;
  /** The SSE decoder gave up on the stream (an event that never ends). */
  sseUnreadable(cause: unknown): Error;
}

/**
 * Reads a 2xx body that is either an SSE stream (asked for) or one JSON document (a business
 * error, a one-shot answer, url mode), yielding the audio as its events bring it.
 */
export async function* readSseOrJsonBody(
  body: Dispatcher.ResponseData['body'],
  answer: SseOrJsonAnswer,
  options: SseOrJsonBodyOptions,
): AsyncGenerator<Uint8Array, SynthesisMeta, undefined> {
  const events = answer.events;
  const signal = options.signal;
  const streamOver = (): boolean => (options.streamEnd === 'done-marker' ? events.done === true : events.finished);
  const iterator = body[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // The first byte decides, not the content type (see sniffBodyKind).
  let mode: BodyKind | undefined;
  const sse = new SseDecoder(options.maxEventChars === undefined ? {} : { maxEventChars: options.maxEventChars });
  const parts: Buffer[] = [];
  let jsonBytes = 0;
  for (;;) {
    let step: IteratorResult<Buffer>;
    try {
      step = await iterator.next();
    } catch (error) {
      signal?.throwIfAborted();
      throw answer.cut(error, mode === 'json');
    }
    if (step.done) break;
    const chunk = step.value;
    mode ??= sniffBodyKind(chunk);
    if (mode !== 'sse') {
      if (mode === 'json' || options.countBytesBeforeSniffing) {
        jsonBytes += chunk.length;
        if (jsonBytes > options.maxJsonBytes) throw answer.jsonTooLarge(options.maxJsonBytes);
      }
      parts.push(chunk);
      continue;
    }
    for (const part of [...parts.splice(0), chunk]) {
      for (const event of decodeSse(sse, answer, part)) {
        const audio = events.accept(event.data);
        if (audio.length > 0) {
          yield audio;
          signal?.throwIfAborted();
        }
        if (streamOver()) {
          if (!events.finished) throw answer.cut(undefined, false);
          await drainQuietly(iterator, body);
          return events.meta;
        }
      }
    }
  }
  if (mode === 'json') return yield* answer.readJson(Buffer.concat(parts).toString('utf8'));
  for (const event of sse.end()) {
    let audio: Uint8Array;
    try {
      audio = events.accept(event.data);
    } catch (error) {
      // The last event had no closing blank line and does not parse: it was cut mid-way.
      if (error instanceof ProviderError && error.providerCode === 'MALFORMED_EVENT') throw answer.cut(error, false);
      throw error;
    }
    if (audio.length > 0) yield audio;
  }
  if (!streamOver() || !events.finished) throw answer.cut(undefined, false);
  return events.meta;
}

function decodeSse(sse: SseDecoder, answer: SseOrJsonAnswer, chunk: Buffer) {
  try {
    return sse.push(chunk);
  } catch (error) {
    throw answer.sseUnreadable(error);
  }
}
