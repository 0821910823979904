import { TtsBatchError } from './tts-batch-error.ts';

/**
 * `--qa strict`: every take of a segment failed its checks (issue 15). Not retryable: the takes
 * allowed (`--max-takes`) were spent, each billed; `value` lists what each take failed.
 */
export class TakeRejectedError extends TtsBatchError {
  readonly index: number;

  constructor(index: number, takes: number, failed: readonly string[][]) {
    const why = failed.map((checks, i) => `take ${i + 1}: ${checks.join(', ')}`).join('; ');
    super('TAKE_REJECTED', `segment ${index}: no take passed its checks in ${takes} (${why}); --qa strict fails the render`, {
      value: failed,
      retryable: false,
    });
    this.index = index;
  }
}
