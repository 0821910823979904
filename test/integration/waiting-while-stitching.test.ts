import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { renderView } from '../../src/api/render-view.ts';
import { WorkerNotice } from '../../src/cli/worker-notice.ts';
import type { RenderState } from '../../src/render/render-store.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

/** A render in `stitching`: its stitch sent a damaged segment back to synthesis and waits for it. */
function stitchingRender(): RenderState {
  return {
    spec: {
      id: 'healing',
      createdAt: new Date().toISOString(),
      provider: 'senseaudio',
      model: 'm',
      voice: 'v',
      voiceSettings: {},
      audio: { format: 'mp3', sampleRate: 24000, channels: 1 },
      output: '/tmp/out',
      characters: 90,
      segmentCount: 3,
      chapterCount: 1,
    },
    status: 'stitching',
    segmentsDone: 3,
    cachedSegments: 2,
    charsDone: 90,
  };
}

/**
 * Review of issue #8 item 6, defect 11: while a heal child synthesizes, its render sits in
 * `stitching`. With no worker for its provider it waits exactly like a queued render, so it
 * must say why (render --wait's notice, the API's `waiting`) and be failed by the stall
 * watchdog like one; before, all three looked only at queued and running.
 */
describe('a stitching render waits like a queued one', () => {
  const redis = new Redis(inject('redisUrl'));
  const prefix = uniquePrefix('stitch-wait');

  beforeAll(async () => {
    await redis.ping();
  });

  afterAll(async () => {
    await deletePrefix(inject('redisUrl'), prefix);
    redis.disconnect();
  });

  it('render --wait says that no live worker serves its provider', async () => {
    const lines: string[] = [];
    const notice = new WorkerNotice(redis, prefix, 'senseaudio', (line) => lines.push(line));
    await notice.check('healing', 'stitching');
    expect(lines).toEqual(['tts-batch: no live worker serves senseaudio; render healing keeps waiting in the queue\n']);
  });

  it('the API view carries the waiting reason', () => {
    const view = renderView(stitchingRender(), Date.now(), 'no worker with valid senseaudio credentials');
    expect(view.status).toBe('stitching');
    expect(view.waiting).toBe('no worker with valid senseaudio credentials');
  });
});
