import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { planRender } from '../../../src/producer/plan.ts';
import { countCodePoints } from '../../../src/text/count-units.ts';
import { alignCues } from '../../../src/master/subtitles/align-cues.ts';
import { formatSrt, formatVtt } from '../../../src/master/subtitles/format-subtitles.ts';
import { splitForReading } from '../../../src/master/subtitles/split-for-reading.ts';
import { parseSrtStrict, parseVttStrict } from '../../support/subtitle-parser.ts';

const run = promisify(execFile);

const BOOK = [
  '# The Fog',
  '',
  'It was late. The rain fell <break time=300> on the roof & the road.',
  '',
  `A very long sentence follows, ${'with clause after clause of words that go on, '.repeat(6)}until it ends.`,
  '',
  '他来了。她走了！',
].join('\n');

function bookCues() {
  const plan = planRender(BOOK, { targetUnits: 200, maxUnits: 300, count: countCodePoints });
  let at = 750;
  const timed = plan.segments.map((segment) => {
    const durationMs = segment.units * 60;
    const placed = { startMs: at, durationMs, sentences: segment.sentences };
    at += durationMs + (segment.pauseAfter?.ms ?? 600);
    return placed;
  });
  // No pauses scanned: every sentence placed by its share, marked estimated.
  return { plan, cues: alignCues(timed) };
}

describe('subtitles (issue 13 item 3)', () => {
  it('SRT and VTT of a planned book pass a strict reader: times increase, no overlap, cue text is the source sentence', () => {
    const { cues } = bookCues();
    const srt = parseSrtStrict(formatSrt(cues));
    const vtt = parseVttStrict(formatVtt(cues));
    expect(srt.map((c) => c.text)).toEqual(cues.map((c) => c.text));
    expect(vtt.map((c) => [c.startMs, c.endMs, c.text])).toEqual(srt.map((c) => [c.startMs, c.endMs, c.text]));
    expect(srt[0]?.text).toBe('The Fog');
    expect(srt[0]?.startMs).toBe(750);
    // Markup gone: no heading marker, no pause tag; `&` survives (escaped in VTT, read back).
    expect(srt[2]?.text).toBe('The rain fell on the roof & the road.');
    expect(formatVtt(cues)).toContain('roof &amp; the road');
    expect(srt.map((c) => c.text)).toContain('他来了。');
    for (const cue of cues) expect(cue.source).toBe('estimated');
  });

  it('no cue is longer than a reader can take (84 characters, 7 s): a long sentence is cut after clause marks, covering its time', () => {
    const { cues } = bookCues();
    for (const cue of cues) {
      expect([...cue.text].length).toBeLessThanOrEqual(84);
      expect(cue.endMs - cue.startMs).toBeLessThanOrEqual(7000);
    }
    const long = cues.filter((c) => c.text.includes('clause after clause') || c.text.includes('until it ends'));
    expect(long.length).toBeGreaterThan(2);
    for (const piece of long.slice(0, -1)) expect(piece.text).toMatch(/,$/);
    // Pieces of one sentence (same source span) share its time without a gap.
    const split = long.filter((c, i) => i > 0 && c.textStart === long[i - 1]?.textStart);
    expect(split.length).toBeGreaterThan(0);
    for (const piece of split) expect(piece.startMs).toBe(long[long.indexOf(piece) - 1]?.endMs);
  });

  it('a split cue keeps every word once, in order', () => {
    const text = `${'one two three four five six seven eight nine ten '.repeat(20)}end.`;
    const pieces = splitForReading({ startMs: 0, endMs: 60_000, text, source: 'aligned', textStart: 0, textEnd: text.length });
    expect(pieces.map((p) => p.text).join(' ')).toBe(text.trim());
    expect(pieces.at(-1)?.endMs).toBe(60_000);
  });

  it('ffmpeg reads the VTT as a subtitle stream beside the audio', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ttsb-vtt-'));
    try {
      const { cues } = bookCues();
      const vtt = join(dir, 'book.vtt');
      await writeFile(vtt, formatVtt(cues));
      const audio = join(dir, 'book.wav');
      const lastMs = cues.at(-1)?.endMs ?? 0;
      await run('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', `anullsrc=r=16000:cl=mono:d=${(lastMs + 1000) / 1000}`, audio]);
      const { stdout } = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type,codec_name', '-of', 'csv=p=0', vtt]);
      expect(stdout.trim()).toBe('webvtt,subtitle');
      const { stderr } = await run('ffmpeg', [
        '-v',
        'error',
        '-i',
        audio,
        '-i',
        vtt,
        '-map',
        '0:a',
        '-map',
        '1:s',
        '-c:s',
        'mov_text',
        '-f',
        'mp4',
        join(dir, 'out.mp4'),
      ]);
      expect(stderr).toBe('');
      const probe = await run('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_type', '-of', 'csv=p=0', join(dir, 'out.mp4')]);
      expect(probe.stdout.trim().split('\n')).toEqual(['audio', 'subtitle']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
