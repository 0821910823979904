/** How a provider counts text, and how much one request may carry. Limits live with the provider. */
export interface TextLimits {
  /** Hard ceiling per request, in the provider's own units (see `count`). */
  maxUnits: number;
  /** The segment size the producer aims for; a documented choice below the ceiling. */
  targetUnits: number;
  /** Counts text the way the provider counts it against `maxUnits`. */
  count(text: string): number;
}
