/**
 * Metadata tags that providers wrap around MP3 audio. None of them is audio; each must be
 * dropped per segment, or a player sees tag bytes in the middle of the stream.
 */

export const ID3V2_HEADER_LENGTH = 10;
export const ID3V1_LENGTH = 128;
/** "TAG+": an extended ID3v1 block that sits right before the ID3v1 tag. */
export const ID3V1_EXTENDED_LENGTH = 227;
export const APE_HEADER_LENGTH = 32;

function startsWith(bytes: Uint8Array, offset: number, ascii: string): boolean {
  if (offset + ascii.length > bytes.length) return false;
  for (let i = 0; i < ascii.length; i++) if (bytes[offset + i] !== ascii.charCodeAt(i)) return false;
  return true;
}

/**
 * Total length of the ID3v2 tag at `offset` (header, body, footer when flagged), or null when
 * the 10 bytes there are not an ID3v2 header.
 */
export function id3v2TagLength(bytes: Uint8Array, offset: number): number | null {
  if (offset + ID3V2_HEADER_LENGTH > bytes.length || !startsWith(bytes, offset, 'ID3')) return null;
  const major = bytes[offset + 3] ?? 0xff;
  const revision = bytes[offset + 4] ?? 0xff;
  if (major < 2 || major > 4 || revision === 0xff) return null;
  let size = 0;
  for (let i = 6; i < 10; i++) {
    const byte = bytes[offset + i] ?? 0x80;
    if (byte & 0x80) return null; // sizes are syncsafe: 7 bits per byte
    size = size * 128 + byte;
  }
  const hasFooter = major === 4 && ((bytes[offset + 5] ?? 0) & 0x10) !== 0;
  return ID3V2_HEADER_LENGTH + size + (hasFooter ? ID3V2_HEADER_LENGTH : 0);
}

export function isId3v1(bytes: Uint8Array, offset: number): boolean {
  return startsWith(bytes, offset, 'TAG') && !startsWith(bytes, offset, 'TAG+');
}

export function isId3v1Extended(bytes: Uint8Array, offset: number): boolean {
  return startsWith(bytes, offset, 'TAG+');
}

export interface ApeTagBlock {
  /** Bytes to skip from `offset`: the whole tag for a header, 32 for a lone footer. */
  length: number;
  /** A footer comes after its items: the items already went by. */
  isFooter: boolean;
  /** Items + footer, per the APEv2 size field (excludes the header). */
  sizeField: number;
}

/** An APEv2 header or footer ("APETAGEX") at `offset`; needs 32 bytes. */
export function parseApeTag(bytes: Uint8Array, offset: number): ApeTagBlock | null {
  if (offset + APE_HEADER_LENGTH > bytes.length || !startsWith(bytes, offset, 'APETAGEX')) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, APE_HEADER_LENGTH);
  const sizeField = view.getUint32(12, true);
  const flags = view.getUint32(20, true);
  const isHeader = (flags & 0x20000000) !== 0;
  if (sizeField < APE_HEADER_LENGTH) return null;
  return isHeader
    ? { length: APE_HEADER_LENGTH + sizeField, isFooter: false, sizeField }
    : { length: APE_HEADER_LENGTH, isFooter: true, sizeField };
}

/** Bytes a tag scanner needs to decide what stands at an offset. */
export const TAG_PROBE_LENGTH = APE_HEADER_LENGTH;
