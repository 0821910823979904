import { Redis } from 'ioredis';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { startWorkers } from '../../src/worker/start-workers.ts';
import { startCli } from '../chaos/support/cli-process.ts';
import { startSenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { startRenderEnv } from '../support/render-env.ts';
import { runCli } from '../support/run-cli.ts';
import { makeSampleBook } from '../support/sample-book.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

const GOOD_KEY = 'good-key-local';
const WRONG_KEY = 'wrong-key-local';
const AUDIO = ['--format', 'mp3', '--sample-rate', '24000', '--channels', '1', '--bitrate', '64000'];

async function keysMatching(redisUrl: string, pattern: string): Promise<string[]> {
  const redis = new Redis(redisUrl);
  try {
    const found: string[] = [];
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
    return found;
  } finally {
    redis.disconnect();
  }
}

describe('render --local is self-contained', () => {
  const cleanup: (() => Promise<unknown>)[] = [];
  afterAll(async () => {
    for (const step of cleanup.reverse()) await step().catch(() => undefined);
  });

  it('serves only its own render on a shared prefix, and with a bad key fails at once with one line', async () => {
    const simulator = await startSenseAudioSimulator({ apiKey: GOOD_KEY, msPerChar: 1 });
    cleanup.push(() => simulator.close());
    // Someone else's render waits on the shared prefix, with no worker running.
    const env = await startRenderEnv(senseAudioDefinition, { SENSEAUDIO_BASE_URL: simulator.url }, { startWorkers: false });
    cleanup.push(() => env.close());
    const prefix = env.config.QUEUE_PREFIX;
    const bystander = env.plan(makeSampleBook(6000, 11), { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
    await env.enqueue('bystander', bystander.plan, bystander.options);

    const dir = await mkdtemp(join(tmpdir(), 'ttsb-local-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    const text = 'A short notice for the local render. 这是本地渲染的一段短文字。';
    await writeFile(join(dir, 'short.txt'), text);
    const cli = (key: string) =>
      runCli(['render', join(dir, 'short.txt'), '--provider', 'senseaudio', '--local', '-o', join(dir, 'out'), ...AUDIO], {
        REDIS_URL: env.config.REDIS_URL,
        QUEUE_PREFIX: prefix,
        SENSEAUDIO_API_KEY: key,
        SENSEAUDIO_BASE_URL: simulator.url,
      });

    const started = Date.now();
    const bad = await cli(WRONG_KEY);
    const badMs = Date.now() - started;
    expect(bad.code, bad.stderr).toBe(1);
    const lines = bad.stderr.trim().split('\n');
    expect(
      lines.filter((line) => line.includes('API key was rejected')),
      bad.stderr,
    ).toHaveLength(1);
    expect(lines.at(-1)).toMatch(
      /^tts-batch: render \S+ failed: senseaudio: the API key was rejected \(HTTP 401\); check SENSEAUDIO_API_KEY/,
    );
    // No error log beside it (the start-up warning about Redis without AOF is a level-40 line of its own).
    const logs = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg: string });
    expect(
      logs.filter((log) => log.level >= 50).map((log) => log.msg),
      'no error logs',
    ).toEqual([]);
    expect(simulator.requests.length, 'one refusal, no retries').toBeLessThanOrEqual(4);

    const good = await cli(GOOD_KEY);
    expect(good.code, good.stderr).toBe(0);
    // Every request the simulator saw spoke the local text; the bystander was never touched.
    expect(simulator.requests.every((r) => r.text !== undefined && text.includes(r.text.trim()))).toBe(true);
    const other = await env.store.get('bystander');
    expect(other?.status).toBe('queued');
    expect(other?.segmentsDone).toBe(0);
    // Nothing of the private prefixes is left in Redis.
    expect(await keysMatching(env.config.REDIS_URL, `${prefix}-local-*`), 'left in Redis').toEqual([]);
    console.info(
      `[figure] render --local with a refused key: exit 1 after ${badMs} ms, ${simulator.requests.filter((r) => r.key === WRONG_KEY).length} request(s) refused`,
    );
  }, 60_000);

  it('render --wait with no live worker says so on stderr within 10 s, and keeps waiting until one comes', async () => {
    const simulator = await startSenseAudioSimulator({ apiKey: GOOD_KEY, msPerChar: 1 });
    cleanup.push(() => simulator.close());
    const prefix = uniquePrefix('nowrk');
    const redisUrl = (await import('vitest')).inject('redisUrl');
    cleanup.push(() => deletePrefix(redisUrl, prefix));
    const dir = await mkdtemp(join(tmpdir(), 'ttsb-wait-'));
    cleanup.push(() => rm(dir, { recursive: true, force: true }));
    await writeFile(join(dir, 'short.txt'), 'Nobody serves this yet. 还没有人处理。');
    const vars = { REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, SENSEAUDIO_BASE_URL: simulator.url };
    const started = Date.now();
    const waiting = startCli(
      ['render', join(dir, 'short.txt'), '--provider', 'senseaudio', '--wait', '-o', join(dir, 'out'), ...AUDIO],
      vars,
    );
    cleanup.push(() => Promise.resolve(waiting.child.kill('SIGKILL')));
    await vi.waitFor(
      () => {
        if (!waiting.stderr().includes('tts-batch: no live worker serves senseaudio'))
          throw new Error(`not said yet:\n${waiting.stderr()}`);
      },
      { timeout: 10_000, interval: 100 },
    );
    const saidMs = Date.now() - started;
    expect(waiting.child.exitCode, 'still waiting').toBeNull();

    const { loadConfig } = await import('../../src/runtime/app-config.ts');
    const runtime = await startWorkers({
      config: loadConfig({ ...vars, SENSEAUDIO_API_KEY: GOOD_KEY, LOG_LEVEL: 'silent' }),
      logger: pino({ level: 'silent' }),
      providers: ['senseaudio'],
    });
    cleanup.push(() => runtime.close(5000));
    const result = await waiting.exitWithin(30_000);
    expect(result.code, result.stderr).toBe(0);
    console.info(`[figure] render --wait with no worker: notice after ${saidMs} ms (including process start)`);
  }, 60_000);
});
