/** Where a cue's times came from, best first (issue 13): the provider's timestamps, the audio's pauses, or the text's share. */
export const CUE_SOURCES = ['provider', 'aligned', 'estimated'] as const;
export type CueSource = (typeof CUE_SOURCES)[number];

/** One subtitle cue in the time of an output file. */
export interface Cue {
  startMs: number;
  endMs: number;
  text: string;
  source: CueSource;
  /** The sentence's place in the planned text (UTF-16 `[start, end)`); a sentence split for reading keeps its own. */
  textStart: number;
  textEnd: number;
  /** The segment (position in the book) the sentence is spoken in. */
  segment?: number;
}

/** How long a cue may be and still be read: broadcast guidelines' two lines of ~42 characters, at most 7 s. */
export interface ReadingLimits {
  maxChars: number;
  maxMs: number;
}

export const DEFAULT_READING_LIMITS: ReadingLimits = { maxChars: 84, maxMs: 7000 };
