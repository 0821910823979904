/** How a provider constrains where segments may end, beyond its size limits. */
export interface PlanOptions {
  /**
   * Multi-speaker dialogue: a segment may end only right before a line matching this (a new
   * speaker turn, e.g. /^\[SPEAKER\d+\]/), never inside a turn; chapter headings still start
   * a new segment. Whole turns are packed greedily up to the target; a turn over the maximum
   * is an InputError naming its line.
   */
  turnLine?: RegExp;
  /**
   * What becomes of `<break time=N>` tags. 'keep' (default): each stays in its segment, whole,
   * for a provider that reads it (as the tag or as SSML). 'cut': for a provider that cannot
   * pause, the text is cut at every tag, the tag dropped, and the segment before it asks the
   * join for N ms of silence (consecutive tags add up); every tag's time is checked first.
   */
  breakTags?: 'keep' | 'cut';
}
