import type { VoiceSettings } from '../providers/voice-settings.ts';
import type { PauseReason } from '../text/pause.ts';
import type { StitchResult } from '../stitcher/stitch-types.ts';
import type { RenderOutline } from './render-outline.ts';
import type { RenderSpec, SegmentResult } from './render-record.ts';

export interface Manifest {
  id: string;
  status: 'completed';
  title?: string;
  provider: string;
  model: string;
  voice: string;
  voiceSettings: VoiceSettings;
  format: string;
  sampleRate: number;
  channels: number;
  bitrate?: number;
  /** Of the stitched audio, counted from its frames or samples. */
  durationMs: number;
  /** Silence the join put before the first segment (the head, plus pause tags before the first word); absent when none. */
  pauseBeforeMs?: number;
  bytes: number;
  audio: string;
  characters: number;
  /** What the provider reported billing for this render (cached segments bill 0). */
  billedCharacters: number;
  cachedSegments: number;
  createdAt: string;
  completedAt: string;
  chapters: { index: number; title: string; startMs: number }[];
  segments: {
    index: number;
    chapter: number;
    chars: number;
    startMs: number;
    durationMs: number;
    bytes: number;
    cached: boolean;
    /** The segment's storage key (cache eviction and pruning read it). */
    key: string;
    billedCharacters?: number;
    traceId?: string;
    /** Silence the join put after this segment (whole frames or samples), and why; absent when none. */
    pauseAfterMs?: number;
    pauseReason?: PauseReason;
  }[];
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** What the join inserted (counted from its frames, not the ms asked), with the plan's reason. */
function pauseFields(insertedMs: number, reason: PauseReason | undefined): { pauseAfterMs?: number; pauseReason?: PauseReason } {
  if (insertedMs <= 0) return {};
  return { pauseAfterMs: round(insertedMs), ...(reason === undefined ? {} : { pauseReason: reason }) };
}

/** Joins what was planned, what each segment job reported, and what the stitcher counted. */
export function buildManifest(
  spec: RenderSpec,
  outline: RenderOutline,
  results: readonly SegmentResult[],
  stitched: StitchResult,
  audioKey: string,
): Manifest {
  const segments = outline.segments.map((planned, position) => {
    const result = results[position];
    const timing = stitched.segments[position];
    if (!result || !timing) throw new Error(`manifest: segment ${position} has no result or timing`);
    return {
      index: planned.index,
      chapter: planned.chapter,
      chars: planned.chars,
      startMs: round(timing.startMs),
      durationMs: round(timing.durationMs),
      bytes: timing.bytes,
      cached: result.cached,
      key: planned.key,
      ...(result.billedCharacters === undefined ? {} : { billedCharacters: result.billedCharacters }),
      ...(result.traceId === undefined ? {} : { traceId: result.traceId }),
      ...pauseFields(timing.pauseAfterMs ?? 0, planned.pauseAfter?.reason),
    };
  });
  return {
    id: spec.id,
    status: 'completed',
    ...(spec.title === undefined ? {} : { title: spec.title }),
    provider: spec.provider,
    model: spec.model,
    voice: spec.voice,
    voiceSettings: spec.voiceSettings,
    format: spec.audio.format,
    sampleRate: stitched.sampleRate,
    channels: stitched.channels,
    ...(spec.audio.bitrate === undefined ? {} : { bitrate: spec.audio.bitrate }),
    durationMs: round(stitched.durationMs),
    ...(stitched.pauseBeforeMs > 0 ? { pauseBeforeMs: round(stitched.pauseBeforeMs) } : {}),
    bytes: stitched.bytes,
    audio: audioKey,
    characters: spec.characters,
    billedCharacters: results.reduce((sum, r) => sum + (r.billedCharacters ?? 0), 0),
    cachedSegments: results.filter((r) => r.cached).length,
    createdAt: spec.createdAt,
    completedAt: new Date().toISOString(),
    chapters: outline.chapters.map((chapter) => ({
      index: chapter.index,
      title: chapter.title,
      startMs: segments[chapter.firstSegment]?.startMs ?? 0,
    })),
    segments,
  };
}
