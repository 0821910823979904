/** Large enough that a pause costs few writes, small enough that a long one never sits in memory. */
const SILENCE_CHUNK_BYTES = 64 * 1024;

/**
 * `bytes` bytes of `fill` (0 for 16-bit PCM) as chunks of at most 64 KiB: the silence of a
 * WAV/PCM pause. Every chunk is a view of one buffer that nothing writes to, so a pause of any
 * length costs 64 KiB.
 */
export function* silenceChunks(bytes: number, fill = 0): Generator<Uint8Array, void, undefined> {
  if (bytes <= 0) return;
  const silence = new Uint8Array(Math.min(bytes, SILENCE_CHUNK_BYTES)).fill(fill);
  for (let left = bytes; left > 0; left -= silence.length) yield left >= silence.length ? silence : silence.subarray(0, left);
}
