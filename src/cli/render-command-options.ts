import type { SettingAssignment } from './setting-flags.ts';

/** The flags of `tts-batch render` (and of `estimate`, which plans with the same ones), as commander parses them. */
export interface RenderCommandOptions {
  provider: string;
  voice?: string;
  model?: string;
  /** The output format (mp3, m4b, …); the segments' is `segmentFormat`. */
  format?: string;
  segmentFormat?: string;
  profile?: string;
  split?: string;
  subtitles?: string;
  /** `--read-along`: an EPUB 3 with Media Overlays beside the book (EPUB input). */
  readAlong?: boolean;
  /** `--qa on|strict|off` (default on): take checks and retakes (verify/qa-record.ts). */
  qa?: string;
  /** `--max-takes N`: takes one segment may be given under --qa (default 2). */
  maxTakes?: number;
  /** `--priority high|normal|low`: the render's share of its provider's slots. */
  priority?: string;
  outputBitrate?: number;
  author?: string;
  narrator?: string;
  cover?: string;
  year?: number;
  genre?: string;
  language?: string;
  sampleRate?: number;
  bitrate?: number;
  channels?: number;
  /** The providers' setting flags as parsed (--speed, --blend, --ref-audio, …), by setting key. */
  settingFlags?: Readonly<Record<string, unknown>>;
  /** `--set KEY=VALUE`, in order. */
  set?: SettingAssignment[];
  out: string;
  id?: string;
  title?: string;
  /** `--input-format`: read the file as text, markdown, html or epub (default: detected). */
  inputFormat?: string;
  /** `--chapters 1-3,7`: by number in the book (see `tts-batch chapters FILE`). */
  chapters?: string;
  skipFrontMatter?: boolean;
  speakHeadings?: boolean;
  /** Markdown and HTML: the heading level that starts a chapter. */
  chapterLevel?: number;
  /** Markdown: speak code blocks and HTML blocks. */
  speakCode?: boolean;
  /** `--pauses paragraph=750,chapter=2000`: overrides of DEFAULT_PAUSE_RULES, in ms. */
  pauses?: string;
  /** `--lexicon FILE`: pronunciations (docs/lexicon.md), merged over LEXICON_FILE. */
  lexicon?: string;
  wait?: boolean;
  local?: boolean;
  /** `--dry-run`: print the estimate (as estimate does) and stop: nothing is enqueued, written or billed. */
  dryRun?: boolean;
  /** `--max-units N`: refuse before enqueueing when the units still to bill (not cached) are over N. */
  maxUnits?: number;
  /** With --dry-run: the estimate as JSON. */
  json?: boolean;
}
