import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LuaScript } from '../../src/render/lua-script.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

/** Scripts run by sha1, the source sent only when Redis does not know it. */
describe('LuaScript', () => {
  const redisUrl = inject('redisUrl');
  let prefix: string;
  let redis: Redis;

  beforeAll(() => {
    prefix = uniquePrefix('lua-script');
    redis = new Redis(redisUrl);
  });

  afterAll(async () => {
    await deletePrefix(redisUrl, prefix);
    redis.disconnect();
  });

  it('runs a script Redis has never seen (NOSCRIPT, then its source), and by sha1 after that', async () => {
    // A comment no other script has: Redis cannot know this one yet.
    const script = new LuaScript(`-- ${randomUUID()}\nreturn redis.call('HINCRBY', KEYS[1], ARGV[1], ARGV[2])`);
    const [known] = (await redis.script('EXISTS', script.sha1)) as number[];
    expect(known).toBe(0);
    expect(await script.run(redis, [`${prefix}:h`], ['f', 2])).toBe(2);
    const [loaded] = (await redis.script('EXISTS', script.sha1)) as number[];
    expect(loaded).toBe(1);
    expect(await script.run(redis, [`${prefix}:h`], ['f', 3])).toBe(5);
  });

  it('passes on a script error that is not NOSCRIPT', async () => {
    const script = new LuaScript(`-- ${randomUUID()}\nreturn redis.call('INCR', KEYS[1])`);
    await redis.set(`${prefix}:text`, 'not a number');
    await expect(script.run(redis, [`${prefix}:text`], [])).rejects.toThrow(/not an integer/);
  });
});
