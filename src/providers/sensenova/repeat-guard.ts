/**
 * Remembers which requests already met a given kind of failure, so the second occurrence can be
 * treated differently from the first. Bounded: the oldest entries go first.
 */
export class RepeatGuard {
  readonly #seen = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = 1000) {
    this.#capacity = capacity;
  }

  /** Records `key`; true when it was already there (this is a repeat). */
  hit(key: string): boolean {
    if (this.#seen.has(key)) {
      this.#seen.delete(key);
      return true;
    }
    this.#seen.add(key);
    if (this.#seen.size > this.#capacity) {
      const oldest = this.#seen.values().next();
      if (!oldest.done) this.#seen.delete(oldest.value);
    }
    return false;
  }
}
