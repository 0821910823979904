import type { AudioSettings } from '../audio/audio-settings.ts';
import { InputError } from '../errors/input-error.ts';
import { checkTags, mp3Bitrates } from '../master/encode/encode-request.ts';
import type { OutputTags } from '../master/encode/encode-types.ts';
import { FORMAT_TRAITS, OUTPUT_FORMATS, type OutputFormat } from '../master/encode/output-formats.ts';
import { getProfile, type ProfileName } from '../master/profiles.ts';
import { SUBTITLE_FORMATS, type SubtitleFormat } from '../master/subtitles/format-subtitles.ts';
import type { PauseRules } from '../text/pause-rules.ts';

/** How a user asks for the delivery (CLI flags or API fields), before validation. */
export interface RawDelivery {
  profile?: string | undefined;
  format?: string | undefined;
  split?: string | undefined;
  /** `srt`, `vtt` or both, comma-separated (`srt,vtt`). */
  subtitles?: string | undefined;
  /** An EPUB 3 with Media Overlays beside the book (EPUB input only: see read-along-input.ts). */
  readAlong?: boolean | undefined;
  /** kbps of a lossy output. */
  outputBitrate?: number | undefined;
  title?: string | undefined;
  author?: string | undefined;
  narrator?: string | undefined;
  year?: number | undefined;
  genre?: string | undefined;
  language?: string | undefined;
}

export interface DeliveryOptions {
  profile: ProfileName;
  format: OutputFormat;
  split: 'none' | 'chapter';
  /** Subtitle files written beside the book (and each chapter file), cue per sentence. */
  subtitles?: SubtitleFormat[];
  /** Write `<book>.epub`, the source EPUB with Media Overlays over the book's audio. */
  readAlong?: true;
  bitrateKbps?: number;
  tags: OutputTags;
}

/** What an EPUB 3 reading system plays (the core media types): MP3, and AAC in MP4. */
const READ_ALONG_FORMATS: readonly OutputFormat[] = ['mp3', 'm4b'];

/** The formats a raw join can write from segments of this format: the same samples, another container at most. */
function rawFormats(segment: AudioSettings['format']): readonly OutputFormat[] {
  if (segment === 'wav' || segment === 'pcm') return ['wav', 'pcm'];
  if (segment === 'mp3') return ['mp3'];
  return [];
}

/**
 * Checks the delivery against the profile and the segments it will be made from; the first
 * broken rule is one InputError naming the field, before anything is enqueued or billed.
 * The narrator defaults to the voice's name.
 */
export function resolveDelivery(raw: RawDelivery, segment: AudioSettings, voice: string): DeliveryOptions {
  const profile = getProfile(raw.profile ?? 'audiobook');
  if (raw.format !== undefined && !(OUTPUT_FORMATS as readonly string[]).includes(raw.format)) {
    throw new InputError('format', `must be one of ${OUTPUT_FORMATS.join(', ')}`, raw.format);
  }
  let format: OutputFormat;
  if (profile.target === null) {
    const allowed = rawFormats(segment.format);
    format = (raw.format as OutputFormat | undefined) ?? (segment.format === 'flac' ? 'flac' : segment.format);
    if (!allowed.includes(format)) {
      throw new InputError(
        'format',
        `the raw profile joins the ${segment.format} segments as they are, so it writes ${allowed.join(' or ') || 'nothing'}; choose another profile to encode ${format}`,
        format,
      );
    }
  } else {
    format = (raw.format as OutputFormat | undefined) ?? profile.output.format ?? 'mp3';
    if (profile.name === 'acx' && format !== 'mp3') {
      throw new InputError(
        'format',
        'the acx profile delivers MP3 (ACX accepts MP3 CBR only); drop --format or choose another profile',
        format,
      );
    }
  }
  if (raw.split !== undefined && raw.split !== 'chapter' && raw.split !== 'none') {
    throw new InputError('split', 'must be chapter or none', raw.split);
  }
  const split = raw.split ?? (profile.output.splitByChapter === true ? 'chapter' : 'none');
  if (split === 'chapter' && profile.target === null) {
    throw new InputError('split', 'the raw profile writes the join as one file; choose another profile to split by chapter', split);
  }
  if (split === 'none' && profile.output.splitByChapter === true) {
    throw new InputError('split', `the ${profile.name} profile delivers one file per chapter`, split);
  }
  const subtitles = subtitleFormats(raw.subtitles, profile.target === null);
  if (raw.readAlong === true) {
    if (profile.target === null)
      throw new InputError('readAlong', 'the raw profile joins segments without mastering; choose another profile for a read-along', true);
    if (!READ_ALONG_FORMATS.includes(format))
      throw new InputError(
        'readAlong',
        `EPUB 3 readers play ${READ_ALONG_FORMATS.join(' or ')} audio; the output format is ${format}`,
        format,
      );
  }
  const bitrateKbps = outputBitrate(
    raw.outputBitrate,
    format,
    profile.name,
    profile.output.bitrateKbps,
    profile.sampleRate ?? segment.sampleRate,
    profile.target === null,
  );
  const tags: OutputTags = {
    ...(raw.title === undefined ? {} : { title: raw.title }),
    ...(raw.author === undefined ? {} : { author: raw.author }),
    narrator: raw.narrator ?? voice,
    ...(raw.year === undefined ? {} : { year: raw.year }),
    ...(raw.genre === undefined ? {} : { genre: raw.genre }),
    ...(raw.language === undefined ? {} : { language: raw.language }),
  };
  checkTags(tags, '');
  return {
    profile: profile.name,
    format,
    split,
    ...(subtitles.length === 0 ? {} : { subtitles }),
    ...(raw.readAlong === true ? { readAlong: true as const } : {}),
    ...(bitrateKbps === undefined ? {} : { bitrateKbps }),
    tags,
  };
}

/** `srt,vtt` → the formats, once each; the raw join has no sentence times to give (it is not mastered). */
function subtitleFormats(asked: string | undefined, raw: boolean): SubtitleFormat[] {
  if (asked === undefined) return [];
  const names = asked.split(',').map((name) => name.trim().toLowerCase());
  for (const name of names)
    if (!(SUBTITLE_FORMATS as readonly string[]).includes(name))
      throw new InputError('subtitles', `must be ${SUBTITLE_FORMATS.join(', ')} or both, comma-separated`, asked);
  if (raw)
    throw new InputError('subtitles', 'the raw profile joins segments without mastering; choose another profile for subtitles', asked);
  return SUBTITLE_FORMATS.filter((format) => names.includes(format));
}

function outputBitrate(
  asked: number | undefined,
  format: OutputFormat,
  profile: ProfileName,
  profileKbps: number | undefined,
  sampleRate: number,
  raw: boolean,
): number | undefined {
  const traits = FORMAT_TRAITS[format];
  if (asked !== undefined) {
    if (raw) throw new InputError('outputBitrate', 'the raw profile re-encodes nothing, so it takes no output bitrate', asked);
    if (traits.kbpsRange === undefined) throw new InputError('outputBitrate', `applies to mp3, m4b and opus; ${format} has none`, asked);
    const [low, high] = traits.kbpsRange;
    if (!Number.isInteger(asked) || asked < low || asked > high)
      throw new InputError('outputBitrate', `${format} takes ${low}–${high} kbps`, asked);
    if (format === 'mp3' && !mp3Bitrates(sampleRate).includes(asked)) {
      throw new InputError('outputBitrate', `mp3 at ${sampleRate} Hz takes ${mp3Bitrates(sampleRate).join(', ')} kbps`, asked);
    }
    if (profile === 'acx' && asked < 192) throw new InputError('outputBitrate', 'the acx profile needs at least 192 kbps', asked);
    return asked;
  }
  if (raw || format !== 'mp3' || profileKbps === undefined) return undefined;
  // The profile's bitrate, or the highest the mp3 frame header can say at this rate below it.
  return Math.max(...mp3Bitrates(sampleRate).filter((kbps) => kbps <= profileKbps));
}

/**
 * The segment format to ask the provider for: the one forced (`--segment-format`), else for the
 * raw profile the output's own (raw re-encodes nothing), else the provider's default.
 */
export function segmentFormatAsked(raw: {
  profile?: string | undefined;
  format?: string | undefined;
  segmentFormat?: string | undefined;
}): string | undefined {
  if (raw.segmentFormat !== undefined) return raw.segmentFormat;
  if (raw.profile === 'raw' && raw.format !== undefined)
    return raw.format === 'wav' || raw.format === 'pcm' || raw.format === 'mp3' ? raw.format : undefined;
  return undefined;
}

/**
 * Pauses a profile's rules can never pass with, refused up front (one line, nothing billed):
 * the head and tail of every file, and (split by chapter) a chapter pause long enough to give
 * the file before its tail minimum and the file after its head minimum, and short enough that
 * the file before keeps no more than the tail maximum: the cut (chapter-cuts.ts) gives the next
 * file the profile's head and leaves the rest of the pause, and the speech's own trailing
 * silence, to the file before (acx, --pauses chapter=8000: that file's tail measured 7551 ms).
 */
export function checkPausesForProfile(field: string, delivery: DeliveryOptions, pauses: Readonly<PauseRules>): void {
  const { rules, headMs: cutHeadMs } = getProfile(delivery.profile);
  const within = (name: 'head' | 'tail', range: { min: number; max: number } | undefined): void => {
    if (range === undefined) return;
    const value = pauses[name];
    if (value < range.min || value > range.max) {
      throw new InputError(
        `${field}.${name}`,
        `the ${delivery.profile} profile needs ${range.min}–${range.max} ms at the ${name} of every file`,
        value,
      );
    }
  };
  within('head', rules.headMs);
  within('tail', rules.tailMs);
  if (delivery.split === 'chapter' && rules.headMs !== undefined && rules.tailMs !== undefined) {
    const least = rules.headMs.min + rules.tailMs.min;
    if (pauses.chapter < least) {
      throw new InputError(
        `${field}.chapter`,
        `the ${delivery.profile} profile cuts each chapter inside the pause before it: at least ${least} ms (a ${rules.tailMs.min} ms tail and a ${rules.headMs.min} ms head)`,
        pauses.chapter,
      );
    }
    const most = cutHeadMs + rules.tailMs.max;
    if (pauses.chapter > most) {
      throw new InputError(
        `${field}.chapter`,
        `the ${delivery.profile} profile cuts each chapter inside the pause before it: at most ${most} ms (a ${cutHeadMs} ms head for the next file, a tail of at most ${rules.tailMs.max} ms)`,
        pauses.chapter,
      );
    }
  }
}
