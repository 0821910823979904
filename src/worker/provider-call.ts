import type { SynthesisMeta } from '../providers/provider.ts';

/**
 * A provider call (a synthesis, or a finished task's download) with an abort of its own beside
 * the job's: what a put or a take's file that fails before draining the answer cuts, so the
 * call is not waited for, paid for and held in its slot (started-generator.ts).
 */
export interface ProviderCall {
  audio: AsyncGenerator<Uint8Array, SynthesisMeta, undefined>;
  cancel: () => void;
}

/** `start`'s call under the job's `signal` and the call's own abort. */
export function abortableCall(signal: AbortSignal, start: (signal: AbortSignal) => ProviderCall['audio']): ProviderCall {
  const own = new AbortController();
  return {
    audio: start(AbortSignal.any([signal, own.signal])),
    cancel: () => own.abort(new Error('the segment could not be stored: its provider call was cut')),
  };
}
