import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { crc16 } from '../../../src/audio/crc16.ts';

/** The textbook bit-at-a-time CRC-16/ARC, as the reference the fast version must match. */
function bitwise(bytes: Uint8Array, start = 0): number {
  let crc = start;
  for (const byte of bytes) {
    crc ^= byte;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
  }
  return crc & 0xffff;
}

describe('crc16 (CRC-16/ARC)', () => {
  it('gives the catalogue check value for "123456789"', () => {
    expect(crc16(new TextEncoder().encode('123456789'))).toBe(0xbb3d);
  });

  it('matches the bit-at-a-time reference for every length from 0 to 40 and large buffers', () => {
    for (let length = 0; length <= 40; length++) {
      const bytes = randomBytes(length);
      expect(crc16(bytes), `length ${length}`).toBe(bitwise(bytes));
    }
    const big = randomBytes(1 << 20);
    expect(crc16(big)).toBe(bitwise(big));
  });

  it('continues across chunks exactly as over the whole', () => {
    const bytes = randomBytes(10_001);
    const split = [3, 8, 17, 4096, 5000];
    let crc = 0;
    let offset = 0;
    for (const size of split) {
      crc = crc16(bytes.subarray(offset, offset + size), crc);
      offset += size;
    }
    crc = crc16(bytes.subarray(offset), crc);
    expect(crc).toBe(bitwise(bytes));
  });
});
