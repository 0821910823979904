import type { ByteReader } from '../../util/byte-reader.ts';
import { parseWavHeader, type WavHeader, type WavParseLimits, type WavProblem } from './parse-wav-header.ts';

/**
 * Runs the header grammar over bytes already in memory (the head of an answer). A problem
 * with `truncated` set means these bytes are a prefix that more bytes might complete.
 */
export function readWavHeaderFromBytes(bytes: Uint8Array, limits?: WavParseLimits): WavHeader | WavProblem {
  const parse = parseWavHeader(limits);
  let step = parse.next();
  while (step.done !== true) {
    const request = step.value;
    step = parse.next(
      request.kind === 'bytes' ? bytes.subarray(request.offset, request.offset + request.length) : Math.min(request.to, bytes.length),
    );
  }
  return step.value;
}

/**
 * Runs the header grammar over a stream, reading no further than the header: the reader is
 * left at the first data byte, skipped chunks are dropped as they pass, not buffered. Offsets
 * in the answer count from where the reader stood (a fresh reader: the start of the file).
 */
export async function readWavHeaderFromReader(reader: ByteReader, limits?: WavParseLimits): Promise<WavHeader | WavProblem> {
  const start = reader.consumed;
  const parse = parseWavHeader(limits);
  let step = parse.next();
  while (step.done !== true) {
    const request = step.value;
    const position = reader.consumed - start;
    if (request.kind === 'bytes') {
      if (request.offset !== position) throw new RangeError(`the wav header parser asked for offset ${request.offset} at ${position}`);
      await reader.ensure(request.length);
      step = parse.next(reader.take(request.length));
    } else {
      await reader.skip(request.to - position);
      step = parse.next(reader.consumed - start);
    }
  }
  return step.value;
}
