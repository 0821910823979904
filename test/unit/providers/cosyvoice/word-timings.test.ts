import { describe, expect, it } from 'vitest';
import { WordTimings } from '../../../../src/providers/cosyvoice/word-timings.ts';

const w = (text: string, startMs: number, endMs: number) => ({ text, startMs, endMs });

describe('WordTimings', () => {
  it('keeps the last list a sentence was given: repeated words of one sentence are not appended', () => {
    const timings = new WordTimings();
    timings.add({ index: 0, words: [w('今', 0, 120)] });
    timings.add({ index: 0, words: [w('今', 0, 120), w('天', 120, 240)] });
    timings.add({ index: 1, words: [w('好', 400, 520)] });
    timings.add({ index: 0, words: [w('今', 0, 120), w('天', 120, 260)] });
    expect(timings.result()).toEqual([w('今', 0, 120), w('天', 120, 260), w('好', 400, 520)]);
  });

  it('keeps a word given again under another sentence (task-finished with the whole task) once', () => {
    const timings = new WordTimings();
    timings.add({ index: 0, words: [w('今', 0, 120)] });
    timings.add({ index: 1, words: [w('好', 400, 520)] });
    timings.add({ index: 1, words: [w('今', 0, 120), w('好', 400, 520)] });
    expect(timings.result()).toEqual([w('今', 0, 120), w('好', 400, 520)]);
  });

  it('files an event without a sentence index under the last one seen, and ignores empty lists', () => {
    const timings = new WordTimings();
    timings.add({ index: 2, words: [w('a', 0, 10)] });
    timings.add({ words: [w('a', 0, 10), w('b', 10, 20)] });
    timings.add({ index: 3, words: [] });
    timings.add(undefined);
    expect(timings.result()).toEqual([w('a', 0, 10), w('b', 10, 20)]);
  });
});
