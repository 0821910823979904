import type { Cue, CueSource } from '../master/subtitles/cue.ts';
import type { ComplianceEntry } from '../master/compliance.ts';
import type { Loudness } from '../master/parse-measurements.ts';
import type { VoiceSettings } from '../providers/voice-settings.ts';
import type { PauseReason } from '../text/pause.ts';
import type { RenderOutline } from './render-outline.ts';
import type { AudioSettings } from '../audio/audio-settings.ts';
import type { RenderSpec, SegmentResult } from './render-record.ts';
import { summarizeQa, type QaSummary, type SegmentQa } from '../verify/qa-record.ts';

/** One file the render wrote, relative to its folder: tools read names here, never guess them. */
export interface ManifestFile {
  name: string;
  role: 'book' | 'chapter' | 'cover' | 'subtitles' | 'timings' | 'read-along';
  format: string;
  bytes: number;
  /** Decoded from the written file. */
  durationMs?: number;
  /** The chapters it holds (indexes, inclusive). */
  chapters?: { first: number; last: number };
  /** Measured on this file (the book file's is also the manifest's `loudness`). */
  loudness?: Loudness;
  /** A subtitle file's cue count. */
  cues?: number;
  /** The read-along EPUB: sentences given a `<par>`, those not found on their page, pages given an overlay. */
  readAlong?: { synced: number; unsynced: number; documents: number };
}

/** One planned sentence's time in the book file: the timing map read-along and subtitles come from. */
export interface ManifestSentence {
  segment: number;
  /** UTF-16 `[textStart, textEnd)` in the planned text (chapters' offsets are in the same text). */
  textStart: number;
  textEnd: number;
  text: string;
  startMs: number;
  endMs: number;
  /** provider: the provider's timestamps; aligned: a pause found in the audio; estimated: the sentence's share. */
  source: CueSource;
}

export interface Manifest {
  id: string;
  status: 'completed';
  title?: string;
  provider: string;
  model: string;
  voice: string;
  voiceSettings: VoiceSettings;
  /** The mastering profile (raw: the segments joined as they are). */
  profile: string;
  /** The output's format, rate and channels, measured on the written file. */
  format: string;
  sampleRate: number;
  channels: number;
  /** Kbps of a lossy output, as ffprobe reads it. */
  bitrateKbps?: number;
  /** What the segments were asked and stored as (part of their cache keys). */
  segmentAudio: AudioSettings;
  /** Decoded from the whole-book file: encoder delay and padding excluded. */
  durationMs: number;
  /** Silence before the first segment (the head, plus pause tags before the first word); absent when none. */
  pauseBeforeMs?: number;
  /** The whole-book file's size. */
  bytes: number;
  /** Its storage key. */
  audio: string;
  /** The render's folder (every `files[].name` is under it). */
  folder: string;
  files: ManifestFile[];
  /** Measured on the encoded whole-book file. */
  loudness: Loudness;
  /** Each rule of the profile, measured on the files it delivers, pass or fail; empty for raw. */
  compliance: ComplianceEntry[];
  /** Gain the mastering applied, dB; absent for raw. */
  gainDb?: number;
  tags: Record<string, string | number>;
  characters: number;
  /** What the provider reported billing for this render (cached segments bill 0). */
  billedCharacters: number;
  cachedSegments: number;
  createdAt: string;
  completedAt: string;
  /** Each from its start (inside the pause before it; the first from 0) to the next one's. */
  chapters: {
    index: number;
    title: string;
    startMs: number;
    endMs: number;
    /** Its number in the book (from 1), where it comes from in the source, and where it lies in the planned text. */
    number?: number;
    source?: string;
    textStart?: number;
    textEnd?: number;
  }[];
  /** The file the book was read from: name, format read as, sha256 of its bytes. Absent for text sent as text. */
  source?: { name: string; format: string; sha256: string; bytes: number };
  segments: {
    index: number;
    chapter: number;
    chars: number;
    startMs: number;
    durationMs: number;
    /** Bytes of the segment's stored audio. */
    bytes: number;
    cached: boolean;
    /** The segment's storage key (cache eviction and pruning read it). */
    key: string;
    billedCharacters?: number;
    traceId?: string;
    /** Silence put after this segment (whole frames or samples), and why; absent when none. */
    pauseAfterMs?: number;
    pauseReason?: PauseReason;
    /** The take checks (verify/): each check's value, the takes bought, the one kept, whether it is flagged. */
    qa?: SegmentQa;
  }[];
  /** What the take checks found over the book, when the render asked for them (`--qa`). */
  qa?: QaSummary;
  /** Each planned sentence's time in the book file, in source order; absent for the raw join, and when `timings` says where they went. */
  sentences?: ManifestSentence[];
  /** A long book's sentences are in this file beside the manifest instead (manifest-timings.ts). */
  timings?: { file: string; sentences: number };
}

/** Where every segment and chapter lies in the delivered book, and what was written: from the stitch or the mastering. */
export interface BookTiming {
  durationMs: number;
  pauseBeforeMs: number;
  sampleRate: number;
  channels: number;
  bitrateKbps?: number | null;
  segments: readonly { startMs: number; durationMs: number; pauseAfterMs: number }[];
  /** Chapter spans; absent: each chapter from its first segment's start to the next's. */
  chapters?: readonly { startMs: number; endMs: number }[];
  /** Sentence times, from the mastering (the raw join has none). */
  sentences?: readonly Cue[];
}

export interface DeliveryFacts {
  profile: string;
  format: string;
  folder: string;
  audioKey: string;
  bytes: number;
  files: ManifestFile[];
  loudness: Loudness;
  compliance: ComplianceEntry[];
  gainDb?: number;
  tags: Record<string, string | number | undefined>;
}

const round = (ms: number): number => Math.round(ms * 1000) / 1000;

/** What the join inserted (counted from its frames or samples, not the ms asked), with the plan's reason. */
function pauseFields(insertedMs: number, reason: PauseReason | undefined): { pauseAfterMs?: number; pauseReason?: PauseReason } {
  if (insertedMs <= 0) return {};
  return { pauseAfterMs: round(insertedMs), ...(reason === undefined ? {} : { pauseReason: reason }) };
}

/** A segment's text as a reader sees it: its planned sentences, without markup. */
function readerText(planned: RenderOutline['segments'][number]): string {
  return (planned.sentences ?? []).map((sentence) => sentence.text.trim()).join(' ');
}

/** Joins what was planned, what each segment job reported, where the book put each segment, and what was delivered. */
export function buildManifest(
  spec: RenderSpec,
  outline: RenderOutline,
  results: readonly SegmentResult[],
  timing: BookTiming,
  delivered: DeliveryFacts,
): Manifest {
  const segments = outline.segments.map((planned, position) => {
    const result = results[position];
    const place = timing.segments[position];
    if (!result || !place) throw new Error(`manifest: segment ${position} has no result or timing`);
    return {
      index: planned.index,
      chapter: planned.chapter,
      chars: planned.chars,
      startMs: round(place.startMs),
      durationMs: round(place.durationMs),
      bytes: result.bytes,
      cached: result.cached,
      key: planned.key,
      ...(result.billedCharacters === undefined ? {} : { billedCharacters: result.billedCharacters }),
      ...(result.traceId === undefined ? {} : { traceId: result.traceId }),
      ...pauseFields(place.pauseAfterMs, planned.pauseAfter?.reason),
      ...(result.qa === undefined ? {} : { qa: result.qa.flagged ? { ...result.qa, text: readerText(planned) } : result.qa }),
    };
  });
  const chapterStart = (index: number, firstSegment: number): number =>
    timing.chapters?.[index]?.startMs ?? (index === 0 ? 0 : (segments[firstSegment]?.startMs ?? 0));
  const chapters = outline.chapters.map((chapter, index) => ({
    index: chapter.index,
    title: chapter.title,
    startMs: round(chapterStart(index, chapter.firstSegment)),
    ...(chapter.number === undefined ? {} : { number: chapter.number }),
    ...(chapter.source === undefined ? {} : { source: chapter.source }),
    ...(chapter.textStart === undefined ? {} : { textStart: chapter.textStart }),
    ...(chapter.textEnd === undefined ? {} : { textEnd: chapter.textEnd }),
  }));
  const tags = Object.fromEntries(
    Object.entries(delivered.tags).filter((entry): entry is [string, string | number] => entry[1] !== undefined),
  );
  return {
    id: spec.id,
    status: 'completed',
    ...(spec.title === undefined ? {} : { title: spec.title }),
    provider: spec.provider,
    model: spec.model,
    voice: spec.voice,
    voiceSettings: spec.voiceSettings,
    profile: delivered.profile,
    format: delivered.format,
    sampleRate: timing.sampleRate,
    channels: timing.channels,
    ...(timing.bitrateKbps === undefined || timing.bitrateKbps === null ? {} : { bitrateKbps: timing.bitrateKbps }),
    segmentAudio: spec.audio,
    durationMs: round(timing.durationMs),
    ...(timing.pauseBeforeMs > 0 ? { pauseBeforeMs: round(timing.pauseBeforeMs) } : {}),
    bytes: delivered.bytes,
    audio: delivered.audioKey,
    folder: delivered.folder,
    files: delivered.files,
    loudness: delivered.loudness,
    compliance: delivered.compliance,
    ...(delivered.gainDb === undefined ? {} : { gainDb: Math.round(delivered.gainDb * 100) / 100 }),
    tags,
    characters: spec.characters,
    billedCharacters: results.reduce((sum, r) => sum + (r.billedCharacters ?? 0), 0),
    cachedSegments: results.filter((r) => r.cached).length,
    ...(spec.qa === undefined
      ? {}
      : {
          qa: summarizeQa(
            spec.qa.mode,
            results.map((r) => r.qa),
          ),
        }),
    createdAt: spec.createdAt,
    completedAt: new Date().toISOString(),
    ...(spec.source === undefined ? {} : { source: spec.source }),
    chapters: chapters.map((chapter, index) => ({
      ...chapter,
      endMs: round(timing.chapters?.[index]?.endMs ?? chapters[index + 1]?.startMs ?? timing.durationMs),
    })),
    segments,
    ...(timing.sentences === undefined || timing.sentences.length === 0
      ? {}
      : {
          sentences: timing.sentences.map((s) => ({
            segment: s.segment ?? 0,
            textStart: s.textStart,
            textEnd: s.textEnd,
            text: s.text,
            startMs: round(s.startMs),
            endMs: round(s.endMs),
            source: s.source,
          })),
        }),
  };
}
