import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, inject } from 'vitest';
import { learnTranscriptScore, readTranscriptScores } from '../../src/render/transcript-scores.ts';
import { addScore, EMPTY_SCORES, scoreSpread } from '../../src/verify/transcript-outlier.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

const redisUrl = inject('redisUrl');
const prefix = uniquePrefix('asr-scores');
let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl);
});

afterAll(async () => {
  redis.disconnect();
  await deletePrefix(redisUrl, prefix);
});

describe('transcript scores in Redis', () => {
  it('reads nothing learned as empty stats', async () => {
    expect(await readTranscriptScores(redis, prefix, 'espeak:-:en-us:none')).toEqual(EMPTY_SCORES);
  });

  it('keeps every score that concurrent workers learn, and reads the same stats as Welford', async () => {
    const scores = Array.from({ length: 40 }, (_, i) => 0.2 + ((i * 7) % 13) / 20);
    // Separate connections, all at once: no read-modify-write may lose one.
    const workers = Array.from({ length: 4 }, () => new Redis(redisUrl));
    try {
      await Promise.all(scores.map((score, i) => learnTranscriptScore(workers[i % 4] as Redis, prefix, 'espeak:-:en-us:abc', score)));
    } finally {
      for (const worker of workers) worker.disconnect();
    }
    const stats = await readTranscriptScores(redis, prefix, 'espeak:-:en-us:abc');
    const expected = scores.reduce(addScore, EMPTY_SCORES);
    expect(stats.count).toBe(40);
    expect(stats.mean).toBeCloseTo(expected.mean, 10);
    expect(scoreSpread(stats)).toBeCloseTo(scoreSpread(expected), 10);
  });

  it('ignores a score outside [0, 1]', async () => {
    await learnTranscriptScore(redis, prefix, 'k', Number.NaN);
    await learnTranscriptScore(redis, prefix, 'k', 1.5);
    expect((await readTranscriptScores(redis, prefix, 'k')).count).toBe(0);
  });
});
