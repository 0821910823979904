import type { RenderStore } from '../render/render-store.ts';

/**
 * `render --local` with a key its provider refuses: nobody else's render can be waiting on its
 * private prefix, so there is nothing to contain. The refusal fails its own render at once, and
 * `followRender` prints the one line. The refusal can come before enqueueRender has returned
 * the id (a worker may start the first segment first), hence the two halves.
 */
export class LocalCredentialFailure {
  #reason: string | undefined;
  #target: { store: RenderStore; id: string } | undefined;

  /** For StartWorkersOptions.onCredentialsRefused. */
  readonly onRefused = (_provider: string, reason: string): void => {
    this.#reason ??= reason;
    this.#fail();
  };

  /** The render to fail, once it is known. */
  bind(store: RenderStore, id: string): void {
    this.#target = { store, id };
    this.#fail();
  }

  #fail(): void {
    if (this.#reason === undefined || this.#target === undefined) return;
    // Errors surface where followRender reads the render.
    this.#target.store.markFailed(this.#target.id, this.#reason).catch(() => undefined);
  }
}
