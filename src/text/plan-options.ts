/** How a provider constrains where segments may end, beyond its size limits. */
export interface PlanOptions {
  /**
   * Multi-speaker dialogue: a segment may end only right before a line matching this (a new
   * speaker turn, e.g. /^\[SPEAKER\d+\]/), never inside a turn; chapter headings still start
   * a new segment. Whole turns are packed greedily up to the target; a turn over the maximum
   * is an InputError naming its line.
   */
  turnLine?: RegExp;
}
