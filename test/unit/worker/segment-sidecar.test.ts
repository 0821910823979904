import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../src/errors/not-found-error.ts';
import type { Storage } from '../../../src/storage/storage.ts';
import { readSegmentSidecar } from '../../../src/worker/segment-sidecar.ts';

/** A storage holding one object: only `get` is used by the reader. */
function holding(key: string, text: string): Storage {
  return {
    async *get(asked: string) {
      if (asked !== key) throw new NotFoundError(`no ${asked}`);
      yield await Promise.resolve(Buffer.from(text, 'utf8'));
    },
  } as unknown as Storage;
}

describe('readSegmentSidecar', () => {
  it('gives back the word timings a synthesis stored with the segment, so a cache hit still has them', async () => {
    const words = [
      { text: '今', startMs: 0, endMs: 120 },
      { text: '天', startMs: 120, endMs: 240 },
    ];
    const sidecar = await readSegmentSidecar(holding('k.json', JSON.stringify({ traceId: 't', bytes: 10, sha256: 'ab', words })), 'k.json');
    expect(sidecar).toEqual({ traceId: 't', bytes: 10, sha256: 'ab', words });
  });

  it('leaves out a words field that is not a list of timings', async () => {
    const sidecar = await readSegmentSidecar(holding('k.json', JSON.stringify({ traceId: 't', words: [{ text: 'x' }] })), 'k.json');
    expect(sidecar).toEqual({ traceId: 't' });
  });
});
