import { describe, expect, it } from 'vitest';
import type { AudioSettings } from '../../../src/audio/audio-settings.ts';
import { InputError } from '../../../src/errors/input-error.ts';
import type { RenderPlan } from '../../../src/producer/plan.ts';
import { checkRenderLimits } from '../../../src/producer/render-limits.ts';
import { MAX_CHAPTERS } from '../../../src/audio/id3-chapters.ts';

/** A plan of `chapters` one-segment chapters (the limits look only at counts and titles). */
function planOf(chapters: number, title = (index: number) => `Chapter ${index + 1}`): RenderPlan {
  return {
    chapters: Array.from({ length: chapters }, (_, index) => ({
      index,
      title: title(index),
      firstSegment: index,
      textStart: index * 3,
      textEnd: index * 3 + 3,
    })),
    segments: Array.from({ length: chapters }, (_, index) => ({
      index,
      chapter: index,
      text: 'Hi.',
      units: 3,
      chars: 3,
      boundary: 'chapter' as const,
      textStart: index * 3,
      textEnd: index * 3 + 3,
      sentences: [{ start: index * 3, end: index * 3 + 3, text: 'Hi.', units: 3 }],
    })),
    characters: 3 * chapters,
    units: 3 * chapters,
  };
}

const MP3: AudioSettings = { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 };
const WAV: AudioSettings = { format: 'wav', sampleRate: 24000, channels: 1 };
const NO_CAPS = { maxSegments: 1_000_000, maxChapters: 1_000_000 };

describe('checkRenderLimits', () => {
  it('takes a 1,000-chapter MP3 book at the default caps', () => {
    expect(() => checkRenderLimits(planOf(1000), MP3, 'A web novel', { maxSegments: 20_000, maxChapters: 10_000 })).not.toThrow();
  });

  it('refuses what the MP3 stitcher would refuse at the end: more chapters than ID3 tables hold', () => {
    const plan = planOf(MAX_CHAPTERS + 1);
    expect(() => checkRenderLimits(plan, MP3, undefined, NO_CAPS)).toThrow(InputError);
    expect(() => checkRenderLimits(plan, MP3, undefined, NO_CAPS)).toThrow(
      /^chapters: at most 65025 chapters fit an ID3 table of contents/,
    );
    // WAV carries no chapters: the same plan is no format problem there.
    expect(() => checkRenderLimits(plan, WAV, undefined, NO_CAPS)).not.toThrow();
  });

  it('names the cap it breaks, segments before chapters', () => {
    expect(() => checkRenderLimits(planOf(5), WAV, undefined, { maxSegments: 4, maxChapters: 4 })).toThrow(
      'text: splits into 5 segments, more than the 4 one render may have (RENDER_MAX_SEGMENTS)',
    );
    expect(() => checkRenderLimits(planOf(5), WAV, undefined, { maxSegments: 5, maxChapters: 4 })).toThrow(
      'text: has 5 chapters, more than the 4 one render may have (RENDER_MAX_CHAPTERS)',
    );
  });
});
