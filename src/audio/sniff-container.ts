/** A container recognised from its first bytes; `unknown` when none matches (or too few bytes came). */
export type SniffedContainer = 'wav' | 'mp3' | 'flac' | 'unknown';

/** Bytes needed to tell every container apart (RIFF....WAVE). */
export const SNIFF_BYTES = 12;

/**
 * Names the container of audio from its first bytes. File names and Content-Type headers lie
 * (providers serve mp3 as `audio/wav` and wav from `.mp3` links), the magic numbers do not.
 */
export function sniffContainer(head: Uint8Array): SniffedContainer {
  if ((startsWithAscii(head, 0, 'RIFF') || startsWithAscii(head, 0, 'RF64')) && startsWithAscii(head, 8, 'WAVE')) return 'wav';
  if (startsWithAscii(head, 0, 'fLaC')) return 'flac';
  if (startsWithAscii(head, 0, 'ID3')) return 'mp3';
  // An MPEG audio frame sync: eleven set bits, then a layer field that is not the reserved 00.
  const first = head[0];
  const second = head[1];
  if (first === 0xff && second !== undefined && (second & 0xe0) === 0xe0 && (second & 0x06) !== 0) return 'mp3';
  return 'unknown';
}

function startsWithAscii(bytes: Uint8Array, offset: number, text: string): boolean {
  if (bytes.length < offset + text.length) return false;
  for (let i = 0; i < text.length; i++) {
    if (bytes[offset + i] !== text.charCodeAt(i)) return false;
  }
  return true;
}
