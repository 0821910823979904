/**
 * SSE fan-out cost: a real `tts-batch api` process, FOLLOWERS event streams on one render, then
 * MESSAGES segment-done messages and the final status. Prints the API process's CPU time
 * (utime+stime from /proc) and RSS growth over the burst. Linux only.
 *   REDIS_URL=redis://127.0.0.1:6379 node --import tsx bench/sse-fanout.ts [followers] [messages]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { Redis } from 'ioredis';
import { enqueueRender } from '../src/producer/enqueue-render.ts';
import { planRender } from '../src/producer/plan.ts';
import { resolveRenderOptions } from '../src/producer/render-options.ts';
import { senseAudioDefinition } from '../src/providers/senseaudio/definition.ts';
import { connectProducer, createRedisConnection } from '../src/queue/redis-connection.ts';
import { RenderStore } from '../src/render/render-store.ts';
import { describeLocation } from '../src/storage/open-storage.ts';

const FOLLOWERS = Number(process.argv[2] ?? 40);
const MESSAGES = Number(process.argv[3] ?? 500);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PREFIX = `ttsbbench-sse-${randomBytes(3).toString('hex')}`;
const TOKEN = 'bench-token-0123456789abcdef';
const TICKS = 100; // USER_HZ on Linux

async function usage(pid: number): Promise<{ cpuMs: number; rssKb: number }> {
  const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  const rssKb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
  return { cpuMs: ((Number(stat[11]) + Number(stat[12])) * 1000) / TICKS, rssKb };
}

const child = spawn(process.execPath, ['bin/tts-batch.js', 'api'], {
  env: {
    ...process.env,
    REDIS_URL,
    QUEUE_PREFIX: PREFIX,
    API_TOKENS: TOKEN,
    PORT: '0',
    API_HOST: '127.0.0.1',
    API_DEFAULT_OUTPUT: tmpdir(),
    LOG_LEVEL: 'info',
  },
  stdio: ['ignore', 'ignore', 'pipe'],
});
const url = await new Promise<string>((resolve) => {
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    const match = /Server listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
    if (match?.[1]) resolve(match[1]);
  });
});
const connection = createRedisConnection(REDIS_URL, 'producer');
await connectProducer(connection, REDIS_URL);
const store = new RenderStore(connection, PREFIX);
const text = Array.from({ length: MESSAGES }, (_v, i) => `Sentence number ${i} of the benchmark book, long enough to stand alone.`).join(
  '\n\n',
);
const plan = planRender(text, { maxUnits: 120, targetUnits: 80, count: (t) => [...t].length });
const id = 'sse-bench';
await enqueueRender(
  { connection, prefix: PREFIX, store, retry: { attempts: 1, backoffMs: 50 } },
  { id, plan, provider: senseAudioDefinition, options: resolveRenderOptions(senseAudioDefinition, {}), output: describeLocation(tmpdir()) },
);
const streams = await Promise.all(
  Array.from({ length: FOLLOWERS }, async () => {
    const response = await fetch(`${url}/v1/renders/${id}/events`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    await reader.read(); // headers and the snapshot are out
    return {
      done: (async () => {
        let bytes = 0;
        for (;;) {
          const { done, value } = await reader.read();
          if (done) return bytes;
          bytes += value.byteLength;
        }
      })(),
    };
  }),
);
const before = await usage(child.pid!);
const started = Date.now();
await store.markRunning(id);
for (let index = 0; index < plan.segments.length; index++) await store.markSegmentDone(id, index, false, plan.segments[index]!.chars);
await store.markStitching(id);
await store.markCompleted(id, {
  location: `${describeLocation(tmpdir())}/${id}/audio.mp3`,
  manifest: 'm',
  durationMs: 1,
  bytes: 1,
  billedCharacters: plan.characters,
});
const bytes = await Promise.all(streams.map((s) => s.done));
const after = await usage(child.pid!);
console.log(
  JSON.stringify({
    followers: FOLLOWERS,
    messages: plan.segments.length + 3,
    apiCpuMs: after.cpuMs - before.cpuMs,
    rssBeforeMb: Math.round(before.rssKb / 1024),
    rssAfterMb: Math.round(after.rssKb / 1024),
    wallMs: Date.now() - started,
    bytesPerFollower: bytes[0],
  }),
);
child.kill('SIGTERM');
await connection.quit();
const redis = new Redis(REDIS_URL);
const keys = await redis.keys(`${PREFIX}:*`);
if (keys.length) await redis.del(...keys);
redis.disconnect();
