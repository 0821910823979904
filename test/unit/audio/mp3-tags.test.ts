import { describe, expect, it } from 'vitest';
import { createMp3WalkReport, walkMp3Frames } from '../../../src/audio/mp3-frame-walker.ts';
import type { Mp3WalkReport } from '../../../src/audio/mp3-frame-walker.ts';
import { id3v2TagLength, isId3v1, parseApeTag } from '../../../src/audio/mp3-tags.ts';
import { synthMp3 } from '../../support/audio-synth.ts';
import { concatBytes } from '../../support/concat-bytes.ts';

function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (char) => char.charCodeAt(0));
}

/** An ID3v2 tag of `bodyLength` bytes; the body holds 0xFF 0xFB bytes that look like frame syncs. */
function id3v2(bodyLength: number, options: { major?: number; footer?: boolean } = {}): Uint8Array {
  const major = options.major ?? 4;
  const header = Uint8Array.of(
    0x49,
    0x44,
    0x33,
    major,
    0,
    options.footer ? 0x10 : 0,
    (bodyLength >> 21) & 0x7f,
    (bodyLength >> 14) & 0x7f,
    (bodyLength >> 7) & 0x7f,
    bodyLength & 0x7f,
  );
  const body = new Uint8Array(bodyLength).map((_, i) => (i % 2 === 0 ? 0xff : 0xfb));
  const footer = options.footer ? concatBytes([ascii('3DI'), header.subarray(3)]) : new Uint8Array(0);
  return concatBytes([header, body, footer]);
}

function id3v1(): Uint8Array {
  const tag = new Uint8Array(128);
  tag.set(ascii('TAG'), 0);
  tag.set(ascii('A title'), 3);
  return tag;
}

/** APEv2 items + footer, optionally preceded by a header, as writers append them at the end. */
function apeTag(withHeader: boolean): Uint8Array {
  const item = concatBytes([Uint8Array.of(5, 0, 0, 0, 0, 0, 0, 0), ascii('Title\0'), ascii('Hello')]);
  const block = (isHeader: boolean): Uint8Array => {
    const bytes = new Uint8Array(32);
    const view = new DataView(bytes.buffer);
    bytes.set(ascii('APETAGEX'), 0);
    view.setUint32(8, 2000, true);
    view.setUint32(12, item.length + 32, true);
    view.setUint32(16, 1, true);
    view.setUint32(20, (withHeader ? 0x80000000 : 0) | (isHeader ? 0x20000000 : 0), true);
    return bytes;
  };
  return withHeader ? concatBytes([block(true), item, block(false)]) : concatBytes([item, block(false)]);
}

async function* chunked(bytes: Uint8Array, size: number): AsyncGenerator<Uint8Array> {
  for (let offset = 0; offset < bytes.length; offset += size) yield await Promise.resolve(bytes.subarray(offset, offset + size));
}

async function walk(
  bytes: Uint8Array,
  chunkSize = 4096,
): Promise<{ frames: number; frameBytes: number; report: Mp3WalkReport; first: Uint8Array | null }> {
  const report = createMp3WalkReport();
  let frames = 0;
  let frameBytes = 0;
  let first: Uint8Array | null = null;
  for await (const frame of walkMp3Frames(chunked(bytes, chunkSize), report)) {
    first ??= frame.bytes.slice();
    frames += 1;
    frameBytes += frame.bytes.length;
  }
  return { frames, frameBytes, report, first };
}

const bare = synthMp3({ durationMs: 1000, sampleRate: 24000, channels: 1, frequencyHz: 330 });

describe('tag parsing', () => {
  it('reads a syncsafe ID3v2 size and adds 10 for the v2.4 footer flag', () => {
    expect(id3v2TagLength(id3v2(300), 0)).toBe(310);
    expect(id3v2TagLength(id3v2(300, { footer: true }), 0)).toBe(320);
    expect(id3v2TagLength(id3v2(200_000, { major: 3 }), 0)).toBe(200_010);
  });

  it('refuses an ID3v2 header whose size bytes are not syncsafe', () => {
    const broken = id3v2(10);
    broken[8] = 0x80;
    expect(id3v2TagLength(broken, 0)).toBeNull();
  });

  it('recognises ID3v1 and APEv2 header and footer blocks', () => {
    expect(isId3v1(id3v1(), 0)).toBe(true);
    expect(isId3v1(ascii('TAG+xxxx'), 0)).toBe(false);
    const withHeader = apeTag(true);
    expect(parseApeTag(withHeader, 0)).toMatchObject({ isFooter: false, length: withHeader.length });
    const footerOnly = apeTag(false);
    expect(parseApeTag(footerOnly, footerOnly.length - 32)).toMatchObject({ isFooter: true, length: 32, sizeField: footerOnly.length });
  });
});

describe('walkMp3Frames', () => {
  it('walks lamejs output frame by frame with nothing dropped', async () => {
    const { frames, frameBytes, report } = await walk(bare);
    expect(frameBytes).toBe(bare.length);
    // 64 kbps at 24 kHz never pads: every frame is 72 * 64000 / 24000 = 192 bytes.
    expect(frames).toBe(bare.length / 192);
    expect(frames * 576).toBeGreaterThanOrEqual(24000); // at least the second of audio asked for
    expect(report).toEqual(createMp3WalkReport());
  });

  it('skips several ID3v2 tags in a row (one with a footer) whose bodies contain frame-sync bytes', async () => {
    const tags = concatBytes([id3v2(500, { footer: true }), id3v2(64, { major: 3 }), id3v2(1200)]);
    const result = await walk(concatBytes([tags, bare]), 333);
    expect(result.frameBytes).toBe(bare.length);
    expect(result.report.tagBytes).toBe(tags.length);
    expect(result.report.junkBytes).toBe(0);
  });

  it('drops ID3v1 and APEv2 (with header, and footer only) at the end', async () => {
    for (const trailer of [id3v1(), apeTag(true), concatBytes([apeTag(false), id3v1()]), apeTag(false)]) {
      const result = await walk(concatBytes([bare, trailer]), 100);
      expect(result.frameBytes, `frames with a ${trailer.length}-byte trailer`).toBe(bare.length);
      expect(result.report.tagBytes).toBe(trailer.length);
      expect(result.report.junkBytes).toBe(0);
      expect(result.report.resyncs).toBe(0);
    }
  });

  it('resyncs past junk in the middle and counts it', async () => {
    const half = 20 * 192; // lamejs CBR frames at this rate are 192 bytes
    const junk = new Uint8Array(777).map((_, i) => (i * 37) & 0x7f);
    const result = await walk(concatBytes([bare.subarray(0, half), junk, bare.subarray(half)]), 50);
    expect(result.frameBytes).toBe(bare.length);
    expect(result.report.junkBytes).toBe(777);
    expect(result.report.resyncs).toBe(1);
  });

  it('drops a truncated last frame as junk', async () => {
    const cut = bare.subarray(0, bare.length - 50);
    const result = await walk(cut);
    expect(result.frameBytes).toBe(bare.length - 192);
    expect(result.report.junkBytes).toBe(192 - 50);
  });

  it('gives the same frames whatever the chunk size', async () => {
    const wrapped = synthMp3({ durationMs: 700, sampleRate: 24000, channels: 1, frequencyHz: 330, id3: true, xing: true, id3v1: true });
    const reference = await walk(wrapped, 1 << 20);
    for (const size of [1, 3, 7, 191, 192, 193]) {
      const result = await walk(wrapped, size);
      expect({ frames: result.frames, bytes: result.frameBytes, report: result.report }, `chunk size ${size}`).toEqual({
        frames: reference.frames,
        bytes: reference.frameBytes,
        report: reference.report,
      });
    }
  });
});
