import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { runTool } from '../audio/ffmpeg/run-tool.ts';
import { bytesBody } from '../util/bytes-body.ts';
import { bothEnded, measurementOf, measuringArgs, probeStream, type FileMeasurement, type StreamFacts } from './measure-loudness.ts';

/** How the decode reads the bytes: a WAV file (its header says), or headerless s16le samples. */
export type WrittenFormat = { container: 'wav' } | { container: 'pcm'; sampleRate: number; channels: number };

/** A measurement fed the bytes of a file as they are written (measureWhileWriting). */
export interface WrittenMeasurement {
  /**
   * Passes `body` through unchanged, handing each chunk to the measurement first: the bytes of
   * the whole file, in file order. A chunk is held until ffmpeg takes it, so the source must not
   * reuse its buffers. Waits while ffmpeg is more than `FEED_BYTES` behind, and throws what
   * stopped the measurement (ffmpeg failed, or the signal) at the next chunk.
   */
  tap(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array>;
  /**
   * The measurement, once the tapped body has gone through whole. A body that failed or was left
   * undrained stops both tools, and this rejects. Both processes have ended when it settles: call
   * it on every path, the failing ones too, so none is left running.
   */
  result(): Promise<FileMeasurement>;
}

/** What ffmpeg may be behind the writer before the writer waits. */
const FEED_BYTES = 1024 * 1024;
/** ffprobe needs a header and a few packets: it is given this much of the file's start, or all of a smaller file. */
const PROBE_BYTES = 64 * 1024;

/**
 * measureLoudness for a file while it is written, rather than reading it back afterwards: ffmpeg
 * (the same filters) starts now and decodes from a pipe as the writer goes, and ffprobe reads the
 * file's first bytes. For a join, the measure then ends about when the join does, instead of
 * a read-back and a decode after it (issue 14 item 6). Only for files written in file order: a
 * header written last (an MP3's tag and Info frame, a deferred WAV header) would reach the pipe
 * after the audio.
 */
export function measureWhileWriting(format: WrittenFormat, options: { what: string; signal?: AbortSignal }): WrittenMeasurement {
  const input = format.container === 'pcm' ? ['-f', 's16le', '-ar', String(format.sampleRate), '-ac', String(format.channels)] : [];
  const stopped = new AbortController();
  const signal = options.signal === undefined ? stopped.signal : AbortSignal.any([options.signal, stopped.signal]);
  const feed = new PassThrough({ highWaterMark: FEED_BYTES });
  // What went wrong reaches the writer as the decode's end (runTool's error), never as an event.
  feed.on('error', () => undefined);
  const decoding = runTool({
    tool: 'ffmpeg',
    what: `measuring ${options.what}`,
    args: measuringArgs([...input, '-i', 'pipe:0']),
    stdin: feed,
    signal,
  });
  // Seen by the writer's next chunk; the promise itself is awaited by result().
  let decodeEnd: { error: unknown } | { done: true } | undefined;
  const decodeEnded = decoding.then(
    () => {
      decodeEnd = { done: true };
    },
    (error: unknown) => {
      decodeEnd = { error };
    },
  );
  let probing: Promise<StreamFacts> | undefined;
  const head: Uint8Array[] = [];
  let headBytes = 0;
  const startProbe = (): void => {
    const prefix = Buffer.concat(head);
    head.length = 0;
    // Headerless samples carry no facts of their own: what ffprobe would say of them is what the
    // decode was told (the read-back this replaces put a header built from the same values on
    // them). A WAV's facts are read from its header.
    probing ??=
      format.container === 'pcm'
        ? Promise.resolve(pcmFacts(format))
        : probeStream({ path: options.what, args: ['pipe:0'], stdin: bytesBody(prefix), signal }).catch((error: unknown) => {
            stopped.abort(error);
            throw error;
          });
    // Read by result(); until then a failure (the probe killed by a failed body) must not count as unhandled.
    probing.catch(() => undefined);
  };
  let drained = false;
  const throwIfDecodeEnded = (): void => {
    // Stopped (the signal, the probe's failure): ffmpeg is being killed, and its end follows.
    if (signal.aborted) throw signal.reason;
    if (decodeEnd === undefined) return;
    throw 'error' in decodeEnd ? decodeEnd.error : new Error(`ffmpeg stopped reading ${options.what} before its end`);
  };

  async function* tap(body: AsyncIterable<Uint8Array>): AsyncGenerator<Uint8Array> {
    try {
      for await (const chunk of body) {
        throwIfDecodeEnded();
        if (probing === undefined) {
          head.push(chunk);
          headBytes += chunk.length;
          if (headBytes >= PROBE_BYTES) startProbe();
        }
        // A pipe that stops draining (ffmpeg killed or failed, its stdin reader gone) ends the
        // wait with the decode's end, which is what the writer is told.
        if (!feed.write(chunk)) await Promise.race([once(feed, 'drain').catch(() => decodeEnded), decodeEnded]);
        throwIfDecodeEnded();
        yield chunk;
      }
      drained = true;
    } finally {
      if (drained) {
        feed.end();
        if (probing === undefined) startProbe();
      } else {
        stopped.abort(new Error(`${options.what} was not written to its end`));
        feed.destroy();
      }
    }
  }

  return {
    tap,
    async result() {
      if (!drained && !stopped.signal.aborted) {
        stopped.abort(new Error(`${options.what} was not written to its end`));
        feed.destroy();
      }
      const [stream, decoded] = await bothEnded(probing ?? Promise.reject(stopped.signal.reason as Error), decoding);
      // Only pcm and WAV are measured this way: neither has an Info tag to look for.
      return measurementOf(stream, decoded.stderr, null);
    },
  };
}

/** s16le at the given rate and channels, as ffprobe names them (its bit rate rounded to kbps as probeStream rounds it). */
function pcmFacts(format: { sampleRate: number; channels: number }): StreamFacts {
  return {
    codec: 'pcm_s16le',
    sampleRate: format.sampleRate,
    channels: format.channels,
    bitrateKbps: Math.round((format.sampleRate * format.channels * 16) / 1000),
  };
}
