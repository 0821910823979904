import { describe, expect, it } from 'vitest';
import { clockTime, flaggedSegments, formatQaReport, segmentTexts } from '../../../src/cli/format-qa-report.ts';
import type { Manifest } from '../../../src/render/manifest.ts';
import type { RenderOutline } from '../../../src/render/render-outline.ts';

const manifest = {
  id: 'r1',
  audio: 'Book/Book.mp3',
  files: [{ name: 'Book.mp3', role: 'book', format: 'mp3', bytes: 10 }],
  chapters: [
    { index: 0, title: 'One', startMs: 0, endMs: 5000 },
    { index: 1, title: 'Two', startMs: 5000, endMs: 3_725_000 },
  ],
  qa: { mode: 'on', checked: 3, retaken: 1, flagged: 1, retakes: 1, retakeBilledCharacters: 21 },
  segments: [
    { index: 0, chapter: 0, startMs: 750, durationMs: 4000, qa: { checked: true, takes: 1, keptTake: 1, flagged: false } },
    {
      index: 1,
      chapter: 1,
      startMs: 3_723_456,
      durationMs: 1544,
      qa: {
        checked: true,
        takes: 2,
        keptTake: 1,
        flagged: true,
        checks: [
          { check: 'silent', passed: true, value: 0.9, min: 0.1 },
          { check: 'cutEnding', passed: false, value: -3.2, max: -15 },
        ],
      },
    },
  ],
} as unknown as Manifest;

const outline = {
  chapters: [],
  segments: [
    { index: 0, chapter: 0, chars: 10, key: 'a', sentences: [{ start: 0, end: 10, text: 'Hello one.', units: 10 }] },
    {
      index: 1,
      chapter: 1,
      chars: 21,
      key: 'b',
      sentences: [
        { start: 11, end: 21, text: 'Two starts. ', units: 10 },
        { start: 22, end: 32, text: 'It ends.', units: 8 },
      ],
    },
  ],
} as unknown as RenderOutline;

describe('tts-batch qa report', () => {
  it('lists only the flagged segments, with their times in the book file, failed checks and text', () => {
    const flagged = flaggedSegments(manifest, segmentTexts(outline));
    expect(flagged).toEqual([
      {
        index: 1,
        chapter: 1,
        chapterTitle: 'Two',
        startMs: 3_723_456,
        endMs: 3_725_000,
        file: 'Book.mp3',
        text: 'Two starts. It ends.',
        takes: 2,
        keptTake: 1,
        failed: [{ check: 'cutEnding', value: -3.2, max: -15 }],
      },
    ]);
    const report = formatQaReport(manifest, flagged);
    expect(report).toContain('r1: qa on: 3 segments checked, 1 retaken (1 retakes, 21 units), 1 flagged');
    expect(report).toContain('segment 1  01:02:03.456–01:02:05.000 in Book.mp3  "Two", take 1 of 2 kept');
    expect(report).toContain('  failed cutEnding: -3.2 (≤ -15)');
    expect(report).toContain('  text: Two starts. It ends.');
  });

  it('says so when the render was not checked', () => {
    const { qa: _qa, ...unchecked } = manifest;
    expect(formatQaReport(unchecked as Manifest, [])).toBe('r1: rendered without take checks (--qa off); nothing was checked\n');
    expect(clockTime(0)).toBe('00:00:00.000');
  });
});
