import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { AudioSettings } from '../audio/audio-settings.ts';
import { putStream } from '../stitcher/put-stream.ts';
import type { Storage } from '../storage/storage.ts';
import { readObject } from '../storage/read-object.ts';
import { chapterCuts } from './chapter-cuts.ts';
import { complianceReport, type ComplianceEntry } from './compliance.ts';
import { encodeChapterFiles, encodeOutput, type EncodedFile, type OutputChapter, type OutputTags } from './encode/encode-output.ts';
import type { EncodeRequest } from './encode/encode-types.ts';
import { lastChapterTo } from './encode/last-chapter-to.ts';
import { FORMAT_TRAITS, OUTPUT_CONTENT_TYPES, type OutputFormat } from './encode/output-formats.ts';
import { trackFolder } from '../audio/ffmpeg/live-processes.ts';
import { masterBook, type MasterBookResult } from './master-book.ts';
import { measureLoudness, type FileMeasurement } from './measure-loudness.ts';
import { getProfile, profileFor, type ProfileName } from './profiles.ts';
import { bookSentenceTimes, storedSentenceTimes } from './subtitles/book-sentences.ts';
import { segmentTimingsKey, writeSegmentTimings } from './subtitles/segment-timings.ts';
import type { Cue } from './subtitles/cue.ts';
import type { TimedWord } from './subtitles/provider-cues.ts';
import { subtitleFiles, type SubtitleFile } from './subtitles/subtitle-files.ts';
import type { SubtitleFormat } from './subtitles/format-subtitles.ts';
import type { SentenceSpan } from '../text/sentence-spans.ts';
import { writeReadAlong } from '../book/read-along/write-read-along.ts';

export interface DeliverBookInput {
  storage: Storage;
  /** Segment objects in spoken order, what they are, and the pauses the plan puts around them. */
  segmentKeys: readonly string[];
  segmentAudio: AudioSettings;
  pausesAfterMs?: readonly number[];
  pauseBeforeMs?: number;
  /** The plan's chapters, by their first segment; none: the whole book is one. */
  chapters: readonly { title: string; firstSegment: number; source?: string | undefined }[];
  profile: ProfileName;
  format: OutputFormat;
  split: 'none' | 'chapter';
  /** Subtitle files to write beside the book (and each chapter file), from each segment's sentences. */
  subtitles?: readonly SubtitleFormat[];
  /** Per segment, in spoken order: its sentences (an outline from before them has none: no cues for it). */
  sentences?: readonly (readonly SentenceSpan[])[];
  /** The source EPUB (in `storage`) to write `<baseName>.epub` from, with Media Overlays over the book file. */
  readAlong?: { source: string };
  /** Per segment, the provider's word times (ms into the segment's audio), where it gave them. */
  words?: readonly (readonly TimedWord[] | undefined)[];
  bitrateKbps?: number;
  tags: OutputTags;
  /** A cover already in `storage`, and what it is. */
  cover?: { key: string; contentType: 'image/jpeg' | 'image/png' };
  /** The storage folder every file goes to, and the whole-book file's name without extension. */
  folder: string;
  baseName: string;
  signal?: AbortSignal;
  tempRoot?: string;
}

/** One file written into the render's folder; what the manifest's `files` lists. */
export interface DeliveredFile {
  /** Relative to the folder. */
  name: string;
  key: string;
  role: 'book' | 'chapter' | 'cover' | 'subtitles' | 'read-along';
  format: OutputFormat | 'jpeg' | 'png' | SubtitleFormat | 'epub';
  bytes: number;
  /** Decoded from the written file; absent for the cover. */
  durationMs?: number;
  /** The chapters the file holds, first and last index. */
  chapters?: { first: number; last: number };
  measurement?: FileMeasurement;
  /** A subtitle file's cue count. */
  cues?: number;
  /** The read-along EPUB: sentences given a `<par>`, those not found on their page, and the pages given an overlay. */
  readAlong?: { synced: number; unsynced: number; documents: number };
}

export interface DeliveredBook {
  files: DeliveredFile[];
  /** The whole-book file's key. */
  bookKey: string;
  /** Decoded from the whole-book file. */
  durationMs: number;
  sampleRate: number;
  channels: 1 | 2;
  pauseBeforeMs: number;
  /** Sample-exact in the master, which the encoded book decodes to (within the encoder's checked 25 ms). */
  segments: { position: number; startMs: number; durationMs: number; pauseAfterMs: number }[];
  chapters: OutputChapter[];
  /** Measured on the encoded whole-book file. */
  measurement: FileMeasurement;
  compliance: ComplianceEntry[];
  gainDb: number;
  /** Every planned sentence's time in the book file (none when the plan had no sentences). */
  sentences: Cue[];
  /** Segments whose sentence times were read from beside them, aligned now (and how many of those were stored), or estimated (stored ones gone stale). */
  sentenceTimings: { reused: number; aligned: number; stored: number; estimated: number };
}

const COVER_NAMES = { 'image/jpeg': 'cover.jpg', 'image/png': 'cover.png' } as const;

/**
 * Masters the book (masterBook), encodes it once into the chosen format with chapters, cover and
 * tags, and with `split: 'chapter'` one file per chapter, each cut inside the pause before its
 * chapter so every file opens and closes with silence. Every file is measured by decoding it,
 * the profile's rules are checked on the files it delivers (ACX: each chapter file; otherwise
 * the book), and only then is anything put into storage. Abort or failure: ffmpeg killed, temp
 * folder removed, and any file already put deleted again, so nothing partial is left.
 */
export async function deliverBook(input: DeliverBookInput): Promise<DeliveredBook> {
  input.signal?.throwIfAborted();
  const profile = profileFor(getProfile(input.profile), input.segmentAudio.channels);
  const temp = await mkdtemp(join(input.tempRoot ?? tmpdir(), 'tts-batch-deliver-'));
  const untrack = trackFolder(temp);
  let master: MasterBookResult | undefined;
  const put: string[] = [];
  try {
    const coverPath =
      input.cover === undefined
        ? undefined
        : await download(input.storage, input.cover.key, join(temp, COVER_NAMES[input.cover.contentType]), input.signal);
    // Stored sentence times spare their segments the pause scan (issue 13: computed once per segment).
    const known =
      input.sentences === undefined ? undefined : await storedSentenceTimes(input.storage, input.segmentKeys, input.sentences, input.words);
    master = await masterBook({
      ...(known === undefined ? {} : { scanPauses: known.scanPauses }),
      storage: input.storage,
      segmentKeys: input.segmentKeys,
      segmentAudio: input.segmentAudio,
      ...(input.pausesAfterMs === undefined ? {} : { pausesAfterMs: input.pausesAfterMs }),
      ...(input.pauseBeforeMs === undefined ? {} : { pauseBeforeMs: input.pauseBeforeMs }),
      profile: input.profile,
      tempRoot: temp,
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    });
    const chapters = outputChapters(master, input);
    const request: EncodeRequest = {
      input: master.wavPath,
      outputPath: join(temp, 'out', `${input.baseName}.${extensionOf(input.format)}`),
      format: input.format,
      ...(profile.sampleRate === null ? {} : { sampleRate: profile.sampleRate }),
      ...(input.bitrateKbps === undefined ? {} : { bitrateKbps: input.bitrateKbps }),
      ...(input.format === 'mp3' && profile.output.cbr !== undefined ? { cbr: profile.output.cbr } : {}),
      chapters,
      tags: input.tags,
      ...(coverPath === undefined ? {} : { coverPath }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
    };
    const book = await encodeOutput(request);
    const chapterFiles = input.split === 'chapter' ? await encodeChapterFiles(request, join(temp, 'out', 'chapters')) : [];
    await master.dispose();
    const measure = (file: EncodedFile): Promise<FileMeasurement> =>
      measureLoudness(file.path, input.signal === undefined ? {} : { signal: input.signal });
    const bookMeasurement = await measure(book);
    const chapterMeasurements: FileMeasurement[] = [];
    for (const file of chapterFiles) chapterMeasurements.push(await measure(file));

    const baseOf = (path: string): string => path.slice(path.lastIndexOf('/') + 1);
    const delivered = profile.name === 'acx' && chapterFiles.length > 0 ? 'chapters' : 'book';
    const compliance = complianceReport(profile, {
      files:
        delivered === 'chapters'
          ? chapterFiles.map((file, index) => ({ ...(chapterMeasurements[index] as FileMeasurement), name: baseOf(file.path) }))
          : [{ ...bookMeasurement, name: baseOf(book.path) }],
    });

    const files: DeliveredFile[] = [];
    const upload = async (path: string, name: string, contentType: string): Promise<{ key: string; bytes: number }> => {
      const key = `${input.folder}/${name}`;
      const info = await putStream(input.storage, key, Readable.from(createReadStream(path)), contentType);
      put.push(key);
      return { key, bytes: info.size };
    };
    const bookName = baseOf(book.path);
    const bookPut = await upload(book.path, bookName, OUTPUT_CONTENT_TYPES[input.format]);
    files.push({
      name: bookName,
      key: bookPut.key,
      role: 'book',
      format: input.format,
      bytes: bookPut.bytes,
      durationMs: bookMeasurement.durationMs,
      chapters: { first: 0, last: Math.max(0, chapters.length - 1) },
      measurement: bookMeasurement,
    });
    for (const [index, file] of chapterFiles.entries()) {
      const name = `chapters/${baseOf(file.path)}`;
      const uploaded = await upload(file.path, name, OUTPUT_CONTENT_TYPES[input.format]);
      const measurement = chapterMeasurements[index] as FileMeasurement;
      files.push({
        name,
        key: uploaded.key,
        role: 'chapter',
        format: input.format,
        bytes: uploaded.bytes,
        durationMs: measurement.durationMs,
        chapters: { first: index, last: index },
        measurement,
      });
    }
    const msPerSample = 1000 / master.sampleRate;
    // Sentence times are found whenever the plan has sentences: the manifest's timing map, and the subtitles' cues.
    const times =
      input.sentences === undefined || known === undefined
        ? undefined
        : bookSentenceTimes(
            master.segments.map((segment) => ({
              position: segment.position,
              startMs: segment.startMs,
              durationMs: segment.samples * msPerSample,
              pausesMs: segment.quiet?.map((run) => ({ start: run.start * msPerSample, end: run.end * msPerSample })) ?? null,
            })),
            input.segmentKeys,
            input.sentences,
            input.words,
            known,
          );
    const sentences = times?.cues ?? [];
    const subtitles: SubtitleFile[] =
      input.subtitles === undefined || input.subtitles.length === 0
        ? []
        : subtitleFiles({
            formats: input.subtitles,
            sentences,
            book: bookName,
            chapters: chapterFiles.map((file, index) => ({
              name: `chapters/${baseOf(file.path)}`,
              startMs: chapters[index]?.startMs ?? 0,
              endMs: chapters[index]?.endMs ?? 0,
            })),
          });
    for (const file of subtitles) {
      const key = `${input.folder}/${file.name}`;
      const info = await putStream(input.storage, key, Readable.from([Buffer.from(file.text)]), file.contentType);
      put.push(key);
      files.push({ name: file.name, key, role: 'subtitles', format: file.format, bytes: info.size, cues: file.cues });
    }
    if (input.readAlong !== undefined) {
      const name = `${input.baseName}.epub`;
      const path = join(temp, 'out', name);
      const read = await writeReadAlong({
        epub: await readObject(input.storage, input.readAlong.source),
        sentences: sentences.map((cue) => ({
          text: cue.text,
          startMs: cue.startMs,
          endMs: cue.endMs,
          chapter: chapterOf(input.chapters, cue.segment ?? 0),
        })),
        chapters: input.chapters,
        audio:
          input.format === 'm4b'
            ? { path: book.path, mediaType: 'audio/mp4', extension: 'm4a' }
            : { path: book.path, mediaType: 'audio/mpeg', extension: 'mp3' },
        ...(input.tags.narrator === undefined ? {} : { narrator: input.tags.narrator }),
        outputPath: path,
      });
      const uploaded = await upload(path, name, 'application/epub+zip');
      files.push({
        name,
        key: uploaded.key,
        role: 'read-along',
        format: 'epub',
        bytes: uploaded.bytes,
        readAlong: { synced: read.synced, unsynced: read.unsynced, documents: read.documents },
      });
    }
    if (coverPath !== undefined && input.cover !== undefined) {
      const name = COVER_NAMES[input.cover.contentType];
      const uploaded = await upload(coverPath, name, input.cover.contentType);
      files.push({
        name,
        key: uploaded.key,
        role: 'cover',
        format: input.cover.contentType === 'image/png' ? 'png' : 'jpeg',
        bytes: uploaded.bytes,
      });
    }
    // Only once the book is delivered: the segments' new times are stored, stale ones removed (both best effort).
    const stored = times === undefined ? 0 : await writeSegmentTimings(input.storage, times.fresh);
    if (times !== undefined) await Promise.allSettled(times.stale.map((key) => input.storage.delete(segmentTimingsKey(key))));
    return {
      files,
      bookKey: bookPut.key,
      durationMs: bookMeasurement.durationMs,
      sampleRate: bookMeasurement.sampleRate,
      channels: master.channels,
      pauseBeforeMs: master.headSamples * msPerSample,
      segments: master.segments.map((segment) => ({
        position: segment.position,
        startMs: segment.startMs,
        durationMs: segment.samples * msPerSample,
        pauseAfterMs: segment.pauseAfterSamples * msPerSample,
      })),
      // The manifest's chapters end where the book file decodes to (an m4b's padding included).
      chapters: lastChapterTo(chapters, bookMeasurement.durationMs),
      measurement: bookMeasurement,
      compliance,
      gainDb: master.gainDb,
      sentences,
      sentenceTimings: { reused: times?.reused ?? 0, aligned: times?.aligned ?? 0, stored, estimated: times?.stale.length ?? 0 },
    };
  } catch (error) {
    await Promise.allSettled(put.map((key) => input.storage.delete(key)));
    throw error;
  } finally {
    await master?.dispose();
    await rm(temp, { recursive: true, force: true });
    untrack();
  }
}

/**
 * The chapters in ms of the master: each from its cut (inside the pause before it) to the next;
 * the first from 0. Text before the first heading, or a book with none, is a chapter titled ''
 * in the plan (src/text/chapters.ts); every format's chapter marks need a title, so it is
 * called after the book, as players show the opening of a book anyway.
 */
function outputChapters(master: MasterBookResult, input: DeliverBookInput): OutputChapter[] {
  const bookTitle = input.tags.title ?? input.baseName;
  const planned = (input.chapters.length > 0 ? input.chapters : [{ title: bookTitle, firstSegment: 0 }]).map((chapter, index) => ({
    ...chapter,
    title: chapter.title.trim() !== '' ? chapter.title : index === 0 ? bookTitle : `Chapter ${index + 1}`,
  }));
  const profile = getProfile(input.profile);
  const headSamples = Math.round((profile.headMs * master.sampleRate) / 1000);
  const cuts = chapterCuts(master.segments, planned, { headSamples, totalSamples: master.totalSamples });
  const msPerSample = 1000 / master.sampleRate;
  return cuts.map((cut, index) => ({
    title: planned[index]?.title ?? `Chapter ${index + 1}`,
    startMs: cut.startSample * msPerSample,
    endMs: cut.endSample * msPerSample,
  }));
}

/** The plan's chapter a segment is in: the last one starting at or before it. */
function chapterOf(chapters: DeliverBookInput['chapters'], segment: number): number {
  let found = 0;
  chapters.forEach((chapter, index) => {
    if (chapter.firstSegment <= segment) found = index;
  });
  return found;
}

function extensionOf(format: OutputFormat): string {
  return FORMAT_TRAITS[format].extension;
}

async function download(storage: Storage, key: string, path: string, signal: AbortSignal | undefined): Promise<string> {
  await mkdir(join(path, '..'), { recursive: true });
  await pipeline(Readable.from(storage.get(key)), createWriteStream(path), signal === undefined ? {} : { signal });
  return path;
}
