import type { CoverImage } from './cover-image.ts';

/** "Cover (front)" in the picture types FLAC shares with ID3's APIC. */
export const FRONT_COVER = 3;
/** Bits per pixel written for the cover: the common case, and readers only display it. */
const COLOUR_DEPTH = 24;

/**
 * The body of a FLAC METADATA_BLOCK_PICTURE (RFC 9639 §8.8): what an Ogg Opus file carries,
 * base64-encoded, as its METADATA_BLOCK_PICTURE comment, since ffmpeg 5.1's Ogg muxer takes no
 * picture stream. Big-endian 32-bit fields throughout.
 */
export function flacPictureBlock(cover: CoverImage): Buffer {
  const mime = Buffer.from(cover.mime, 'ascii');
  const fields = (values: readonly number[]): Buffer => {
    const out = Buffer.alloc(values.length * 4);
    values.forEach((value, index) => out.writeUInt32BE(value, index * 4));
    return out;
  };
  return Buffer.concat([
    fields([FRONT_COVER, mime.length]),
    mime,
    fields([0]), // no description
    fields([cover.width, cover.height, COLOUR_DEPTH, 0]), // 0 colours: not an indexed image
    fields([cover.bytes.length]),
    cover.bytes,
  ]);
}
