import type { OutputChapter } from './encode-types.ts';
import type { MetadataEntry } from './file-tags.ts';

/** ffmpeg's metadata file: `=`, `;`, `#`, `\` and newlines are escaped with a backslash (ffmpeg-formats, "Metadata"). */
function escape(text: string): string {
  return text.replace(/[=;#\\\n]/g, (char) => `\\${char}`);
}

/**
 * An FFMETADATA1 file: global tags, then one [CHAPTER] section per chapter in milliseconds.
 * ffmpeg reads it as an input (`-f ffmetadata -i FILE`) and hands tags and chapters to the
 * muxer, which writes them its own way (MP4: QuickTime chapter track and Nero chpl; Ogg:
 * CHAPTERnnn comments).
 */
export function ffmetadata(entries: readonly MetadataEntry[], chapters: readonly OutputChapter[]): string {
  const lines = [';FFMETADATA1', ...entries.map(([key, value]) => `${escape(key)}=${escape(value)}`)];
  for (const chapter of chapters) {
    lines.push('', '[CHAPTER]', 'TIMEBASE=1/1000', `START=${Math.round(chapter.startMs)}`, `END=${Math.round(chapter.endMs)}`);
    lines.push(`title=${escape(chapter.title)}`);
  }
  return `${lines.join('\n')}\n`;
}

/** HH:MM:SS.mmm, the Vorbis chapter extension's time (hours grow past two digits when they must). */
export function vorbisChapterTime(ms: number): string {
  const total = Math.round(ms);
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor(total / 60_000) % 60;
  const seconds = Math.floor(total / 1000) % 60;
  const millis = total % 1000;
  const pad = (value: number, width: number): string => String(value).padStart(width, '0');
  return `${pad(hours, 2)}:${pad(minutes, 2)}:${pad(seconds, 2)}.${pad(millis, 3)}`;
}

/**
 * Chapters as Vorbis comments (CHAPTER001=00:00:00.000, CHAPTER001NAME=…; the Xiph chapter
 * extension), which ffprobe and players read back as chapters. For FLAC, whose muxer in
 * ffmpeg 5.1 drops the chapters it is given; Ogg writes the same comments from [CHAPTER]s.
 */
export function vorbisChapterComments(chapters: readonly OutputChapter[]): MetadataEntry[] {
  return chapters.flatMap((chapter, index): MetadataEntry[] => {
    const key = `CHAPTER${String(index + 1).padStart(3, '0')}`;
    return [
      [key, vorbisChapterTime(chapter.startMs)],
      [`${key}NAME`, chapter.title],
    ];
  });
}
