import { resolve } from 'node:path';
import { MAX_CHAPTERS as ID3_MAX_CHAPTERS } from '../../audio/id3-chapters.ts';
import { layer3Bitrates, type MpegVersion } from '../../audio/mp3-frame-header.ts';
import { InputError } from '../../errors/input-error.ts';
import type { EncodeRequest, OutputChapter, OutputTags } from './encode-types.ts';
import { FORMAT_TRAITS, OUTPUT_FORMATS, type OutputFormat } from './output-formats.ts';
import type { InputAudio } from './probe.ts';

/** How the audio is encoded, every default filled in. */
export interface EncodeSettings {
  format: OutputFormat;
  sampleRate: number;
  channels: 1 | 2;
  /** Lossy formats only. */
  bitrateKbps?: number;
  /** mp3 only: constant (true) or average (false) bitrate. */
  cbr: boolean;
}

/** A chapter may end this far past the input's length (rounding of the stage that measured it). */
const END_SLACK_MS = 1;
const TAG_FIELDS = ['title', 'author', 'narrator', 'genre', 'language', 'comment'] as const;

function text(field: string, value: unknown): void {
  if (typeof value !== 'string' || value.trim() === '') throw new InputError(field, 'must be a non-empty string', value);
  // A NUL ends a string in ID3 and in C: the rest would vanish or corrupt the frame.
  if (value.includes('\u0000')) throw new InputError(field, 'must not contain a NUL character', value);
}

/** The tags' rules; `prefix` names the fields as the caller's user knows them ('tags.' here, '' for a render's flags). */
export function checkTags(tags: OutputTags, prefix = 'tags.'): void {
  for (const field of TAG_FIELDS) if (tags[field] !== undefined) text(`${prefix}${field}`, tags[field]);
  if (tags.year !== undefined && (!Number.isInteger(tags.year) || tags.year < 1000 || tags.year > 9999)) {
    throw new InputError(`${prefix}year`, 'must be a four-digit year (1000–9999)', tags.year);
  }
}

function checkChapters(chapters: readonly OutputChapter[], format: OutputFormat): void {
  const most = Math.min(FORMAT_TRAITS[format].maxChapters ?? Number.POSITIVE_INFINITY, format === 'mp3' ? ID3_MAX_CHAPTERS : Infinity);
  if (chapters.length > most) {
    const why =
      format === 'mp3' ? 'an ID3 table of contents holds 255 tables of 255' : 'Vorbis chapter comments number CHAPTER001…CHAPTER999';
    throw new InputError('chapters', `${format} holds at most ${most} chapters (${why}); got ${chapters.length}, use m4b`, chapters.length);
  }
  let previousEnd = 0;
  chapters.forEach((chapter, index) => {
    const field = `chapters[${index}]`;
    text(`${field}.title`, chapter.title);
    if (!Number.isFinite(chapter.startMs) || chapter.startMs < 0)
      throw new InputError(`${field}.startMs`, 'must be a number ≥ 0', chapter.startMs);
    if (!Number.isFinite(chapter.endMs) || chapter.endMs <= chapter.startMs) {
      throw new InputError(`${field}.endMs`, `must be after startMs (${chapter.startMs})`, chapter.endMs);
    }
    if (chapter.startMs < previousEnd) {
      throw new InputError(
        `${field}.startMs`,
        `must not be before the previous chapter's end (${previousEnd}): chapters are in order and do not overlap`,
        chapter.startMs,
      );
    }
    previousEnd = chapter.endMs;
  });
}

/**
 * Everything that can be checked without reading a file: one clear line naming the field.
 * A split book is written into a folder: its `outputPath` is not used.
 */
export function checkRequest(request: EncodeRequest, mode: { split: boolean }): void {
  if (!(OUTPUT_FORMATS as readonly string[]).includes(request.format)) {
    throw new InputError('format', `must be one of ${OUTPUT_FORMATS.join(', ')}`, request.format);
  }
  const traits = FORMAT_TRAITS[request.format];
  text('input', request.input);
  if (!mode.split) {
    text('outputPath', request.outputPath);
    if (resolve(request.input) === resolve(request.outputPath))
      throw new InputError('outputPath', 'must not be the input file', request.outputPath);
  }
  if (request.sampleRate !== undefined) {
    if (!Number.isInteger(request.sampleRate) || request.sampleRate <= 0) {
      throw new InputError('sampleRate', 'must be a whole number of Hz', request.sampleRate);
    }
    if (traits.sampleRates !== undefined && !traits.sampleRates.includes(request.sampleRate)) {
      throw new InputError('sampleRate', `${request.format} takes ${traits.sampleRates.join(', ')} Hz`, request.sampleRate);
    }
  }
  if (request.channels !== undefined && request.channels !== 1 && request.channels !== 2) {
    throw new InputError('channels', 'must be 1 (mono) or 2 (stereo)', request.channels);
  }
  if (request.bitrateKbps !== undefined) {
    if (traits.kbpsRange === undefined)
      throw new InputError('bitrateKbps', `applies to mp3, m4b and opus; ${request.format} has none`, request.bitrateKbps);
    const [low, high] = traits.kbpsRange;
    if (!Number.isInteger(request.bitrateKbps) || request.bitrateKbps < low || request.bitrateKbps > high) {
      throw new InputError('bitrateKbps', `${request.format} takes ${low}–${high} kbps`, request.bitrateKbps);
    }
  }
  if (request.cbr !== undefined && request.format !== 'mp3') throw new InputError('cbr', 'applies to mp3 only', request.cbr);
  if (request.coverPath !== undefined) text('coverPath', request.coverPath);
  checkTags(request.tags);
  checkChapters(request.chapters, request.format);
}

/** The chapters must lie inside the audio: known once the input has been probed. */
export function checkChaptersFit(chapters: readonly OutputChapter[], input: InputAudio): void {
  chapters.forEach((chapter, index) => {
    if (chapter.endMs > input.durationMs + END_SLACK_MS) {
      throw new InputError(
        `chapters[${index}].endMs`,
        `${chapter.endMs} is past the end of the input (${input.durationMs.toFixed(1)} ms)`,
        chapter.endMs,
      );
    }
  });
}

/** The highest rate the encoder takes that is not above the input's (no upsampling), else its lowest. */
function nearestRate(rates: readonly number[], inputRate: number): number {
  const below = rates.filter((rate) => rate <= inputRate);
  return below.length > 0 ? Math.max(...below) : Math.min(...rates);
}

/**
 * The bitrates an MP3 frame header can say at a rate, as LAME writes them: MPEG-1 (32–48 kHz)
 * 32–320, MPEG-2 (16–24 kHz) 8–160, MPEG-2.5 (8–12 kHz) 8–64 (LAME's own cap). LAME rounds
 * any other request silently (320 at 8 kHz comes out 64), so those are refused instead.
 */
export function mp3Bitrates(sampleRate: number): number[] {
  const version: MpegVersion = sampleRate >= 32_000 ? '1' : sampleRate >= 16_000 ? '2' : '2.5';
  const table = layer3Bitrates(version).filter((kbps) => kbps > 0);
  return version === '2.5' ? table.filter((kbps) => kbps <= 64) : [...table];
}

function mp3Bitrate(request: EncodeRequest, sampleRate: number, fallback: number): number {
  const allowed = mp3Bitrates(sampleRate);
  if (request.bitrateKbps === undefined) return Math.max(...allowed.filter((kbps) => kbps <= fallback));
  if (!allowed.includes(request.bitrateKbps)) {
    throw new InputError('bitrateKbps', `mp3 at ${sampleRate} Hz takes ${allowed.join(', ')} kbps`, request.bitrateKbps);
  }
  return request.bitrateKbps;
}

/** Fills in the defaults (docs/outputs.md): the input's rate and channels, a bitrate per channel. */
export function resolveSettings(request: EncodeRequest, input: InputAudio): EncodeSettings {
  const traits = FORMAT_TRAITS[request.format];
  const channels = request.channels ?? (input.channels === 1 ? 1 : 2);
  const sampleRate =
    request.sampleRate ??
    traits.defaultSampleRate ??
    (traits.sampleRates === undefined ? input.sampleRate : nearestRate(traits.sampleRates, input.sampleRate));
  const fallbackKbps = traits.defaultKbpsPerChannel === undefined ? undefined : traits.defaultKbpsPerChannel * channels;
  const bitrateKbps =
    request.format === 'mp3' && fallbackKbps !== undefined
      ? mp3Bitrate(request, sampleRate, fallbackKbps)
      : (request.bitrateKbps ?? fallbackKbps);
  return { format: request.format, sampleRate, channels, cbr: request.cbr ?? true, ...(bitrateKbps === undefined ? {} : { bitrateKbps }) };
}
