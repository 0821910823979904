/**
 * The first and last sample louder than `threshold` (absolute value), or null when none is:
 * where a tone burst starts and ends, to hold a decoded file against the samples it was made from.
 */
export function loudSpan(samples: Int16Array, threshold: number): { first: number; last: number } | null {
  let first = -1;
  for (let i = 0; i < samples.length; i++) {
    if (Math.abs(samples[i] ?? 0) > threshold) {
      first = i;
      break;
    }
  }
  if (first < 0) return null;
  let last = first;
  for (let i = samples.length - 1; i > first; i--) {
    if (Math.abs(samples[i] ?? 0) > threshold) {
      last = i;
      break;
    }
  }
  return { first, last };
}
