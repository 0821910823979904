import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { runTool } from '../../audio/ffmpeg/run-tool.ts';
import { EncodeError } from '../../errors/encode-error.ts';
import { InputError } from '../../errors/input-error.ts';
import { appendFileTo } from './append-file.ts';
import { chapterFileName } from './chapter-file-name.ts';
import { readCover, type CoverImage } from './cover-image.ts';
import { checkChaptersFit, checkRequest, resolveSettings, type EncodeSettings } from './encode-request.ts';
import type { EncodedFile, EncodeRequest, OutputChapter } from './encode-types.ts';
import { encodeArguments, type EncodeCommand } from './ffmpeg-command.ts';
import { ffmetadata, vorbisChapterComments } from './ffmetadata.ts';
import { bookFileTags, chapterFileTags, mp4Metadata, vorbisComments, type FileTags, type MetadataEntry } from './file-tags.ts';
import { flacPictureBlock } from './flac-picture.ts';
import { buildId3BookTag } from './id3-book-tag.ts';
import { lastChapterTo } from './last-chapter-to.ts';
import { FORMAT_TRAITS } from './output-formats.ts';
import { measureOutput, probeInput, type InputAudio } from './probe.ts';

export type { EncodedFile, EncodeRequest, OutputChapter, OutputFormat, OutputTags } from './encode-types.ts';

/** How far the decoded output may be from the audio it was made from before it counts as broken. */
const LENGTH_TOLERANCE_MS = 25;
/** Samples in an AAC-LC frame. */
const AAC_FRAME_SAMPLES = 1024;

/**
 * An m4b is padded with silence to whole AAC frames: ffmpeg 5.1 (and other decoders that ignore
 * the MP4 edit list's end) would otherwise play the encoder's padding of the last frame, up to
 * 1023 samples (46 ms at 22.05 kHz) past the length the file declares. Padded, every decoder
 * agrees on the length. Returns the padded length in samples at the output rate.
 */
function wholeAacFrames(lengthMs: number, sampleRate: number): number {
  return Math.ceil(Math.round((lengthMs * sampleRate) / 1000) / AAC_FRAME_SAMPLES) * AAC_FRAME_SAMPLES;
}

/** One file to write: what goes in, how it is encoded, what it carries. */
interface FileJob {
  input: InputAudio;
  outputPath: string;
  settings: EncodeSettings;
  slice?: { startMs: number; endMs: number };
  /** Chapter marks inside the file (none in a split book's files). */
  chapters: readonly OutputChapter[];
  tags: FileTags;
  cover: CoverImage | undefined;
  language: string | undefined;
  what: string;
  signal: AbortSignal | undefined;
}

/**
 * Encodes the mastered book (a PCM WAV) into one output file with its chapters, cover and tags
 * (docs/outputs.md), measures it by decoding it, and only then moves it to `outputPath`.
 * Aborting kills ffmpeg, removes what was being written and rejects with the signal's reason.
 */
export async function encodeOutput(request: EncodeRequest): Promise<EncodedFile> {
  checkRequest(request, { split: false });
  const { input, settings, cover } = await prepare(request);
  return writeOne({
    input,
    outputPath: request.outputPath,
    settings,
    chapters: request.chapters,
    tags: bookFileTags(request.tags),
    cover,
    language: request.tags.language,
    what: `the ${request.format} output`,
    signal: request.signal,
  });
}

/**
 * A split book (`--split chapter`): one file per chapter in `folder`, named `NN - Title.ext`,
 * holding exactly [startMs, endMs) of the input, titled after its chapter with the book as album
 * and its track number. All or nothing: on any failure or abort the files already written go too.
 */
export async function encodeChapterFiles(request: EncodeRequest, folder: string): Promise<EncodedFile[]> {
  checkRequest(request, { split: true });
  if (request.chapters.length === 0) throw new InputError('chapters', 'a book split by chapter needs at least one chapter', 0);
  const { input, settings, cover } = await prepare(request);
  const extension = FORMAT_TRAITS[request.format].extension;
  const written: EncodedFile[] = [];
  try {
    for (const [index, chapter] of request.chapters.entries()) {
      const count = request.chapters.length;
      written.push(
        await writeOne({
          input,
          outputPath: join(folder, chapterFileName(index, count, chapter.title, extension)),
          settings,
          slice: { startMs: chapter.startMs, endMs: chapter.endMs },
          chapters: [],
          tags: chapterFileTags(request.tags, chapter.title, index + 1, count),
          cover,
          language: request.tags.language,
          what: `the ${request.format} file of chapter ${index + 1}`,
          signal: request.signal,
        }),
      );
    }
  } catch (error) {
    await Promise.all(written.map((file) => rm(file.path, { force: true })));
    throw error;
  }
  return written;
}

async function prepare(request: EncodeRequest): Promise<{ input: InputAudio; settings: EncodeSettings; cover: CoverImage | undefined }> {
  const input = await probeInput(request.input, request.signal);
  checkChaptersFit(request.chapters, input);
  const settings = resolveSettings(request, input);
  // wav and pcm carry no cover: the manifest names it.
  const wantsCover = request.coverPath !== undefined && FORMAT_TRAITS[request.format].carriesMetadata;
  const cover = wantsCover && request.coverPath !== undefined ? await readCover(request.coverPath, request.signal) : undefined;
  return { input, settings, cover };
}

/** The metadata ffmpeg is handed, by container; mp3 gets none (its ID3 tag is ours). */
function metadataEntries(job: FileJob): { entries: MetadataEntry[]; chaptersFromMetadata: boolean } | undefined {
  switch (job.settings.format) {
    case 'm4b':
      return { entries: mp4Metadata(job.tags), chaptersFromMetadata: true };
    case 'opus': {
      const picture = job.cover === undefined ? [] : [['METADATA_BLOCK_PICTURE', flacPictureBlock(job.cover).toString('base64')] as const];
      return { entries: [...vorbisComments(job.tags), ...picture], chaptersFromMetadata: true };
    }
    case 'flac':
      // ffmpeg 5.1's FLAC muxer drops [CHAPTER]s: the chapters go in as comments.
      return { entries: [...vorbisComments(job.tags), ...vorbisChapterComments(job.chapters)], chaptersFromMetadata: false };
    case 'mp3':
    case 'wav':
    case 'pcm':
      return undefined;
  }
}

async function writeOne(job: FileJob): Promise<EncodedFile> {
  const { settings, signal } = job;
  signal?.throwIfAborted();
  const folder = dirname(job.outputPath);
  await mkdir(folder, { recursive: true });
  // Hidden, beside the output (same file system: the final rename is atomic); removed on any failure.
  const partial = join(folder, `.${basename(job.outputPath)}.${randomBytes(4).toString('hex')}.partial`);
  const metadataPath = `${partial}.ffmetadata`;
  const audioPath = settings.format === 'mp3' ? `${partial}.audio` : partial;
  const sourceMs = job.slice === undefined ? job.input.durationMs : Math.min(job.slice.endMs, job.input.durationMs) - job.slice.startMs;
  const padToSamples = settings.format === 'm4b' ? wholeAacFrames(sourceMs, settings.sampleRate) : undefined;
  const expectedMs = padToSamples === undefined ? sourceMs : (padToSamples * 1000) / settings.sampleRate;
  // The padding is part of the file: the last chapter mark runs to its end.
  const chapters = padToSamples === undefined ? job.chapters : lastChapterTo(job.chapters, expectedMs);
  try {
    const metadata = metadataEntries(job);
    if (metadata !== undefined) await writeFile(metadataPath, ffmetadata(metadata.entries, metadata.chaptersFromMetadata ? chapters : []));
    const command: EncodeCommand = {
      inputPath: job.input.path,
      ...(job.slice === undefined ? {} : { slice: job.slice }),
      ...(padToSamples === undefined ? {} : { padToSamples }),
      ...(metadata === undefined ? {} : { metadataPath }),
      chaptersFromMetadata: metadata?.chaptersFromMetadata ?? false,
      ...(job.cover !== undefined && (settings.format === 'm4b' || settings.format === 'flac') ? { coverPath: job.cover.path } : {}),
      ...(settings.format === 'm4b' && job.language !== undefined && /^[a-z]{3}$/.test(job.language)
        ? { trackLanguage: job.language }
        : {}),
      settings,
      outputPath: audioPath,
    };
    await runTool({ tool: 'ffmpeg', what: job.what, args: encodeArguments(command), signal });
    if (settings.format === 'mp3') {
      await writeFile(partial, buildId3BookTag(job.tags, job.chapters, job.cover));
      await appendFileTo(audioPath, partial, signal);
      await rm(audioPath, { force: true });
    }
    const measured = await measureOutput(partial, settings.format, settings, job.what, signal);
    if (Math.abs(measured.durationMs - expectedMs) > LENGTH_TOLERANCE_MS) {
      throw new EncodeError(
        `${job.what} decodes to ${measured.durationMs.toFixed(1)} ms of audio, not the ${expectedMs.toFixed(1)} ms it was made from`,
        job.what,
        { durationMs: measured.durationMs, expectedMs },
      );
    }
    const { size } = await stat(partial);
    await rename(partial, job.outputPath);
    return { path: job.outputPath, format: settings.format, bytes: size, durationMs: measured.durationMs };
  } catch (error) {
    await rm(partial, { force: true });
    await rm(audioPath, { force: true });
    throw error;
  } finally {
    await rm(metadataPath, { force: true });
  }
}
