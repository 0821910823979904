import { join } from 'node:path';
import type { RenderPlan } from '../../../src/producer/plan.ts';
import type { RenderOptions } from '../../../src/producer/render-options.ts';
import { senseAudioDefinition } from '../../../src/providers/senseaudio/definition.ts';
import { startSenseAudioSimulator } from '../../simulators/senseaudio/server.ts';
import { mp3FrameDigest } from '../../support/frame-digest.ts';
import { startRenderEnv } from '../../support/render-env.ts';
import { billedCharacters } from './billing.ts';

export interface ReferenceRender {
  /** Frames of the stitched file (tags and Info frame excluded): what a disturbed render must equal. */
  digest: { sha256: string; frames: number };
  /** What the simulator billed for it. */
  billed: number;
  requests: number;
  durationMs: number;
}

/**
 * Renders the plan once with nothing disturbed: its own simulator (same audio options, so the
 * same text gives the same bytes), in-process workers, its own Redis prefix and its own output
 * folder, so it pays for every segment and shares no cache with the render under test.
 */
export async function renderUndisturbed(plan: RenderPlan, options: RenderOptions, audio: { msPerChar: number }): Promise<ReferenceRender> {
  const apiKey = 'reference-key';
  const simulator = await startSenseAudioSimulator({ apiKey, msPerChar: audio.msPerChar });
  try {
    const env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: apiKey,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '8',
    });
    try {
      await env.enqueue('reference', plan, options);
      const manifest = await env.finish('reference');
      const digest = await mp3FrameDigest([join(env.out, 'reference', 'audio.mp3')]);
      return { digest, billed: billedCharacters(simulator.requests), requests: simulator.requests.length, durationMs: manifest.durationMs };
    } finally {
      await env.close();
    }
  } finally {
    await simulator.close();
  }
}
