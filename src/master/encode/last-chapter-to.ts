import type { OutputChapter } from './encode-types.ts';

/**
 * The chapters with the last one running to `endMs`, where the file's audio ends. An m4b is
 * padded to whole AAC frames (up to 1023 samples, 46 ms at 22.05 kHz, past the master): without
 * this, that tail lies in no chapter, in the file's marks and in the manifest (measured: 33.9 ms).
 */
export function lastChapterTo(chapters: readonly OutputChapter[], endMs: number): OutputChapter[] {
  return chapters.map((chapter, index) =>
    index === chapters.length - 1 ? { ...chapter, endMs: Math.max(chapter.endMs, endMs) } : chapter,
  );
}
