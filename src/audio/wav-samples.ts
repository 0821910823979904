import { ProviderError } from '../errors/provider-error.ts';
import { fourCc, isExtensiblePcm, readWavFormat, riffChunks, WAVE_FORMAT_PCM } from './riff.ts';

/** The samples of a 16-bit PCM wav stream, raw (s16le), and what they are. */
export interface PcmStream {
  sampleRate: number;
  channels: 1 | 2;
  samples: AsyncIterable<Uint8Array>;
}

/** A header longer than this is not espeak-ng's 44 bytes, nor anything we should wait for. */
const MAX_HEADER_BYTES = 64 * 1024;

/**
 * Reads the wav header at the start of `wav` and hands back the samples after it, without the
 * header. espeak-ng writes to a pipe, so its header cannot know the length and claims
 * 0x7FFFF000 bytes; ffmpeg then flags the short last packet as corrupt, which `-xerror` turns
 * into a failure. Raw samples with the rate and channels said outright have no size to lie about.
 *
 * Resolves undefined when the input ends inside the header (the process's exit tells why);
 * throws a fatal ProviderError when the bytes are not 16-bit PCM wav at all.
 */
export async function wavSamples(wav: AsyncIterable<Uint8Array>): Promise<PcmStream | undefined> {
  const iterator = wav[Symbol.asyncIterator]();
  let head: Buffer = Buffer.alloc(0);
  let parsed: ParsedHeader | 'incomplete' = 'incomplete';
  while (parsed === 'incomplete') {
    const step = await iterator.next();
    if (step.done === true) return undefined;
    head = Buffer.concat([head, step.value]);
    parsed = parseHeader(head);
    if (parsed === 'incomplete' && head.length > MAX_HEADER_BYTES) throw notWav(`no data chunk in the first ${MAX_HEADER_BYTES} bytes`);
  }
  const { sampleRate, channels, dataOffset } = parsed;
  const first = head.subarray(dataOffset);
  async function* samples(): AsyncGenerator<Uint8Array, void, undefined> {
    let finished = false;
    try {
      if (first.length > 0) yield first;
      for (;;) {
        const step = await iterator.next();
        if (step.done === true) {
          finished = true;
          return;
        }
        yield step.value;
      }
    } finally {
      if (!finished) await iterator.return?.();
    }
  }
  return { sampleRate, channels, samples: samples() };
}

interface ParsedHeader {
  sampleRate: number;
  channels: 1 | 2;
  dataOffset: number;
}

/** Walks RIFF chunks up to `data`; 'incomplete' while the header has not all arrived. */
function parseHeader(bytes: Buffer): ParsedHeader | 'incomplete' {
  if (bytes.length < 12) return 'incomplete';
  if (fourCc(bytes, 0) !== 'RIFF' || fourCc(bytes, 8) !== 'WAVE') {
    throw notWav(`it starts with ${JSON.stringify(bytes.toString('latin1', 0, 12))}`);
  }
  let format: { sampleRate: number; channels: number } | undefined;
  for (const { id, size, body } of riffChunks(bytes)) {
    if (id === 'data') {
      if (format === undefined) throw notWav('the data chunk comes before any fmt chunk');
      return { sampleRate: format.sampleRate, channels: format.channels as 1 | 2, dataOffset: body };
    }
    if (id === 'fmt ') {
      if (body + Math.max(16, Math.min(size, 40)) > bytes.length) return 'incomplete';
      format = readFormat(bytes, body, size);
    }
  }
  return 'incomplete';
}

function readFormat(bytes: Buffer, body: number, size: number): { sampleRate: number; channels: number } {
  const { formatTag: tag, channels, sampleRate, bitsPerSample: bits } = readWavFormat(bytes, body);
  const pcm = tag === WAVE_FORMAT_PCM || isExtensiblePcm(bytes, body, size);
  if (!pcm || bits !== 16 || (channels !== 1 && channels !== 2) || sampleRate === 0) {
    throw notWav(`it is format ${tag}, ${bits}-bit, ${channels} channels at ${sampleRate} Hz; 16-bit PCM mono or stereo was expected`);
  }
  return { sampleRate, channels };
}

function notWav(why: string): ProviderError {
  return new ProviderError(`espeak-ng's output is not 16-bit PCM wav: ${why}`, {
    provider: 'espeak',
    kind: 'fatal',
    providerCode: 'NOT_WAV',
  });
}
