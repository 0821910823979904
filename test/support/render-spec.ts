import type { RenderSpec } from '../../src/render/render-record.ts';

/** What a render record's spec holds besides its id and counts (a record from before the counts has only these). */
export const specFields = {
  createdAt: '2026-01-01T00:00:00.000Z',
  provider: 'senseaudio',
  model: 'm',
  voice: 'v',
  voiceSettings: {},
  audio: { format: 'mp3' as const, sampleRate: 24000, channels: 1 as const, bitrate: 64000 },
  output: 'file:///tmp/out',
  characters: 12,
};

/** A render's spec for RenderStore tests: two segments in one chapter unless `overrides` say otherwise. */
export function testRenderSpec(id: string, overrides: Partial<RenderSpec> = {}): RenderSpec {
  return { ...specFields, segmentCount: 2, chapterCount: 1, id, ...overrides };
}
