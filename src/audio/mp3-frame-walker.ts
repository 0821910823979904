import { ByteReader } from '../util/byte-reader.ts';
import { parseMp3FrameHeader } from './mp3-frame-header.ts';
import type { Mp3FrameHeader } from './mp3-frame-header.ts';
import {
  APE_HEADER_LENGTH,
  ID3V1_EXTENDED_LENGTH,
  ID3V1_LENGTH,
  ID3V2_HEADER_LENGTH,
  id3v2TagLength,
  isId3v1,
  isId3v1Extended,
  parseApeTag,
} from './mp3-tags.ts';
import { parseVbrHeaderFrame } from './xing-header.ts';
import type { VbrHeaderInfo } from './xing-header.ts';

export interface Mp3Frame {
  header: Mp3FrameHeader;
  /** The whole frame. A view into the walker's buffer: valid until the walk moves on. */
  bytes: Uint8Array;
}

/** What a walk dropped on the way; filled in as the walk goes. */
export interface Mp3WalkReport {
  /** The Xing/Info/VBRI tag of a first frame that carried one (that frame is not yielded). */
  vbrHeader: VbrHeaderInfo | null;
  vbrHeaderBytes: number;
  /** ID3v2, ID3v1 and APEv2 tags. */
  tagBytes: number;
  /** Bytes that were neither a frame nor a tag, truncated last frames included. */
  junkBytes: number;
  /** How many separate runs of junk were skipped to find the next frame. */
  resyncs: number;
}

export function createMp3WalkReport(): Mp3WalkReport {
  return { vbrHeader: null, vbrHeaderBytes: 0, tagBytes: 0, junkBytes: 0, resyncs: 0 };
}

const BYTE_I = 0x49; // "ID3"
const BYTE_T = 0x54; // "TAG"
const BYTE_A = 0x41; // "APETAGEX"
const SYNC = 0xff;

function startsWithAscii(bytes: Uint8Array, offset: number, text: string): boolean {
  for (let i = 0; i < text.length; i++) if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  return true;
}

/**
 * Whether what follows a candidate frame confirms it: the next frame of the same stream, a
 * tag, or the end of the data. A lone 0xFFE sync in junk or inside a tag rarely passes this.
 */
function confirmedByNext(buffered: Uint8Array, header: Mp3FrameHeader): boolean {
  const end = header.frameLength;
  if (buffered.length < end + 4) return true; // the stream ends within 3 bytes after the frame
  const next = parseMp3FrameHeader(buffered, end);
  if (next) return next.version === header.version && next.layer === header.layer && next.sampleRate === header.sampleRate;
  return startsWithAscii(buffered, end, 'ID3') || startsWithAscii(buffered, end, 'TAG') || startsWithAscii(buffered, end, 'APET');
}

/**
 * Streams MPEG audio frames out of one object's chunks, holding only a frame or so of
 * look-ahead. Skips ID3v2 (anywhere, any number), ID3v1 and APEv2 tags; drops a first frame
 * that is a Xing/Info/VBRI tag; resyncs past junk. What was dropped goes into `report`.
 */
export async function* walkMp3Frames(
  source: AsyncIterable<Uint8Array>,
  report: Mp3WalkReport = createMp3WalkReport(),
): AsyncGenerator<Mp3Frame, void, undefined> {
  const reader = new ByteReader(source);
  let synced = false;
  let seenFirstFrame = false;
  let junkRun = 0;
  const dropJunk = (count: number): void => {
    if (count <= 0) return;
    if (junkRun === 0) report.resyncs += 1;
    report.junkBytes += reader.take(count).length;
    junkRun += count;
    synced = false;
  };
  const dropTag = async (length: number): Promise<void> => {
    report.tagBytes += await reader.skip(length);
    junkRun = 0;
  };
  try {
    for (;;) {
      if (!(await reader.ensure(4))) {
        dropJunk(reader.available);
        return;
      }
      const first = reader.view()[0];
      if (first === SYNC) {
        const header = parseMp3FrameHeader(reader.view(), 0);
        if (header) {
          await reader.ensure(header.frameLength + 4);
          const buffered = reader.view();
          if (buffered.length < header.frameLength) {
            dropJunk(buffered.length); // a truncated last frame cannot be decoded
            continue;
          }
          if (synced || confirmedByNext(buffered, header)) {
            const bytes = reader.take(header.frameLength);
            synced = true;
            junkRun = 0;
            if (!seenFirstFrame) {
              seenFirstFrame = true;
              const vbrHeader = parseVbrHeaderFrame(bytes, header);
              if (vbrHeader) {
                report.vbrHeader = vbrHeader;
                report.vbrHeaderBytes = bytes.length;
                continue;
              }
            }
            yield { header, bytes };
            continue;
          }
        }
      } else if (first === BYTE_I) {
        await reader.ensure(ID3V2_HEADER_LENGTH);
        const length = id3v2TagLength(reader.view(), 0);
        if (length !== null) {
          await dropTag(length);
          continue;
        }
      } else if (first === BYTE_T) {
        if (isId3v1Extended(reader.view(), 0)) {
          await dropTag(ID3V1_EXTENDED_LENGTH);
          continue;
        }
        if (isId3v1(reader.view(), 0)) {
          await dropTag(ID3V1_LENGTH);
          continue;
        }
      } else if (first === BYTE_A) {
        await reader.ensure(APE_HEADER_LENGTH);
        const ape = parseApeTag(reader.view(), 0);
        if (ape) {
          // A footer-only APEv2 tag: its items went by as "junk" just before; they were a tag.
          if (ape.isFooter && junkRun === ape.sizeField - APE_HEADER_LENGTH) {
            report.junkBytes -= junkRun;
            report.tagBytes += junkRun;
            if (junkRun > 0) report.resyncs -= 1;
          }
          await dropTag(ape.length);
          continue;
        }
      }
      // Not a frame or a tag here: skip to the next byte that could start one.
      const buffered = reader.view();
      let next = 1;
      while (next < buffered.length) {
        const byte = buffered[next];
        if (byte === SYNC || byte === BYTE_I || byte === BYTE_T || byte === BYTE_A) break;
        next += 1;
      }
      dropJunk(next);
    }
  } finally {
    await reader.close();
  }
}
