import type { OutputFormat } from './output-formats.ts';

export type { OutputFormat } from './output-formats.ts';

/** The book's metadata, written into every format that carries tags (docs/outputs.md maps each field). */
export interface OutputTags {
  title?: string;
  author?: string;
  narrator?: string;
  year?: number;
  genre?: string;
  language?: string;
  comment?: string;
}

/** A chapter of the whole book, in milliseconds from its first sample. */
export interface OutputChapter {
  title: string;
  startMs: number;
  endMs: number;
}

export interface EncodeRequest {
  /** Path of a WAV file (PCM s16le or f32le; any rate) holding the whole mastered book. */
  input: string;
  /** Where to write; the file appears there only once it is complete and measured. */
  outputPath: string;
  format: OutputFormat;
  /** Defaults: the input's rate (opus: 48000). */
  sampleRate?: number;
  /** Default: the input's channels. */
  channels?: 1 | 2;
  /** Lossy formats only. Defaults per channel: mp3 64, m4b 64, opus 32 kbps (stereo twice that). */
  bitrateKbps?: number;
  /** mp3 only. Default true: constant bitrate (ACX needs CBR ≥ 192 kbps at 44.1 kHz); false: ABR at that average. */
  cbr?: boolean;
  chapters: readonly OutputChapter[];
  tags: OutputTags;
  /** A JPEG or PNG of at most 8 MiB. */
  coverPath?: string;
  /** Aborting kills ffmpeg, deletes what was being written and rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface EncodedFile {
  path: string;
  format: OutputFormat;
  bytes: number;
  /** Measured by decoding the written file (the player's length: encoder delay and padding excluded). */
  durationMs: number;
}
