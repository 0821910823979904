import { CONTENT_TYPES } from '../audio/audio-settings.ts';
import { AudioFormatError } from '../errors/audio-format-error.ts';
import { SegmentDamagedError } from '../errors/segment-damaged-error.ts';
import { chapterMarks } from './chapter-marks.ts';
import { crc16 } from '../audio/crc16.ts';
import { FrameOffsetSampler } from '../audio/frame-offset-sampler.ts';
import { buildId3ChapterTag } from '../audio/id3-chapters.ts';
import type { Id3ChapterTagInput } from '../audio/id3-chapters.ts';
import { describeMp3Format, parseMp3FrameHeader } from '../audio/mp3-frame-header.ts';
import type { Mp3FrameHeader } from '../audio/mp3-frame-header.ts';
import { createMp3WalkReport, walkMp3Frames } from '../audio/mp3-frame-walker.ts';
import type { Mp3Frame, Mp3WalkReport } from '../audio/mp3-frame-walker.ts';
import { unitsCoveringMs } from '../audio/pause-length.ts';
import { silentMp3Frame } from '../audio/silent-mp3-frame.ts';
import { OutputBatcher } from './output-batcher.ts';
import { pauseAskedAfter, pauseAskedBefore } from './pauses.ts';
import { putStreamWithHeader } from './put-stream.ts';
import { readAhead } from './read-ahead.ts';
import { prefetchedReads } from '../storage/prefetched-reads.ts';
import { segmentLabel } from './segment-label.ts';
import type { StitchedSegment, StitchInput, StitchResult } from './stitch-types.ts';
import { buildXingFrame, DEFAULT_LAME_TAG, xingFrameLayout } from '../audio/xing-header.ts';
import type { LameTagInfo } from '../audio/xing-header.ts';

/** Bigger than OutputBatcher's default: a book is written in one go, and fewer writes cost less. */
const OUTPUT_CHUNK_BYTES = 256 * 1024;

interface SegmentCount {
  frames: number;
  bytes: number;
  /** Silent frames written after the segment's own. */
  pauseFrames: number;
}

/**
 * What the one pass over the segments learns as it copies their frames. Counts and a bounded
 * set of offsets, never audio; complete once every frame has gone by.
 */
interface Mp3Tally {
  template: Mp3FrameHeader | null;
  segments: SegmentCount[];
  frames: FrameOffsetSampler;
  firstBitrate: number;
  constant: boolean;
  musicCrc: number;
  firstReport: Mp3WalkReport | null;
  lastReport: Mp3WalkReport | null;
  /** Built at the first pause, from the first frame: one frame's bytes, written as often as needed. */
  silence: Mp3Frame | null;
  /** Silent frames written before segment 0's first frame (the head). */
  headFrames: number;
}

function sameStream(a: Mp3FrameHeader, b: Mp3FrameHeader): boolean {
  return a.version === b.version && a.layer === b.layer && a.sampleRate === b.sampleRate && a.channels === b.channels;
}

function checkAgainstSettings(header: Mp3FrameHeader, input: StitchInput, position: number, key: string): void {
  const label = segmentLabel(position, key);
  const expected = input.audio;
  if (header.layer !== 3 || header.sampleRate !== expected.sampleRate || header.channels !== expected.channels) {
    const wanted = `MPEG layer III ${expected.sampleRate} Hz ${expected.channels === 1 ? 'mono' : 'stereo'}`;
    throw new SegmentDamagedError(position, key, `${label} is ${describeMp3Format(header)}, but the render asks for ${wanted}`, {
      actual: describeMp3Format(header),
      expected: wanted,
    });
  }
}

/**
 * Walks every frame of every segment once: checks they all are one stream format, counts them
 * into `tally`, and yields them (views valid until the next one is asked for).
 */
async function* countedFrames(input: StitchInput, tally: Mp3Tally): AsyncGenerator<Mp3Frame, void, undefined> {
  let position = -1;
  // Each segment's read starts a few segments ahead (prefetched-reads.ts).
  for await (const source of prefetchedReads(input.storage, input.segmentKeys)) {
    position += 1;
    const key = input.segmentKeys[position] as string;
    const label = segmentLabel(position, key);
    const report = createMp3WalkReport();
    let count = 0;
    let bytes = 0;
    for await (const frame of walkMp3Frames(readAhead(source), report)) {
      const header = frame.header;
      if (tally.template === null) {
        checkAgainstSettings(header, input, position, key);
        tally.template = header;
        tally.firstBitrate = header.bitrateKbps;
        // The head needs the stream's format, known only now; this frame stays valid meanwhile
        // (the walk does not move on until it is asked for the next one).
        tally.headFrames = unitsCoveringMs(pauseAskedBefore(input), header.sampleRate, header.samplesPerFrame);
        if (tally.headFrames > 0) yield* silentFrames(tally, tally.headFrames);
      } else if (!sameStream(header, tally.template)) {
        throw new SegmentDamagedError(
          position,
          key,
          `${label} is ${describeMp3Format(header)} at frame ${count}, but segment 0 is ${describeMp3Format(tally.template)}; segments must share one format to be joined`,
          { actual: describeMp3Format(header), expected: describeMp3Format(tally.template) },
        );
      }
      // Junk between frames is damage (zeroed or overwritten bytes), never skipped in silence.
      if (report.junkBytes > 0) throw junkIn(position, key, report);
      if (header.bitrateKbps !== tally.firstBitrate) tally.constant = false;
      tally.frames.add(frame.bytes.length);
      tally.musicCrc = crc16(frame.bytes, tally.musicCrc);
      count += 1;
      bytes += frame.bytes.length;
      yield frame;
    }
    if (count === 0) {
      throw new SegmentDamagedError(
        position,
        key,
        `${label} holds no MPEG audio frames (${report.junkBytes} bytes of unrecognised data, ${report.tagBytes} bytes of tags)`,
        { junkBytes: report.junkBytes, tagBytes: report.tagBytes },
      );
    }
    if (report.junkBytes > 0) throw junkIn(position, key, report);
    const template = tally.template;
    const pauseFrames =
      template === null ? 0 : unitsCoveringMs(pauseAskedAfter(input, position), template.sampleRate, template.samplesPerFrame);
    tally.segments.push({ frames: count, bytes, pauseFrames });
    tally.firstReport ??= report;
    tally.lastReport = report;
    if (pauseFrames > 0) yield* silentFrames(tally, pauseFrames);
  }
}

/**
 * `count` silent frames of the stream's own version, rate, channel mode and first bitrate (so a
 * constant-bitrate book stays one "Info" stream), counted into `tally` like audio frames.
 */
function* silentFrames(tally: Mp3Tally, count: number): Generator<Mp3Frame, void, undefined> {
  if (tally.silence === null) {
    const template = tally.template;
    if (template === null) return;
    const bytes = silentMp3Frame({ ...template, bitrateKbps: tally.firstBitrate });
    const header = parseMp3FrameHeader(bytes);
    if (header === null) throw new Error('unreachable: silentMp3Frame wrote a header its parser refuses');
    tally.silence = { header, bytes };
  }
  const silence = tally.silence;
  for (let i = 0; i < count; i++) {
    tally.frames.add(silence.bytes.length);
    tally.musicCrc = crc16(silence.bytes, tally.musicCrc);
    yield silence;
  }
}

function junkIn(position: number, key: string, report: Mp3WalkReport): SegmentDamagedError {
  return new SegmentDamagedError(
    position,
    key,
    `${segmentLabel(position, key)} holds ${report.junkBytes} bytes that are neither an MPEG frame nor a tag (damaged, or a cut last frame)`,
    { junkBytes: report.junkBytes },
  );
}

/** The frames after the first (already taken to size the header), batched into output chunks. */
async function* audioBody(first: Mp3Frame, rest: AsyncIterator<Mp3Frame, void, undefined>): AsyncGenerator<Uint8Array, void, undefined> {
  const batcher = new OutputBatcher(OUTPUT_CHUNK_BYTES);
  yield* batcher.push(first.bytes);
  for (;;) {
    const next = await rest.next();
    if (next.done === true) break;
    yield* batcher.push(next.value.bytes);
  }
  const left = batcher.flush();
  if (left) yield left;
}

function lameTag(tally: Mp3Tally): LameTagInfo {
  const firstLame = tally.firstReport?.vbrHeader?.lame ?? null;
  const lastLame = tally.lastReport?.vbrHeader?.lame ?? null;
  return {
    encoder: firstLame?.encoder ?? DEFAULT_LAME_TAG.encoder,
    // Gapless playback trims the first segment's lead-in and the last one's tail only;
    // the joins in between keep theirs (inaudible in speech, and counted in the durations).
    // After a pause at the very end, that trim takes as many samples of the silence instead.
    encoderDelay: firstLame?.encoderDelay ?? DEFAULT_LAME_TAG.encoderDelay,
    padding: lastLame?.padding ?? DEFAULT_LAME_TAG.padding,
  };
}

function segmentTimes(
  tally: Mp3Tally,
  template: Mp3FrameHeader,
): { segments: StitchedSegment[]; durationMs: number; pauseBeforeMs: number } {
  const msPerFrame = (template.samplesPerFrame * 1000) / template.sampleRate;
  let startFrames = tally.headFrames;
  const segments = tally.segments.map((segment, position) => {
    const result = {
      position,
      startMs: startFrames * msPerFrame,
      durationMs: segment.frames * msPerFrame,
      pauseAfterMs: segment.pauseFrames * msPerFrame,
      bytes: segment.bytes,
    };
    startFrames += segment.frames + segment.pauseFrames;
    return result;
  });
  return { segments, durationMs: startFrames * msPerFrame, pauseBeforeMs: tally.headFrames * msPerFrame };
}

/** The ID3 tag's input with the given times; null when the render asks for no tag. */
function tagInput(input: StitchInput, segments: readonly StitchedSegment[], durationMs: number): Id3ChapterTagInput | null {
  if (input.title === undefined && (input.chapters?.length ?? 0) === 0) return null;
  const chapters = chapterMarks(input.chapters ?? [], segments, durationMs);
  return input.title === undefined ? { chapters } : { title: input.title, chapters };
}

/**
 * One pass: the output's tag and Info/Xing frame come first but hold totals known only at the
 * end, so their room is reserved and they are filled in once the audio has gone by. The tag's
 * size depends only on the title and chapter titles (times are fixed-width), and the Info frame's
 * on the first audio frame, whose bitrate it takes.
 */
export async function stitchMp3(input: StitchInput): Promise<StitchResult> {
  // Chapter times are fixed-width, so placeholder times give the final size (and refuse a bad tag now).
  const placeholderTag = tagInput(input, [], 0);
  const tagSize = placeholderTag === null ? 0 : buildId3ChapterTag(placeholderTag).length;

  const tally: Mp3Tally = {
    template: null,
    segments: [],
    frames: new FrameOffsetSampler(),
    firstBitrate: 0,
    constant: true,
    musicCrc: 0,
    firstReport: null,
    lastReport: null,
    silence: null,
    headFrames: 0,
  };
  const frames = countedFrames(input, tally);
  const first = await frames.next();
  const template = tally.template;
  if (first.done === true || template === null) throw new AudioFormatError('no segments to stitch', input.segmentKeys);
  const layoutBitrate = tally.firstBitrate;
  const xingSize = xingFrameLayout(template, layoutBitrate).frameLength;

  const finalHeader = (): Uint8Array => {
    const { segments, durationMs } = segmentTimes(tally, template);
    const tag = tagInput(input, segments, durationMs);
    const xing = buildXingFrame({
      template,
      constantBitrateKbps: tally.constant ? tally.firstBitrate : null,
      layoutBitrateKbps: layoutBitrate,
      frames: tally.frames,
      musicCrc: tally.musicCrc,
      lame: lameTag(tally),
    });
    return tag === null ? xing : Buffer.concat([buildId3ChapterTag(tag), xing]);
  };
  let written;
  try {
    written = await putStreamWithHeader(
      input.storage,
      input.outputKey,
      tagSize + xingSize,
      readAhead(audioBody(first.value, frames)),
      finalHeader,
      CONTENT_TYPES.mp3,
    );
  } finally {
    // A put that failed before reading the body must not leave segment 0's read open.
    await frames.return(undefined);
  }
  const { segments, durationMs, pauseBeforeMs } = segmentTimes(tally, template);
  return { durationMs, pauseBeforeMs, bytes: written.size, sampleRate: template.sampleRate, channels: template.channels, segments };
}
