import { describe, expect, it } from 'vitest';
import { clampDataBytes } from '../../../src/audio/wav-layout.ts';

describe('clampDataBytes', () => {
  const layout = { dataOffset: 44, blockAlign: 2 };

  it('reads to the end of the object for every streaming placeholder: 0, 0x7FFFF000, 0xFFFFFFFF', () => {
    for (const declaredDataBytes of [0, 0x7ff_ff000, 0xffff_ffff])
      expect(clampDataBytes({ ...layout, declaredDataBytes }, 44 + 1001)).toBe(1000);
  });

  it('keeps a declared size smaller than the object (a trailer chunk after the data)', () => {
    expect(clampDataBytes({ ...layout, declaredDataBytes: 600 }, 44 + 1000 + 26)).toBe(600);
  });
});
