import { describe, expect, it } from 'vitest';
import { chapterFileName, safeFileTitle } from '../../../src/master/encode/chapter-file-name.ts';

describe('chapter file names', () => {
  it('numbers from 01, with a third digit once there are 100 files', () => {
    expect(chapterFileName(0, 12, 'Opening', 'mp3')).toBe('01 - Opening.mp3');
    expect(chapterFileName(0, 100, 'Opening', 'mp3')).toBe('001 - Opening.mp3');
    expect(chapterFileName(99, 100, 'End', 'm4b')).toBe('100 - End.m4b');
  });

  it('replaces what a file system refuses and drops dots and spaces at the ends', () => {
    expect(safeFileTitle('Part 2: "Why?" / Now\\Then <a|b> *')).toBe('Part 2 Why Now Then a b');
    expect(safeFileTitle('..hidden. ')).toBe('hidden');
    expect(safeFileTitle('tab\there\nnewline\u0007bell')).toBe('tab here newline bell');
  });

  it('keeps letters of any script, composed (NFC)', () => {
    expect(safeFileTitle('第二章 Café')).toBe('第二章 Café');
    expect(safeFileTitle('Cafe\u0301')).toBe('Caf\u00e9');
  });

  it('cuts a long title to 200 UTF-8 bytes without splitting a character', () => {
    const title = safeFileTitle('章'.repeat(100));
    expect(Buffer.byteLength(title, 'utf8')).toBeLessThanOrEqual(200);
    expect(title).toBe('章'.repeat(66));
  });

  it('names an untitled chapter by its number', () => {
    expect(chapterFileName(2, 3, ' .. ', 'flac')).toBe('03 - Chapter 3.flac');
  });
});
