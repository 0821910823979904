import { breathe } from './event-loop-breather.ts';

/** Consumed bytes a reader gathers before it reports them to the breather. */
const BREATHE_CHECK_BYTES = 64 * 1024;

/**
 * A pull reader over a chunk stream with a small carry-over buffer, for parsers that need a
 * few bytes of look-ahead across chunk boundaries without holding the whole object.
 */
export class ByteReader {
  readonly #iterator: AsyncIterator<Uint8Array>;
  #buffer: Uint8Array = new Uint8Array(0);
  #position = 0;
  #ended = false;
  #reportedToBreather = 0;
  /** Bytes consumed so far (taken or skipped). */
  consumed = 0;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#iterator = source[Symbol.asyncIterator]();
  }

  /** Bytes buffered and not yet consumed. */
  get available(): number {
    return this.#buffer.length - this.#position;
  }

  /** The buffered, unconsumed bytes. Valid until the next call that reads from the source. */
  view(): Uint8Array {
    return this.#buffer.subarray(this.#position);
  }

  /** Buffers at least `count` bytes; false when the stream ends first (what is left stays readable). */
  async ensure(count: number): Promise<boolean> {
    await this.#breatheIfDue();
    while (this.available < count) {
      const chunk = await this.#pull();
      if (chunk === null) return false;
      if (this.available === 0) {
        this.#buffer = chunk;
      } else {
        const merged = new Uint8Array(this.available + chunk.length);
        merged.set(this.view(), 0);
        merged.set(chunk, this.available);
        this.#buffer = merged;
      }
      this.#position = 0;
    }
    return true;
  }

  /** Consumes `count` buffered bytes (call ensure first) and returns them as a view. */
  take(count: number): Uint8Array {
    const taken = this.#buffer.subarray(this.#position, this.#position + count);
    this.#position += taken.length;
    this.consumed += taken.length;
    return taken;
  }

  /** Consumes up to `count` bytes, pulling and dropping chunks as needed; returns how many went. */
  async skip(count: number): Promise<number> {
    let skipped = 0;
    while (skipped < count) {
      if (this.available === 0 && !(await this.ensure(1))) break;
      skipped += this.take(Math.min(count - skipped, this.available)).length;
    }
    return skipped;
  }

  /** Up to `max` bytes without copying: what is buffered, else the next chunk. Null at the end. */
  async read(max: number): Promise<Uint8Array | null> {
    await this.#breatheIfDue();
    if (this.available === 0 && !(await this.ensure(1))) return null;
    return this.take(Math.min(max, this.available));
  }

  /** Stops the source early (a reader that found what it needed need not download the rest). */
  async close(): Promise<void> {
    this.#ended = true;
    this.#buffer = new Uint8Array(0);
    this.#position = 0;
    await this.#iterator.return?.();
  }

  /**
   * Counts consumed bytes towards the process-wide pause every few MB. Counted as parsers
   * consume, not as chunks arrive: one huge chunk is still parsed in slices.
   */
  async #breatheIfDue(): Promise<void> {
    const pending = this.consumed - this.#reportedToBreather;
    if (pending < BREATHE_CHECK_BYTES) return;
    this.#reportedToBreather = this.consumed;
    await breathe(pending);
  }

  async #pull(): Promise<Uint8Array | null> {
    if (this.#ended) return null;
    for (;;) {
      const next = await this.#iterator.next();
      if (next.done) {
        this.#ended = true;
        return null;
      }
      if (next.value.length === 0) continue;
      return next.value;
    }
  }
}
