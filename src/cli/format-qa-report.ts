import type { Manifest } from '../render/manifest.ts';
import type { RenderOutline } from '../render/render-outline.ts';

/** One flagged segment, as `tts-batch qa` prints it: where to listen, what it should say, what failed. */
export interface FlaggedSegment {
  index: number;
  chapter: number;
  chapterTitle?: string;
  /** In the whole-book file (`file`). */
  startMs: number;
  endMs: number;
  file: string;
  text: string;
  takes: number;
  keptTake?: number;
  /** The kept take's failed checks, with what they measured and the limit. */
  failed: { check: string; value: number; min?: number | undefined; max?: number | undefined }[];
}

/** Each segment's text as a reader sees it, from the render's outline (by position). */
export function segmentTexts(outline: RenderOutline | null): string[] {
  return (outline?.segments ?? []).map((segment) => (segment.sentences ?? []).map((sentence) => sentence.text.trim()).join(' '));
}

/** The flagged segments of a finished render, in book order, with their texts (by position: segmentTexts). */
export function flaggedSegments(manifest: Manifest, texts: readonly string[]): FlaggedSegment[] {
  const bookFile = manifest.files.find((file) => file.role === 'book')?.name ?? manifest.audio;
  const flagged: FlaggedSegment[] = [];
  manifest.segments.forEach((segment, position) => {
    const qa = segment.qa;
    if (qa?.flagged !== true) return;
    const chapterTitle = manifest.chapters.find((chapter) => chapter.index === segment.chapter)?.title;
    flagged.push({
      index: segment.index,
      chapter: segment.chapter,
      ...(chapterTitle === undefined ? {} : { chapterTitle }),
      startMs: segment.startMs,
      endMs: segment.startMs + segment.durationMs,
      file: bookFile,
      text: qa.text ?? texts[position] ?? '',
      takes: qa.takes,
      ...(qa.keptTake === undefined ? {} : { keptTake: qa.keptTake }),
      failed: (qa.checks ?? []).filter((check) => !check.passed).map(({ passed: _passed, ...check }) => check),
    });
  });
  return flagged;
}

/** `01:02:03.456`: a time a person types into a player's seek box. */
export function clockTime(ms: number): string {
  const total = Math.max(0, Math.round(ms));
  const hours = Math.floor(total / 3_600_000);
  const minutes = Math.floor((total % 3_600_000) / 60_000);
  const seconds = Math.floor((total % 60_000) / 1000);
  const millis = total % 1000;
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${two(hours)}:${two(minutes)}:${two(seconds)}.${String(millis).padStart(3, '0')}`;
}

function limitOf(check: FlaggedSegment['failed'][number]): string {
  const round = (n: number): string => String(Math.round(n * 1000) / 1000);
  if (check.min !== undefined && check.max !== undefined) return `${round(check.min)}…${round(check.max)}`;
  if (check.max !== undefined) return `≤ ${round(check.max)}`;
  if (check.min !== undefined) return `≥ ${round(check.min)}`;
  return '';
}

/** The report a person reads: a summary line, then each flagged segment with its times, checks and text. */
export function formatQaReport(manifest: Manifest, flagged: readonly FlaggedSegment[]): string {
  const qa = manifest.qa;
  const lines: string[] = [];
  if (qa === undefined) lines.push(`${manifest.id}: rendered without take checks (--qa off); nothing was checked`);
  else
    lines.push(
      `${manifest.id}: qa ${qa.mode}: ${qa.checked} segments checked, ${qa.retaken} retaken (${qa.retakes} retakes, ${qa.retakeBilledCharacters} units), ${qa.flagged} flagged`,
    );
  for (const segment of flagged) {
    const chapter =
      segment.chapterTitle === undefined || segment.chapterTitle === '' ? `chapter ${segment.chapter}` : `"${segment.chapterTitle}"`;
    const kept = segment.keptTake === undefined ? '' : `, take ${segment.keptTake} of ${segment.takes} kept`;
    lines.push('');
    lines.push(`segment ${segment.index}  ${clockTime(segment.startMs)}–${clockTime(segment.endMs)} in ${segment.file}  ${chapter}${kept}`);
    for (const check of segment.failed) lines.push(`  failed ${check.check}: ${Math.round(check.value * 1000) / 1000} (${limitOf(check)})`);
    if (segment.text !== '') lines.push(`  text: ${segment.text}`);
  }
  return `${lines.join('\n')}\n`;
}
