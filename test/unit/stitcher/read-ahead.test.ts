import { describe, expect, it } from 'vitest';
import { readAhead } from '../../../src/stitcher/read-ahead.ts';

/** A source that records how far it has been pulled and whether it was released. */
function countingSource(count: number, failAt?: number): { source: AsyncGenerator<number>; state: { pulled: number; released: boolean } } {
  const state = { pulled: 0, released: false };
  async function* source(): AsyncGenerator<number> {
    try {
      for (let i = 0; i < count; i++) {
        await Promise.resolve();
        if (i === failAt) throw new Error(`source failed at ${i}`);
        state.pulled = i + 1;
        yield i;
      }
    } finally {
      state.released = true;
    }
  }
  return { source: source(), state };
}

describe('readAhead', () => {
  it('passes every item through in order, one pull ahead of the consumer', async () => {
    const { source, state } = countingSource(5);
    const seen: number[] = [];
    const aheadBy: number[] = [];
    for await (const item of readAhead(source)) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      seen.push(item);
      aheadBy.push(state.pulled - (item + 1));
    }
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(aheadBy.slice(0, 4), 'the next item was pulled while the consumer held the current one').toEqual([1, 1, 1, 1]);
  });

  it('releases the source when the consumer stops early', async () => {
    const { source, state } = countingSource(100);
    for await (const item of readAhead(source)) if (item === 2) break;
    expect(state.released).toBe(true);
    expect(state.pulled, 'at most one item pulled past the last one used').toBeLessThanOrEqual(4);
  });

  it('passes on the source’s error at the item where it happened', async () => {
    const { source } = countingSource(10, 3);
    const seen: number[] = [];
    const failure = (async () => {
      for await (const item of readAhead(source)) seen.push(item);
    })();
    await expect(failure).rejects.toThrow('source failed at 3');
    expect(seen).toEqual([0, 1, 2]);
  });
});
