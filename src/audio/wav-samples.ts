import { ProviderError } from '../errors/provider-error.ts';
import { ByteReader } from '../util/byte-reader.ts';
import { isWavProblem, type WavFormat, type WavProblemCode } from './wav/parse-wav-header.ts';
import { readWavHeaderFromReader } from './wav/read-wav-header.ts';

/** The samples of a 16-bit PCM wav stream, raw (s16le), and what they are. */
export interface PcmStream {
  sampleRate: number;
  channels: 1 | 2;
  samples: AsyncIterable<Uint8Array>;
}

/** A header longer than this is not espeak-ng's 44 bytes, nor anything we should wait for. */
const MAX_HEADER_BYTES = 64 * 1024;

/** The words this reader has always used for these problems; the rest say the parser's. */
const NOT_WAV_REASONS: Partial<Record<WavProblemCode, string>> = {
  HEADER_TOO_LONG: `no data chunk in the first ${MAX_HEADER_BYTES} bytes`,
  DATA_BEFORE_FMT: 'the data chunk comes before any fmt chunk',
};

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
  const reader = new ByteReader(wav);
  const header = await readWavHeaderFromReader(reader, { maxHeaderBytes: MAX_HEADER_BYTES });
  // espeak-ng writes RIFF; RF64 has never been accepted here, cut short or not.
  if ((isWavProblem(header) ? header.seen.rf64 : header.rf64) === true) throw notWav('it is RF64, not the RIFF espeak-ng writes');
  if (isWavProblem(header)) {
    if (header.code === 'NOT_WAV' && !header.truncated && header.value instanceof Uint8Array) {
      throw notWav(`it starts with ${JSON.stringify(Buffer.from(header.value).toString('latin1'))}`);
    }
    // A fmt that already says "not 16-bit PCM" is the answer, even when the rest was cut.
    if (header.seen.format !== undefined) sixteenBitPcm(header.seen.format);
    if (header.truncated) return undefined;
    throw notWav(NOT_WAV_REASONS[header.code] ?? `it ${header.detail}`);
  }
  const channels = sixteenBitPcm(header);
  async function* samples(): AsyncGenerator<Uint8Array, void, undefined> {
    let finished = false;
    try {
      for (let chunk = await reader.read(Number.POSITIVE_INFINITY); chunk !== null; chunk = await reader.read(Number.POSITIVE_INFINITY)) {
        yield chunk;
      }
      finished = true;
    } finally {
      if (!finished) await reader.close();
    }
  }
  return { sampleRate: header.sampleRate, channels, samples: samples() };
}

/** The channel count of a 16-bit PCM mono or stereo format; throws for any other. */
function sixteenBitPcm(format: WavFormat): 1 | 2 {
  const { formatTag: tag, channels, sampleRate, bitsPerSample: bits } = format;
  if (!format.pcm || bits !== 16 || (channels !== 1 && channels !== 2) || sampleRate === 0) {
    throw notWav(`it is format ${tag}, ${bits}-bit, ${channels} channels at ${sampleRate} Hz; 16-bit PCM mono or stereo was expected`);
  }
  return channels;
}

function notWav(why: string): ProviderError {
  return new ProviderError(`espeak-ng's output is not 16-bit PCM wav: ${why}`, {
    provider: 'espeak',
    kind: 'fatal',
    providerCode: 'NOT_WAV',
  });
}
