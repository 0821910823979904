/**
 * Where frames start, sampled at a fixed number of checkpoints so memory stays the same for a
 * one-minute clip and a twenty-hour book. Feeds the 100-entry seek table of a Xing/Info frame.
 */
export class FrameOffsetSampler {
  readonly #capacity: number;
  /** offsets[j] is the byte offset of frame j × stride. */
  #offsets: number[] = [];
  #stride = 1;
  #frames = 0;
  #bytes = 0;

  constructor(capacity = 1024) {
    if (capacity < 2 || capacity % 2 !== 0) throw new RangeError(`capacity must be an even number >= 2, got ${capacity}`);
    this.#capacity = capacity;
  }

  get frameCount(): number {
    return this.#frames;
  }

  get byteCount(): number {
    return this.#bytes;
  }

  /** Checkpoints held now; never more than the capacity. */
  get checkpointCount(): number {
    return this.#offsets.length;
  }

  /** Records the next frame, which is `frameLength` bytes long. */
  add(frameLength: number): void {
    if (this.#frames % this.#stride === 0) {
      if (this.#offsets.length === this.#capacity) {
        // Full: keep every other checkpoint and sample half as often from now on.
        this.#offsets = this.#offsets.filter((_, index) => index % 2 === 0);
        this.#stride *= 2;
      }
      if (this.#frames % this.#stride === 0) this.#offsets.push(this.#bytes);
    }
    this.#frames += 1;
    this.#bytes += frameLength;
  }

  /** Byte offset where frame `frameIndex` (fractional allowed) starts, interpolated between checkpoints. */
  offsetAt(frameIndex: number): number {
    if (this.#frames === 0 || frameIndex <= 0) return 0;
    if (frameIndex >= this.#frames) return this.#bytes;
    const slot = Math.floor(frameIndex / this.#stride);
    const fromFrame = slot * this.#stride;
    const from = this.#offsets[slot] ?? this.#bytes;
    const nextCheckpoint = this.#offsets[slot + 1];
    const toFrame = nextCheckpoint === undefined ? this.#frames : fromFrame + this.#stride;
    const to = nextCheckpoint ?? this.#bytes;
    return from + ((to - from) * (frameIndex - fromFrame)) / (toFrame - fromFrame);
  }

  /**
   * The Xing TOC: entry i is the position, in 256ths of the whole stream, where i % of the
   * playing time starts. `leadingBytes` stand before the first frame (the Xing frame itself).
   */
  toc(leadingBytes: number): Uint8Array {
    const total = leadingBytes + this.#bytes;
    const table = new Uint8Array(100);
    for (let i = 0; i < 100; i++) {
      const offset = leadingBytes + this.offsetAt((i * this.#frames) / 100);
      table[i] = total === 0 ? 0 : Math.min(255, Math.floor((offset * 256) / total));
    }
    return table;
  }
}
