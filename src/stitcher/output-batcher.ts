/**
 * Gathers small pieces (MP3 frames are a few hundred bytes) into fixed-size chunks for
 * storage.put: one write per frame would cost more than the copying saves.
 */
export class OutputBatcher {
  readonly #size: number;
  #chunk: Uint8Array;
  #filled = 0;

  constructor(size = 64 * 1024) {
    this.#size = size;
    this.#chunk = new Uint8Array(size);
  }

  /** Copies `bytes` in; returns the chunks that became full (each a fresh array the caller may keep). */
  push(bytes: Uint8Array): Uint8Array[] {
    const full: Uint8Array[] = [];
    let offset = 0;
    while (offset < bytes.length) {
      const count = Math.min(this.#size - this.#filled, bytes.length - offset);
      this.#chunk.set(bytes.subarray(offset, offset + count), this.#filled);
      this.#filled += count;
      offset += count;
      if (this.#filled === this.#size) {
        full.push(this.#chunk);
        this.#chunk = new Uint8Array(this.#size);
        this.#filled = 0;
      }
    }
    return full;
  }

  /** What is left, or null when nothing is. */
  flush(): Uint8Array | null {
    if (this.#filled === 0) return null;
    const rest = this.#chunk.slice(0, this.#filled);
    this.#filled = 0;
    return rest;
  }
}
