import { join } from 'node:path';
import { expect } from 'vitest';
import { ffmpegDecode, ffprobeDurationSeconds } from './ffmpeg.ts';
import { mp3FrameDigest } from './frame-digest.ts';
import type { RenderEnv } from './render-env.ts';

/**
 * Asserts what every finished mp3 render must show, whatever the provider: the stitched frames
 * are exactly the segments' frames in plan order, they decode cleanly, and the header duration
 * agrees with the manifest's. Returns the stitched file's path.
 */
export async function expectCleanStitchedMp3(env: RenderEnv, renderId: string, manifestDurationMs: number): Promise<string> {
  // Order: the stitched frames are exactly the segments' frames, in plan order.
  const expected = await mp3FrameDigest(await env.segmentPaths(renderId));
  const audioPath = join(env.out, renderId, 'audio.mp3');
  const actual = await mp3FrameDigest([audioPath]);
  expect(actual.frames).toBe(expected.frames);
  expect(actual.sha256).toBe(expected.sha256);

  // Frames are clean and the header duration agrees with the counted one.
  const decoded = await ffmpegDecode(audioPath);
  expect(decoded.errors, 'ffmpeg full decode must print nothing').toBe('');
  const probed = await ffprobeDurationSeconds(audioPath);
  expect(Math.abs(probed * 1000 - manifestDurationMs)).toBeLessThan(100);
  return audioPath;
}
