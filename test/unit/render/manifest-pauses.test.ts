import { describe, expect, it } from 'vitest';
import { buildManifest, type DeliveryFacts } from '../../../src/render/manifest.ts';
import type { RenderOutline } from '../../../src/render/render-outline.ts';
import type { RenderSpec, SegmentResult } from '../../../src/render/render-record.ts';
import type { StitchResult } from '../../../src/stitcher/stitch-types.ts';

const spec: RenderSpec = {
  id: 'r1',
  createdAt: '2026-01-01T00:00:00.000Z',
  provider: 'sensenova',
  model: 'm',
  voice: 'v',
  voiceSettings: {},
  audio: { format: 'mp3', sampleRate: 32000, channels: 1, bitrate: 128000 },
  output: 'file:///tmp/out',
  characters: 10,
  segmentCount: 3,
  chapterCount: 1,
};
const outline: RenderOutline = {
  chapters: [{ index: 0, title: '', firstSegment: 0 }],
  segments: [
    { index: 0, chapter: 0, chars: 4, key: 'a', pauseAfter: { ms: 800, reason: 'break-tag' } },
    { index: 1, chapter: 0, chars: 3, key: 'b', pauseAfter: { ms: 100, reason: 'break-tag' } },
    { index: 2, chapter: 0, chars: 3, key: 'c' },
  ],
};
const results: SegmentResult[] = [0, 1, 2].map((index) => ({ index, key: 'abc'[index] ?? '', cached: false, bytes: 10 }));

function stitched(pauses: number[], pauseBeforeMs = 0): StitchResult {
  return {
    durationMs: 3000,
    pauseBeforeMs,
    bytes: 30,
    sampleRate: 32000,
    channels: 1,
    segments: pauses.map((pauseAfterMs, position) => ({
      position,
      startMs: position * 1000,
      durationMs: 900,
      bytes: 10,
      pauseAfterMs,
    })),
  };
}

const silence = { integratedLufs: null, lraLu: 0, truePeakDbtp: null, rmsDb: null, noiseFloorDb: null };
const facts: DeliveryFacts = {
  profile: 'raw',
  format: 'mp3',
  folder: 'r1',
  audioKey: 'r1/audio.mp3',
  bytes: 30,
  files: [{ name: 'audio.mp3', role: 'book', format: 'mp3', bytes: 30 }],
  loudness: silence,
  compliance: [],
  tags: {},
};

describe('buildManifest: pauses', () => {
  it("shows the silence the join inserted after a segment, with the plan's reason", () => {
    const manifest = buildManifest(spec, outline, results, stitched([828, 108, 0]), facts);
    expect(manifest.segments.map((s) => [s.pauseAfterMs, s.pauseReason])).toEqual([
      [828, 'break-tag'],
      [108, 'break-tag'],
      [undefined, undefined],
    ]);
    expect(manifest.segments[2]).not.toHaveProperty('pauseAfterMs');
  });

  it('shows no pause where the join inserted none, whatever the plan asked', () => {
    const manifest = buildManifest(spec, outline, results, stitched([0, 0, 0]), facts);
    expect(manifest.segments.some((s) => 'pauseAfterMs' in s || 'pauseReason' in s)).toBe(false);
    expect(manifest).not.toHaveProperty('pauseBeforeMs');
  });

  it('shows the head silence the join inserted before the first segment', () => {
    const manifest = buildManifest(spec, outline, results, stitched([828, 108, 0], 756), facts);
    expect(manifest.pauseBeforeMs).toBe(756);
  });
});
