import type { AudioSettings } from '../audio/audio-settings.ts';
import type { AppConfig } from '../runtime/app-config.ts';
import { InputError } from '../errors/input-error.ts';
import { buildId3ChapterTag } from '../audio/id3-chapters.ts';
import type { RenderPlan } from './plan.ts';

/** How big one render may be (RENDER_MAX_SEGMENTS, RENDER_MAX_CHAPTERS): each is one BullMQ flow. */
export interface RenderCaps {
  maxSegments: number;
  maxChapters: number;
}

export function renderCaps(config: Pick<AppConfig, 'RENDER_MAX_SEGMENTS' | 'RENDER_MAX_CHAPTERS'>): RenderCaps {
  return { maxSegments: config.RENDER_MAX_SEGMENTS, maxChapters: config.RENDER_MAX_CHAPTERS };
}

/**
 * What the stitcher would refuse only after every segment was billed, refused now instead.
 * MP3 carries the title and chapters in an ID3 tag: the tag is built here as the stitcher builds
 * it (times are fixed-width, so zeros give its final size), and its own checks (chapter count,
 * 28-bit size) throw the same InputError they would throw at the end. WAV and PCM carry no
 * chapters, and WAV switches to RF64 past 4 GiB, so neither has a limit a plan can reach.
 */
function checkFormatLimits(plan: RenderPlan, audio: AudioSettings, title: string | undefined): void {
  if (audio.format !== 'mp3') return;
  const chapters = plan.chapters.map((chapter) => ({ title: chapter.title, startMs: 0, endMs: 0 }));
  buildId3ChapterTag(title === undefined ? { chapters } : { title, chapters });
}

/** Refuses a plan over the configured caps or a limit of its format, before anything is enqueued. */
export function checkRenderLimits(plan: RenderPlan, audio: AudioSettings, title: string | undefined, caps: RenderCaps): void {
  if (plan.segments.length > caps.maxSegments) {
    throw new InputError(
      'text',
      `splits into ${plan.segments.length} segments, more than the ${caps.maxSegments} one render may have (RENDER_MAX_SEGMENTS); split the book into several renders`,
      plan.segments.length,
    );
  }
  if (plan.chapters.length > caps.maxChapters) {
    throw new InputError(
      'text',
      `has ${plan.chapters.length} chapters, more than the ${caps.maxChapters} one render may have (RENDER_MAX_CHAPTERS); split the book into several renders`,
      plan.chapters.length,
    );
  }
  checkFormatLimits(plan, audio, title);
}
