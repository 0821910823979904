/**
 * How many whole units (samples, or MPEG frames of `samplesPerUnit` samples) a pause of `ms`
 * takes, rounded up so the pause is never shorter than asked; 0 for no pause. The pause a
 * stitch reports is counted back from this, never the `ms` asked for.
 */
export function unitsCoveringMs(ms: number, sampleRate: number, samplesPerUnit = 1): number {
  if (!(ms > 0)) return 0;
  // The allowance keeps 800 ms at 24 kHz (exactly 19,200 samples) from coming out one unit
  // long through floating-point error; no real pause is a billionth of a sample over a boundary.
  return Math.ceil((ms * sampleRate) / (1000 * samplesPerUnit) - 1e-9);
}
