import { describe, expect, it } from 'vitest';
import { AudioFormatError } from '../../../../src/errors/audio-format-error.ts';
import { HexDecoder } from '../../../../src/providers/shared/hex-decoder.ts';

const SOURCE = Uint8Array.from({ length: 257 }, (_, i) => (i * 37 + 11) % 256);
const HEX = Buffer.from(SOURCE).toString('hex');

function decodeInPieces(hex: string, cuts: readonly number[]): Uint8Array {
  const decoder = new HexDecoder();
  const parts: Uint8Array[] = [];
  let start = 0;
  for (const cut of [...cuts, hex.length]) {
    parts.push(decoder.push(hex.slice(start, cut)));
    start = cut;
  }
  decoder.end();
  return Buffer.concat(parts);
}

describe('HexDecoder', () => {
  it('decodes hex split at every offset, odd ones included, to the original bytes', () => {
    for (let cut = 0; cut <= HEX.length; cut += 1) {
      expect(Buffer.from(decodeInPieces(HEX, [cut])).equals(Buffer.from(SOURCE)), `split at ${cut}`).toBe(true);
    }
    const oddPieces = Array.from({ length: Math.floor(HEX.length / 3) }, (_, i) => (i + 1) * 3);
    expect(Buffer.from(decodeInPieces(HEX, oddPieces)).equals(Buffer.from(SOURCE))).toBe(true);
  });

  it('carries the odd nibble: a piece of one character yields nothing until its pair comes', () => {
    const decoder = new HexDecoder();
    expect(decoder.push('a')).toHaveLength(0);
    expect(decoder.pending).toBe(true);
    expect([...decoder.push('bC')]).toEqual([0xab]);
    expect(decoder.pending).toBe(true);
    expect([...decoder.push('d')]).toEqual([0xcd]);
    expect(decoder.pending).toBe(false);
  });

  it('refuses a non-hex character and says where it was', () => {
    const decoder = new HexDecoder();
    decoder.push('abc');
    expect(() => decoder.push('dzz')).toThrow(AudioFormatError);
    expect(() => new HexDecoder().push('00 11')).toThrow(/offset 2/);
  });

  it('refuses to end with half a byte left', () => {
    const decoder = new HexDecoder();
    decoder.push('abc');
    expect(() => decoder.end()).toThrow(/middle of a byte after 3 characters/);
  });
});
