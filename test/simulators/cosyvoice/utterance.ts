/** What one sentence says, in order: speech, and (in SSML) pauses. */
export type SpokenPiece = { kind: 'speech'; text: string } | { kind: 'pause'; ms: number };

/** One sentence as the service speaks it: its text (original_text) and what is heard. */
export interface Utterance {
  text: string;
  pieces: SpokenPiece[];
  /** What it bills, when not its text's count (an SSML sentence carries its share of the tags). */
  units?: number;
}
