import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { PartBuffer } from '../../../src/storage/part-buffer.ts';

describe('PartBuffer', () => {
  it('grows as bytes come, takes no more than its size, and keeps them in order', () => {
    const size = 300_000;
    const part = new PartBuffer(size);
    const bytes = randomBytes(size + 5000);
    let taken = 0;
    for (let offset = 0; offset < bytes.byteLength && !part.full;) {
      const chunk = bytes.subarray(offset, offset + 7777);
      const count = part.write(chunk, 0);
      taken += count;
      offset += count;
    }
    expect(part.full).toBe(true);
    expect(taken).toBe(size);
    expect(Buffer.from(part.contents()).equals(bytes.subarray(0, size))).toBe(true);
  });

  it('reserves room for a header written over the first bytes at the end', () => {
    const part = new PartBuffer(1000, 4);
    part.write(Buffer.from('body'), 0);
    part.setHeader(Buffer.from('HEAD'));
    expect(Buffer.from(part.contents()).toString()).toBe('HEADbody');
    expect(part.full).toBe(false);
  });
});
