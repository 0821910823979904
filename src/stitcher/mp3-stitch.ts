import { CONTENT_TYPES } from '../audio/audio-settings.ts';
import { AudioFormatError } from '../errors/audio-format-error.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { chapterMarks } from './chapter-marks.ts';
import { crc16 } from './crc16.ts';
import { FrameOffsetSampler } from './frame-offset-sampler.ts';
import { buildId3ChapterTag } from './id3-chapters.ts';
import { describeMp3Format } from './mp3-frame-header.ts';
import type { Mp3FrameHeader } from './mp3-frame-header.ts';
import { createMp3WalkReport, walkMp3Frames } from './mp3-frame-walker.ts';
import type { Mp3WalkReport } from './mp3-frame-walker.ts';
import { OutputBatcher } from './output-batcher.ts';
import { putStream } from './put-stream.ts';
import { segmentLabel } from './segment-label.ts';
import type { StitchedSegment, StitchInput, StitchResult } from './stitch-types.ts';
import { buildXingFrame, DEFAULT_LAME_TAG } from './xing-header.ts';
import type { LameTagInfo } from './xing-header.ts';

/** What the first pass learns about one segment; the second pass must see the same. */
interface SegmentCount {
  frames: number;
  bytes: number;
}

interface Mp3Survey {
  template: Mp3FrameHeader;
  segments: SegmentCount[];
  frames: FrameOffsetSampler;
  constantBitrateKbps: number | null;
  musicCrc: number;
  lame: LameTagInfo;
}

function sameStream(a: Mp3FrameHeader, b: Mp3FrameHeader): boolean {
  return a.version === b.version && a.layer === b.layer && a.sampleRate === b.sampleRate && a.channels === b.channels;
}

function checkAgainstSettings(header: Mp3FrameHeader, input: StitchInput, label: string): void {
  const expected = input.audio;
  if (header.layer !== 3 || header.sampleRate !== expected.sampleRate || header.channels !== expected.channels) {
    const wanted = `MPEG layer III ${expected.sampleRate} Hz ${expected.channels === 1 ? 'mono' : 'stereo'}`;
    throw new AudioFormatError(`${label} is ${describeMp3Format(header)}, but the render asks for ${wanted}`, {
      actual: describeMp3Format(header),
      expected: wanted,
    });
  }
}

/**
 * First pass: walks every frame of every segment, checks they all are one stream format, and
 * counts. Keeps counts and a bounded set of offsets, never audio.
 */
async function surveyMp3(input: StitchInput): Promise<Mp3Survey> {
  let template: Mp3FrameHeader | null = null;
  const segments: SegmentCount[] = [];
  const frames = new FrameOffsetSampler();
  let firstBitrate = 0;
  let constant = true;
  let musicCrc = 0;
  let firstReport: Mp3WalkReport | null = null;
  let lastReport: Mp3WalkReport | null = null;
  for (const [position, key] of input.segmentKeys.entries()) {
    const label = segmentLabel(position, key);
    const report = createMp3WalkReport();
    let count = 0;
    let bytes = 0;
    for await (const frame of walkMp3Frames(input.storage.get(key), report)) {
      const header = frame.header;
      if (template === null) {
        checkAgainstSettings(header, input, label);
        template = header;
        firstBitrate = header.bitrateKbps;
      } else if (!sameStream(header, template)) {
        throw new AudioFormatError(
          `${label} is ${describeMp3Format(header)} at frame ${count}, but segment 0 is ${describeMp3Format(template)}; segments must share one format to be joined`,
          { position, key, actual: describeMp3Format(header), expected: describeMp3Format(template) },
        );
      }
      if (header.bitrateKbps !== firstBitrate) constant = false;
      frames.add(frame.bytes.length);
      musicCrc = crc16(frame.bytes, musicCrc);
      count += 1;
      bytes += frame.bytes.length;
    }
    if (count === 0) {
      throw new AudioFormatError(
        `${label} holds no MPEG audio frames (${report.junkBytes} bytes of unrecognised data, ${report.tagBytes} bytes of tags)`,
        { position, key, junkBytes: report.junkBytes, tagBytes: report.tagBytes },
      );
    }
    segments.push({ frames: count, bytes });
    firstReport ??= report;
    lastReport = report;
  }
  if (template === null) throw new AudioFormatError('no segments to stitch', input.segmentKeys);
  const firstLame = firstReport?.vbrHeader?.lame ?? null;
  const lastLame = lastReport?.vbrHeader?.lame ?? null;
  return {
    template,
    segments,
    frames,
    constantBitrateKbps: constant ? firstBitrate : null,
    musicCrc,
    lame: {
      encoder: firstLame?.encoder ?? DEFAULT_LAME_TAG.encoder,
      // Gapless playback trims the first segment's lead-in and the last one's tail only;
      // the joins in between keep theirs (inaudible in speech, and counted in the durations).
      encoderDelay: firstLame?.encoderDelay ?? DEFAULT_LAME_TAG.encoderDelay,
      padding: lastLame?.padding ?? DEFAULT_LAME_TAG.padding,
    },
  };
}

/** Second pass: tag, one Xing/Info frame, then every segment's audio frames and nothing else. */
async function* writeMp3(input: StitchInput, survey: Mp3Survey, leading: readonly Uint8Array[]): AsyncGenerator<Uint8Array> {
  for (const part of leading) yield part;
  const batcher = new OutputBatcher();
  for (const [position, key] of input.segmentKeys.entries()) {
    const expected = survey.segments[position] ?? { frames: 0, bytes: 0 };
    let frames = 0;
    let bytes = 0;
    for await (const frame of walkMp3Frames(input.storage.get(key))) {
      if (!sameStream(frame.header, survey.template)) break; // counted below as a change
      frames += 1;
      bytes += frame.bytes.length;
      yield* batcher.push(frame.bytes);
    }
    if (frames !== expected.frames || bytes !== expected.bytes) {
      throw new TtsBatchError(
        'STITCH_SOURCE_CHANGED',
        `${segmentLabel(position, key)} changed while being stitched: ${expected.frames} frames (${expected.bytes} bytes) at first, ${frames} frames (${bytes} bytes) now`,
        { value: { position, key } },
      );
    }
  }
  const rest = batcher.flush();
  if (rest) yield rest;
}

export async function stitchMp3(input: StitchInput): Promise<StitchResult> {
  const survey = await surveyMp3(input);
  const { sampleRate, samplesPerFrame, channels } = survey.template;
  const msPerFrame = (samplesPerFrame * 1000) / sampleRate;
  let startFrames = 0;
  const segments: StitchedSegment[] = survey.segments.map((segment, position) => {
    const result = { position, startMs: startFrames * msPerFrame, durationMs: segment.frames * msPerFrame, bytes: segment.bytes };
    startFrames += segment.frames;
    return result;
  });
  const durationMs = startFrames * msPerFrame;

  const leading: Uint8Array[] = [];
  if (input.title !== undefined || (input.chapters?.length ?? 0) > 0) {
    const chapters = chapterMarks(input.chapters ?? [], segments, durationMs);
    leading.push(buildId3ChapterTag(input.title === undefined ? { chapters } : { title: input.title, chapters }));
  }
  leading.push(
    buildXingFrame({
      template: survey.template,
      constantBitrateKbps: survey.constantBitrateKbps,
      frames: survey.frames,
      musicCrc: survey.musicCrc,
      lame: survey.lame,
    }),
  );
  const written = await putStream(input.storage, input.outputKey, writeMp3(input, survey, leading), CONTENT_TYPES.mp3);
  return { durationMs, bytes: written.size, sampleRate, channels, segments };
}
