import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { Manifest } from '../../src/render/manifest.ts';
import {
  decodedDurationMs,
  ffmpegLevels,
  ffprobeAudioStream,
  ffprobePacketSizes,
  mp3FirstFrameTag,
  type MeasuredLevels,
} from '../support/delivery-measure.ts';
import { ffmpegSilences, ffprobeChapters, requireFfmpeg, type DetectedSilence } from '../support/ffmpeg.ts';
import { runCli, type CliResult } from '../support/run-cli.ts';
import { deletePrefix, uniquePrefix } from '../support/test-config.ts';

const run = promisify(execFile);

/** Three short chapters of two or three paragraphs, each of a sentence or two: small enough for a loaded machine. */
const CHAPTERS = [
  {
    title: 'Chapter 1: The Harbour',
    paragraphs: [
      'The harbour was still wrapped in fog when the first boat came in. Nobody on the quay said a word.',
      'She spread the old map across the table. Its corners curled in the damp air.',
    ],
  },
  {
    title: 'Chapter 2: The Lighthouse',
    paragraphs: [
      'The lighthouse swept the water in slow circles.',
      'That winter was the coldest anyone could remember. The bay froze for a week.',
      'By spring the ice had gone.',
    ],
  },
  {
    title: 'Chapter 3: The Return',
    paragraphs: ['He came back on the last ferry of the year. His coat was soaked through.', 'Nobody asked where he had been.'],
  },
];
const BOOK = `${CHAPTERS.map((chapter) => [chapter.title, ...chapter.paragraphs].join('\n\n')).join('\n\n')}\n`;

/** What ends each spoken block of the source, in order: its heading, a paragraph, a chapter's last paragraph (before the next chapter). */
type Gap = 'heading' | 'paragraph' | 'chapter';
const GAPS: Gap[] = CHAPTERS.flatMap((chapter) => [
  'heading' as const,
  ...chapter.paragraphs.map((_, p): Gap => (p < chapter.paragraphs.length - 1 ? 'paragraph' : 'chapter')),
]).slice(0, -1); // the book's last paragraph is followed by the tail, not a gap

/** A render's whole-book file is the last stdout line; its manifest sits beside it. */
async function rendered(result: CliResult): Promise<{ bookPath: string; folderPath: string; manifest: Manifest }> {
  expect(result.code, `exit code; stderr:\n${result.stderr}`).toBe(0);
  const bookPath = result.stdout.trim().split('\n').at(-1) ?? '';
  const folderPath = dirname(bookPath);
  const manifest = JSON.parse(await readFile(join(folderPath, 'manifest.json'), 'utf8')) as Manifest;
  return { bookPath, folderPath, manifest };
}

/** Every file the manifest lists is in the folder with the bytes it says. */
async function expectFilesAsListed(folderPath: string, manifest: Manifest): Promise<void> {
  expect(manifest.files.length).toBeGreaterThan(0);
  for (const file of manifest.files) {
    const info = await stat(join(folderPath, file.name));
    expect(info.size, `bytes of ${file.name}`).toBe(file.bytes);
  }
}

/** The silence starting at the file's first sample and the one running to its end (silencedetect, −60 dB). */
function headAndTail(silences: readonly DetectedSilence[], durationMs: number): { headMs: number; tailMs: number } {
  const first = silences[0];
  const last = silences.at(-1);
  const headMs = first !== undefined && first.startSeconds <= 0.001 ? first.endSeconds * 1000 : 0;
  // silencedetect closes a silence running to the end at (or a frame before) the last sample.
  const endsAtEnd = last !== undefined && Math.min(last.endSeconds * 1000, durationMs) >= durationMs - 30;
  const tailMs = endsAtEnd ? durationMs - last.startSeconds * 1000 : 0;
  return { headMs, tailMs };
}

/**
 * Issue 11's first two "Done when" items, end to end: the real CLI (`render --local`) with real
 * espeak-ng speech into an `--out` folder, then every figure measured by this test's own ffmpeg
 * and ffprobe commands on the delivered files (../shared/audio.md), never by the code under test.
 */
describe('delivery of an English book (espeak-ng, CLI --local, issue 11 "Done when" 1 and 2)', () => {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix('deliver');
  let dir: string;
  let out: string;
  let bookText: string;
  const env = (): Record<string, string> => ({ REDIS_URL: redisUrl, QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn' });

  beforeAll(async () => {
    await requireFfmpeg();
    dir = await mkdtemp(join(tmpdir(), 'ttsb-deliver-'));
    out = join(dir, 'out');
    bookText = join(dir, 'harbour.txt');
    await writeFile(bookText, BOOK);
  });

  afterAll(async () => {
    await deletePrefix(redisUrl, prefix);
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it('--profile acx: one CBR 192 kbps 44.1 kHz file per chapter, RMS −23…−18 dB, true peak ≤ −3 dBTP, room tone head and tail, pauses by structure, every rule passing', async () => {
    const { bookPath, folderPath, manifest } = await rendered(
      await runCli(['render', bookText, '--provider', 'espeak', '--voice', 'en-us', '--local', '--out', out, '--profile', 'acx'], env()),
    );
    await expectFilesAsListed(folderPath, manifest);

    // One file per chapter, in order, titled after it.
    const chapterFiles = manifest.files.filter((file) => file.role === 'chapter');
    expect(chapterFiles.map((file) => file.chapters)).toEqual(CHAPTERS.map((_, i) => ({ first: i, last: i })));
    expect((await readdir(join(folderPath, 'chapters'))).filter((name) => name.endsWith('.mp3')).sort()).toEqual(
      chapterFiles.map((file) => file.name.replace(/^chapters\//, '')).sort(),
    );
    for (const [i, file] of chapterFiles.entries()) {
      const { stdout } = await run('ffprobe', [
        '-v',
        'error',
        '-show_entries',
        'format_tags=title',
        '-of',
        'json',
        join(folderPath, file.name),
      ]);
      expect((JSON.parse(stdout) as { format: { tags?: { title?: string } } }).format.tags?.title, file.name).toBe(CHAPTERS[i]?.title);
    }

    const figures: Record<string, unknown>[] = [];
    const book = manifest.files.find((file) => file.role === 'book');
    expect(book?.name).toBe(bookPath.slice(folderPath.length + 1));
    // The whole-book file beside them carries the chapters as ID3 CHAP frames.
    expect((await ffprobeChapters(bookPath)).map((chapter) => chapter.title)).toEqual(CHAPTERS.map((chapter) => chapter.title));
    for (const file of [...chapterFiles, ...(book === undefined ? [] : [book])]) {
      const path = join(folderPath, file.name);
      const stream = await ffprobeAudioStream(path);
      expect(stream.codec, file.name).toBe('mp3');
      expect(stream.sampleRate, `${file.name}: sample rate`).toBe(44_100);
      expect(stream.bitRate, `${file.name}: bit rate`).toBeGreaterThanOrEqual(192_000);
      // CBR: LAME's Info tag (not Xing) in the first frame, and every audio frame one bit rate
      // (at 192 kbps / 44.1 kHz a frame is 626 bytes, 627 with its padding slot).
      expect(await mp3FirstFrameTag(path), `${file.name}: Info tag`).toBe('Info');
      const sizes = await ffprobePacketSizes(path);
      const frameBytes = Math.floor((144 * stream.bitRate) / stream.sampleRate);
      expect(
        sizes.filter((size) => size !== frameBytes && size !== frameBytes + 1),
        `${file.name}: frames of another bit rate`,
      ).toEqual([]);

      const durationMs = await decodedDurationMs(path, stream.sampleRate, stream.channels);
      const levels: MeasuredLevels = await ffmpegLevels(path);
      const { headMs, tailMs } = headAndTail(await ffmpegSilences(path, { noiseDb: -60, minSeconds: 0.1 }), durationMs);
      figures.push({ file: file.name, rmsDb: levels.rmsDb, truePeakDbtp: levels.truePeakDbtp, headMs, tailMs, durationMs });
      expect(headMs, `${file.name}: head silence`).toBeGreaterThanOrEqual(500);
      expect(headMs, `${file.name}: head silence`).toBeLessThanOrEqual(1000);
      expect(tailMs, `${file.name}: tail silence`).toBeGreaterThanOrEqual(1000);
      expect(tailMs, `${file.name}: tail silence`).toBeLessThanOrEqual(5000);
      if (file.role === 'chapter') {
        expect(levels.rmsDb, `${file.name}: RMS`).toBeGreaterThanOrEqual(-23);
        expect(levels.rmsDb, `${file.name}: RMS`).toBeLessThanOrEqual(-18);
        expect(levels.truePeakDbtp, `${file.name}: true peak`).toBeLessThanOrEqual(-3);
      }
      // The manifest reports this file as it is.
      expect(file.durationMs ?? Number.NaN, `${file.name}: manifest duration`).toBeCloseTo(durationMs, 0);
      expect(file.loudness?.rmsDb ?? Number.NaN, `${file.name}: manifest RMS`).toBeCloseTo(levels.rmsDb, 1);
      expect(file.loudness?.truePeakDbtp ?? Number.NaN, `${file.name}: manifest true peak`).toBeCloseTo(levels.truePeakDbtp, 1);
    }

    // The whole book: a pause at every block end of the source, in order, nowhere else.
    const bookFile = join(folderPath, book?.name ?? '');
    const bookStream = await ffprobeAudioStream(bookFile);
    const bookMs = await decodedDurationMs(bookFile, bookStream.sampleRate, bookStream.channels);
    const inner = (await ffmpegSilences(bookFile, { noiseDb: -60, minSeconds: 0.4 })).filter(
      (silence) => silence.startSeconds > 0.001 && silence.endSeconds * 1000 < bookMs - 30,
    );
    const pauses = inner.map((silence, i) => ({ gap: GAPS[i], ms: (silence.endSeconds - silence.startSeconds) * 1000 }));
    figures.push({ file: 'pauses in the book', pauses: pauses.map((pause) => `${pause.gap} ${pause.ms.toFixed(0)}`) });
    console.info('acx delivery, measured', JSON.stringify(figures));
    expect(inner.length, 'pauses of 0.4 s or more inside the book').toBe(GAPS.length);
    for (const [i, pause] of pauses.entries()) {
      expect(pause.ms, `pause ${i} (${pause.gap} end)`).toBeGreaterThanOrEqual(500);
      if (pause.gap === 'chapter') expect(pause.ms, `pause ${i} before chapter`).toBeGreaterThanOrEqual(1500);
    }
    // Where the manifest says each block ends and the next begins lies in that pause.
    const ends = manifest.segments.filter((segment) =>
      (['heading', 'paragraph', 'chapter'] as const).some((gap) => gap === segment.pauseReason),
    );
    expect(ends.map((segment) => segment.pauseReason)).toEqual(GAPS);
    ends.forEach((segment, i) => {
      const silence = inner[i] as DetectedSilence;
      const next = manifest.segments[manifest.segments.indexOf(segment) + 1];
      expect(segment.startMs + segment.durationMs, `end of segment ${segment.index}`).toBeGreaterThanOrEqual(
        silence.startSeconds * 1000 - 30,
      );
      expect(next?.startMs ?? Number.NaN, `start after segment ${segment.index}`).toBeLessThanOrEqual(silence.endSeconds * 1000 + 30);
    });
    // Every chapter after the first starts inside the pause before its heading.
    for (const chapter of manifest.chapters.slice(1)) {
      const silence = inner.find((s) => s.startSeconds * 1000 <= chapter.startMs && chapter.startMs <= s.endSeconds * 1000);
      expect(silence, `chapter ${chapter.index} starts in a pause`).toBeDefined();
    }

    // The report: every rule of the profile for every chapter file, each passing.
    expect(manifest.profile).toBe('acx');
    for (const file of chapterFiles) {
      const base = file.name.replace(/^chapters\//, '');
      const rules = manifest.compliance
        .filter((entry) => entry.rule.startsWith(`${base}: `))
        .map((entry) => entry.rule.slice(base.length + 2));
      expect(rules, base).toEqual(
        expect.arrayContaining([
          'RMS level',
          'true peak',
          'noise floor',
          'head silence',
          'tail silence',
          'sample rate',
          'bit rate',
          'constant bit rate',
        ]),
      );
    }
    expect(manifest.compliance.filter((entry) => !entry.pass)).toEqual([]);
  }, 300_000);

  // Into the same --out: espeak's segments come from the cache, so only the delivery runs again.
  it('--format m4b --cover --author --title: chapters with titles at the manifest starts (±25 ms), cover and tags, decoded length = durationMs (±25 ms)', async () => {
    const cover = join(dir, 'cover.jpg');
    await run('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'color=c=blue:s=600x600', '-frames:v', '1', cover]);
    const title = 'The Harbour Book';
    const author = 'Ada Lovelace';
    const { bookPath, folderPath, manifest } = await rendered(
      await runCli(
        [
          'render',
          bookText,
          '--provider',
          'espeak',
          '--voice',
          'en-us',
          '--local',
          '--out',
          out,
          '--format',
          'm4b',
          '--cover',
          cover,
          '--author',
          author,
          '--title',
          title,
        ],
        env(),
      ),
    );
    expect(bookPath.endsWith('.m4b'), bookPath).toBe(true);
    await expectFilesAsListed(folderPath, manifest);
    expect(manifest.format).toBe('m4b');

    const probed = await ffprobeChapters(bookPath);
    const deltas = probed.map((chapter, i) => chapter.startSeconds * 1000 - (manifest.chapters[i]?.startMs ?? Number.NaN));
    expect(probed.map((chapter) => chapter.title)).toEqual(CHAPTERS.map((chapter) => chapter.title));
    expect(manifest.chapters.map((chapter) => chapter.title)).toEqual(CHAPTERS.map((chapter) => chapter.title));
    for (const [i, delta] of deltas.entries()) expect(Math.abs(delta), `chapter ${i} start vs manifest`).toBeLessThanOrEqual(25);

    const { stdout } = await run('ffprobe', ['-v', 'error', '-show_streams', '-show_format', '-of', 'json', bookPath]);
    const info = JSON.parse(stdout) as {
      streams: { codec_type: string; codec_name: string; width?: number; disposition?: { attached_pic?: number } }[];
      format: { tags?: Record<string, string> };
    };
    const pictures = info.streams.filter((stream) => stream.codec_type === 'video' && stream.disposition?.attached_pic === 1);
    expect(pictures.map((picture) => [picture.codec_name, picture.width])).toEqual([['mjpeg', 600]]);
    expect(info.streams.find((stream) => stream.codec_type === 'audio')?.codec_name).toBe('aac');
    expect(info.format.tags).toMatchObject({ title, artist: author, album: title });

    const stream = await ffprobeAudioStream(bookPath);
    const durationMs = await decodedDurationMs(bookPath, stream.sampleRate, stream.channels);
    console.info(
      'm4b delivery, measured',
      JSON.stringify({
        chapterStartDeltasMs: deltas,
        lastChapterEndMs: (probed.at(-1)?.endSeconds ?? Number.NaN) * 1000,
        manifestLastChapterEndMs: manifest.chapters.at(-1)?.endMs,
        decodedMs: durationMs,
        manifestMs: manifest.durationMs,
        deltaMs: durationMs - manifest.durationMs,
      }),
    );
    expect(Math.abs(durationMs - manifest.durationMs), 'decoded length vs manifest durationMs').toBeLessThanOrEqual(25);
    // The chapters cover the whole file: the last one ends where the audio does, in the file and in the manifest.
    const lastEndMs = (probed.at(-1)?.endSeconds ?? Number.NaN) * 1000;
    expect(Math.abs(lastEndMs - durationMs), 'last chapter end (ffprobe) vs decoded length').toBeLessThanOrEqual(25);
    expect(Math.abs((manifest.chapters.at(-1)?.endMs ?? Number.NaN) - durationMs), 'manifest last chapter end').toBeLessThanOrEqual(25);
    // The marks point at the book's pauses: every chapter after the first starts in the silence before its heading.
    const silences = await ffmpegSilences(bookPath, { noiseDb: -60, minSeconds: 0.4 });
    for (const chapter of probed.slice(1)) {
      const silence = silences.find((s) => s.startSeconds <= chapter.startSeconds && chapter.startSeconds <= s.endSeconds);
      expect(silence, `chapter "${chapter.title}" starts in a pause`).toBeDefined();
    }
  }, 300_000);
});
