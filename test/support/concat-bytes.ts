/** Joins byte arrays into a fresh, unshared Uint8Array (Buffer.concat may hand out a view into Node's pool, and Buffer.slice() is a view). */
export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  return new Uint8Array(Buffer.concat(parts));
}
