import { splitForReading } from './split-for-reading.ts';
import type { Cue } from './cue.ts';
import { formatSubtitles, type SubtitleFormat } from './format-subtitles.ts';

export interface SubtitleFile {
  /** Relative to the render's folder: the audio file's name with the subtitle extension. */
  name: string;
  format: SubtitleFormat;
  contentType: string;
  text: string;
  cues: number;
}

const CONTENT_TYPES: Record<SubtitleFormat, string> = { srt: 'application/x-subrip', vtt: 'text/vtt' };

/**
 * The subtitle files of a delivered book: one per format beside the book file, and beside each
 * chapter file its cues shifted to the chapter file's own time (a chapter file starts at its
 * cut, `startMs` of the master). Segment times are the master's, which the encoded files decode
 * to sample for sample (gapless MP3, the M4B's edit list).
 */
export function subtitleFiles(input: {
  formats: readonly SubtitleFormat[];
  /** The book's sentences as timed (alignCues without splitting): each is cut for reading here. */
  sentences: readonly Cue[];
  /** The book file's name, with its extension. */
  book: string;
  chapters: readonly { name: string; startMs: number; endMs: number }[];
}): SubtitleFile[] {
  const cues = input.sentences.flatMap((sentence) => splitForReading(sentence));
  const files: SubtitleFile[] = [];
  const add = (audioName: string, list: readonly Cue[]): void => {
    for (const format of input.formats) {
      const name = `${audioName.replace(/\.[^./]+$/u, '')}.${format}`;
      files.push({ name, format, contentType: CONTENT_TYPES[format], text: formatSubtitles(list, format), cues: list.length });
    }
  };
  add(input.book, cues);
  for (const chapter of input.chapters) {
    const inside = cues
      .filter((cue) => cue.startMs >= chapter.startMs && cue.startMs < chapter.endMs)
      .map((cue) => ({ ...cue, startMs: cue.startMs - chapter.startMs, endMs: Math.min(cue.endMs, chapter.endMs) - chapter.startMs }));
    add(chapter.name, inside);
  }
  return files;
}
