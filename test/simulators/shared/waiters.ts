/** Promises for records by number: resolved at once when the record is known, else when it comes. */
export class Waiters<R> {
  readonly #pending = new Map<number, ((record: R) => void)[]>();

  wait(number: number, known: R | undefined): Promise<R> {
    if (known) return Promise.resolve(known);
    return new Promise((resolve) => {
      const list = this.#pending.get(number) ?? [];
      list.push(resolve);
      this.#pending.set(number, list);
    });
  }

  resolve(number: number, record: R): void {
    for (const resolve of this.#pending.get(number) ?? []) resolve(record);
    this.#pending.delete(number);
  }
}
