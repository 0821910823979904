import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect } from 'vitest';
import { walkMp3Frames, type Mp3Frame } from '../../src/audio/mp3-frame-walker.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { ffmpegDecode, ffprobeDurationSeconds } from './ffmpeg.ts';
import type { RenderEnv } from './render-env.ts';

const frames = (path: string): AsyncIterator<Mp3Frame> =>
  walkMp3Frames(createReadStream(path) as AsyncIterable<Uint8Array>)[Symbol.asyncIterator]();
const sha256 = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex');

/**
 * Asserts what every finished mp3 render must show, whatever the provider: the stitched frames
 * are exactly the segments' frames in plan order, with nothing between them but the silence the
 * manifest reports (`pauseAfterMs`: that many whole frames, all alike), they decode cleanly,
 * and the header duration agrees with the manifest's. Returns the stitched file's path.
 */
export async function expectCleanStitchedMp3(env: RenderEnv, renderId: string, manifestDurationMs: number): Promise<string> {
  const manifest = JSON.parse(await readFile(join(env.out, renderId, 'manifest.json'), 'utf8')) as Manifest;
  const segmentPaths = await env.segmentPaths(renderId);
  const audioPath = join(env.out, renderId, 'audio.mp3');
  const stitched = frames(audioPath);
  for (const [position, path] of segmentPaths.entries()) {
    const own = createHash('sha256');
    const taken = createHash('sha256');
    let count = 0;
    let last: Mp3Frame | undefined;
    for (const segment = frames(path); ;) {
      const step = await segment.next();
      if (step.done === true) break;
      own.update(step.value.bytes);
      const next = await stitched.next();
      expect(next.done, `the stitched file ends inside segment ${position}`).not.toBe(true);
      if (next.done !== true) taken.update(next.value.bytes);
      last = step.value;
      count += 1;
    }
    expect(taken.digest('hex'), `segment ${position}'s ${count} frames, in order`).toBe(own.digest('hex'));
    const pauseMs = manifest.segments[position]?.pauseAfterMs ?? 0;
    if (pauseMs === 0 || last === undefined) continue;
    const frameMs = (last.header.samplesPerFrame / last.header.sampleRate) * 1000;
    const pauseFrames = Math.round(pauseMs / frameMs);
    const silent = new Set<string>();
    for (let i = 0; i < pauseFrames; i += 1) {
      const next = await stitched.next();
      expect(next.done, `the stitched file ends inside the pause after segment ${position}`).not.toBe(true);
      if (next.done !== true) silent.add(sha256(next.value.bytes));
    }
    expect(silent.size, `the ${pauseFrames} frames of the pause after segment ${position} are one silent frame repeated`).toBe(1);
  }
  expect((await stitched.next()).done, 'nothing after the last segment').toBe(true);

  // Frames are clean and the header duration agrees with the counted one.
  const decoded = await ffmpegDecode(audioPath);
  expect(decoded.errors, 'ffmpeg full decode must print nothing').toBe('');
  const probed = await ffprobeDurationSeconds(audioPath);
  expect(Math.abs(probed * 1000 - manifestDurationMs)).toBeLessThan(100);
  return audioPath;
}
