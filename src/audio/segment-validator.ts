import { BadAudioError } from '../errors/bad-audio-error.ts';
import { describeMp3Format } from './mp3-frame-header.ts';
import { createMp3WalkReport, walkMp3Frames } from './mp3-frame-walker.ts';
import { MAX_HEAD_BYTES, readAudioHead, type AudioHead } from './audio-head.ts';
import type { AudioSettings } from './audio-settings.ts';
import { durationCeilingSeconds, type DurationCeilingPolicy } from './duration-ceiling.ts';
import { sniffContainer, SNIFF_BYTES } from './sniff-container.ts';

/** What a segment's answer must be: the audio the render asked for, no longer than its text allows. */
export interface ExpectedSegmentAudio {
  provider: string;
  audio: AudioSettings;
  text: string;
  ceiling: DurationCeilingPolicy;
}

/** Room for tags (an ID3v2 tag with a cover) and headers on top of the audio itself. */
const HEADER_SLACK_BYTES = 1024 * 1024;
/** No accepted audio takes more than this per sample frame and channel (32-bit samples). */
const MAX_BYTES_PER_SAMPLE = 4;
const WAVE_FORMAT_PCM = 1;

/**
 * Passes a provider's audio through on its way to storage, checking it as it streams: the
 * container and codec, sample rate and channels the render asked for, at least one decodable
 * frame (mp3: no junk between or after frames; wav/pcm: whole sample frames), and a duration
 * under durationCeilingSeconds(text). Throws BadAudioError (retryable) the moment the answer
 * is wrong, which aborts the atomic put: nothing is stored, the provider's stream is closed and
 * the worker slot is freed. mp3 frames are walked with the stitcher's own walker, so what passes
 * here is exactly what the stitch accepts.
 */
export async function* validateSegmentStream(
  source: AsyncIterable<Uint8Array>,
  expected: ExpectedSegmentAudio,
): AsyncGenerator<Uint8Array, void, undefined> {
  const ceilingSeconds = durationCeilingSeconds(expected.text, expected.ceiling);
  const maxBytes =
    Math.ceil(ceilingSeconds * expected.audio.sampleRate * expected.audio.channels * MAX_BYTES_PER_SAMPLE) + HEADER_SLACK_BYTES;
  const input = new Peekable(capBytes(source, maxBytes, expected, ceilingSeconds));
  try {
    const head = await input.peek(SNIFF_BYTES);
    if (head.length === 0) throw bad(expected, 'the answer holds no audio (0 bytes)', 'empty');
    const container = sniffContainer(head);
    const { format } = expected.audio;
    if (format === 'mp3') {
      if (container !== 'mp3') throw bad(expected, `the answer is ${containerName(container)}, but mp3 was asked for`, container);
      yield* checkMp3(input.replay(), expected, ceilingSeconds);
    } else if (format === 'wav' || (format === 'pcm' && container === 'wav')) {
      // Some providers' "pcm" is a whole WAV file; the pcm stitch accepts that, so this does too.
      if (container !== 'wav') throw bad(expected, `the answer is ${containerName(container)}, but wav was asked for`, container);
      yield* checkWav(input, expected, ceilingSeconds);
    } else if (format === 'pcm') {
      // Raw samples can look like anything (FF FB is a valid sample): only their length is checked.
      yield* checkRawPcm(input.replay(), expected, ceilingSeconds);
    } else {
      if (container !== 'flac') throw bad(expected, `the answer is ${containerName(container)}, but flac was asked for`, container);
      yield* input.replay();
    }
  } finally {
    await input.close();
  }
}

function bad(expected: ExpectedSegmentAudio, message: string, found: unknown): BadAudioError {
  return new BadAudioError(expected.provider, `bad audio answer: ${message}`, found);
}

function containerName(container: string): string {
  return container === 'unknown' ? 'not audio in any known container (unrecognised first bytes)' : container;
}

function tooLong(expected: ExpectedSegmentAudio, seconds: number, ceilingSeconds: number): BadAudioError {
  const chars = [...expected.text].length;
  return bad(
    expected,
    `more than ${ceilingSeconds.toFixed(1)} s of audio for ${chars} characters (the ceiling); stream cut at ${seconds.toFixed(1)} s`,
    seconds,
  );
}

/** A byte bound for every format, so even an endless stream of junk is cut. */
async function* capBytes(
  source: AsyncIterable<Uint8Array>,
  maxBytes: number,
  expected: ExpectedSegmentAudio,
  ceilingSeconds: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  let received = 0;
  for await (const chunk of source) {
    received += chunk.length;
    if (received > maxBytes)
      throw bad(
        expected,
        `more than ${maxBytes} bytes for ${[...expected.text].length} characters (a ${ceilingSeconds.toFixed(1)} s ceiling); stream cut`,
        received,
      );
    yield chunk;
  }
}

async function* checkMp3(
  source: AsyncIterable<Uint8Array>,
  expected: ExpectedSegmentAudio,
  ceilingSeconds: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  const report = createMp3WalkReport();
  // Chunks the walker has pulled but whose frames have not all been checked yet.
  const pending: Uint8Array[] = [];
  const junkFound = (): BadAudioError =>
    bad(
      expected,
      `${report.junkBytes} bytes that are neither an MPEG frame nor a tag (damaged or cut frames)`,
      `${report.junkBytes} junk bytes`,
    );
  async function* tap(): AsyncGenerator<Uint8Array, void, undefined> {
    for await (const chunk of source) {
      if (report.junkBytes > 0) throw junkFound();
      pending.push(chunk);
      yield chunk;
    }
  }
  const wanted = `MPEG layer III ${expected.audio.sampleRate} Hz ${expected.audio.channels === 1 ? 'mono' : 'stereo'}`;
  let frames = 0;
  let seconds = 0;
  for await (const { header } of walkMp3Frames(tap(), report)) {
    if (header.layer !== 3 || header.sampleRate !== expected.audio.sampleRate || header.channels !== expected.audio.channels) {
      throw bad(expected, `frame ${frames} is ${describeMp3Format(header)}, but ${wanted} was asked for`, describeMp3Format(header));
    }
    if (report.junkBytes > 0) throw junkFound();
    frames += 1;
    seconds += header.samplesPerFrame / header.sampleRate;
    if (seconds > ceilingSeconds) throw tooLong(expected, seconds, ceilingSeconds);
    yield* pending.splice(0);
  }
  if (report.junkBytes > 0) throw junkFound();
  if (frames === 0) throw bad(expected, `no MPEG audio frame in the answer (${report.tagBytes} bytes of tags)`, 'no frames');
  yield* pending.splice(0);
}

async function* checkWav(
  input: Peekable,
  expected: ExpectedSegmentAudio,
  ceilingSeconds: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  const head = await readHead(input);
  const { sampleRate, channels } = expected.audio;
  const described = `${head.sampleRate ?? '?'} Hz, ${head.channels ?? '?'} channel(s), ${head.bitsPerSample ?? '?'}-bit, format ${head.formatTag ?? '?'}`;
  if (
    head.formatTag !== WAVE_FORMAT_PCM ||
    head.sampleRate !== sampleRate ||
    head.channels !== channels ||
    head.dataOffset === undefined ||
    !head.blockAlign
  ) {
    throw bad(
      expected,
      `the wav answer is ${described}${head.dataOffset === undefined ? ' with no data chunk in its head' : ''}, but integer PCM at ${sampleRate} Hz, ${channels} channel(s) was asked for`,
      described,
    );
  }
  const bytesPerSecond = sampleRate * head.blockAlign;
  const { dataOffset, blockAlign } = head;
  let received = 0;
  for await (const chunk of input.replay()) {
    received += chunk.length;
    const seconds = Math.max(0, received - dataOffset) / bytesPerSecond;
    if (seconds > ceilingSeconds) throw tooLong(expected, seconds, ceilingSeconds);
    yield chunk;
  }
  const dataBytes = received - dataOffset;
  if (dataBytes <= 0) throw bad(expected, 'the wav answer holds no samples', 0);
  if (head.declaredBytes !== undefined && received < head.declaredBytes) {
    throw bad(expected, `the wav answer ended after ${received} of the ${head.declaredBytes} bytes its header declares`, received);
  }
  if (head.declaredBytes === undefined && dataBytes % blockAlign !== 0) {
    throw bad(expected, `the wav answer ends inside a sample frame (${dataBytes % blockAlign} of ${blockAlign} bytes)`, dataBytes);
  }
}

async function* checkRawPcm(
  source: AsyncIterable<Uint8Array>,
  expected: ExpectedSegmentAudio,
  ceilingSeconds: number,
): AsyncGenerator<Uint8Array, void, undefined> {
  const blockAlign = 2 * expected.audio.channels;
  const bytesPerSecond = expected.audio.sampleRate * blockAlign;
  let received = 0;
  for await (const chunk of source) {
    received += chunk.length;
    if (received / bytesPerSecond > ceilingSeconds) throw tooLong(expected, received / bytesPerSecond, ceilingSeconds);
    yield chunk;
  }
  if (received === 0) throw bad(expected, 'the pcm answer holds no samples', 0);
  if (received % blockAlign !== 0)
    throw bad(expected, `the pcm answer ends inside a sample frame (${received % blockAlign} of ${blockAlign} bytes)`, received);
}

/** Reads a wav head (at most MAX_HEAD_BYTES), keeping every byte for the replay. */
async function readHead(input: Peekable): Promise<AudioHead> {
  for (let want = SNIFF_BYTES; ; want = Math.min(MAX_HEAD_BYTES, want * 2)) {
    const bytes = await input.peek(want);
    const final = bytes.length < want || want >= MAX_HEAD_BYTES;
    const head = readAudioHead(bytes, final);
    if (head !== undefined) return head;
  }
}

/** A source whose first bytes can be looked at, then replayed in full. */
class Peekable {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #buffered: Uint8Array[] = [];
  #length = 0;
  #ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** At least `count` bytes from the start (fewer only when the source ended). */
  async peek(count: number): Promise<Uint8Array> {
    while (this.#length < count && !this.#ended) {
      const step = await this.#iterator.next();
      if (step.done === true) this.#ended = true;
      else {
        this.#buffered.push(step.value);
        this.#length += step.value.length;
      }
    }
    return Buffer.concat(this.#buffered, this.#length);
  }

  /** Every byte: the peeked ones, then the rest of the source. */
  async *replay(): AsyncGenerator<Uint8Array, void, undefined> {
    yield* this.#buffered.splice(0);
    while (!this.#ended) {
      const step = await this.#iterator.next();
      if (step.done === true) this.#ended = true;
      else yield step.value;
    }
  }

  /** Closes the source when the reader stopped early (a bad answer): the provider's stream ends. */
  async close(): Promise<void> {
    if (this.#ended) return;
    this.#ended = true;
    await this.#iterator.return?.();
  }
}
