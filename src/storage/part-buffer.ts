/** Where a part starts before it grows: most objects (segment audio, manifests) stay this small. */
const FIRST_CAPACITY = 64 * 1024;

/**
 * The bytes of one upload part as they arrive, up to `size`. Memory grows by doubling as bytes
 * come, so a small object does not hold (or make the garbage collector count) a whole part.
 */
export class PartBuffer {
  private bytes: Uint8Array;
  private filled: number;
  private readonly size: number;

  /** `reserved` leading bytes are left for a header written later (see setHeader). */
  constructor(size: number, reserved = 0) {
    this.size = size;
    this.filled = reserved;
    this.bytes = new Uint8Array(Math.min(size, Math.max(FIRST_CAPACITY, reserved)));
  }

  get full(): boolean {
    return this.filled === this.size;
  }

  /** Copies as much of `chunk` from `offset` as fits; returns how many bytes it took. */
  write(chunk: Uint8Array, offset: number): number {
    const count = Math.min(this.size - this.filled, chunk.byteLength - offset);
    this.reserve(this.filled + count);
    this.bytes.set(chunk.subarray(offset, offset + count), this.filled);
    this.filled += count;
    return count;
  }

  /** Writes the reserved header over the part's first bytes. */
  setHeader(header: Uint8Array): void {
    this.bytes.set(header, 0);
  }

  /** The part's bytes so far (a view, not a copy). */
  contents(): Uint8Array {
    return this.bytes.subarray(0, this.filled);
  }

  private reserve(needed: number): void {
    if (needed <= this.bytes.byteLength) return;
    let capacity = this.bytes.byteLength;
    while (capacity < needed) capacity = Math.min(this.size, capacity * 2);
    const grown = new Uint8Array(capacity);
    grown.set(this.bytes.subarray(0, this.filled), 0);
    this.bytes = grown;
  }
}
