import type { Cue } from './cue.ts';

export const SUBTITLE_FORMATS = ['srt', 'vtt'] as const;
export type SubtitleFormat = (typeof SUBTITLE_FORMATS)[number];

function clock(ms: number, separator: ',' | '.'): string {
  const whole = Math.max(0, Math.round(ms));
  const h = Math.floor(whole / 3_600_000);
  const m = Math.floor((whole % 3_600_000) / 60_000);
  const s = Math.floor((whole % 60_000) / 1000);
  const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
  return `${pad(h)}:${pad(m)}:${pad(s)}${separator}${pad(whole % 1000, 3)}`;
}

/** A cue's text on its lines: no blank line inside (it would end the cue), no `-->`. */
function cueText(text: string, format: SubtitleFormat): string {
  const flat = text.replace(/\s*\n\s*/gu, ' ').replaceAll('-->', '->');
  // WebVTT reads `&` and `<` as markup.
  return format === 'vtt' ? flat.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;') : flat;
}

/** SubRip: numbered cues, `HH:MM:SS,mmm --> HH:MM:SS,mmm`, a blank line after each. */
export function formatSrt(cues: readonly Cue[]): string {
  return cues
    .map((cue, i) => `${i + 1}\n${clock(cue.startMs, ',')} --> ${clock(cue.endMs, ',')}\n${cueText(cue.text, 'srt')}\n`)
    .join('\n');
}

/** WebVTT: the `WEBVTT` header, then cues with `.` before the milliseconds. */
export function formatVtt(cues: readonly Cue[]): string {
  const body = cues.map((cue) => `${clock(cue.startMs, '.')} --> ${clock(cue.endMs, '.')}\n${cueText(cue.text, 'vtt')}\n`).join('\n');
  return `WEBVTT\n\n${body}`;
}

export function formatSubtitles(cues: readonly Cue[], format: SubtitleFormat): string {
  return format === 'srt' ? formatSrt(cues) : formatVtt(cues);
}
