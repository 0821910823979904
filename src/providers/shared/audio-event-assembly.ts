import { createHash, type Hash } from 'node:crypto';
import type { SynthesisMeta } from '../provider.ts';

/**
 * What an assembler of streamed audio events knows so far: whether the final event arrived, how
 * many events carried audio, the answer's trace id and billed characters, and the audio already
 * yielded. A final event that may repeat the whole audio is recognised with `repeatsEverything`.
 * Each provider's assembler extends it with the reading of its own events.
 */
export abstract class AudioEventAssembly {
  /** sha256 and length of the audio yielded so far: enough to recognise a repeat without keeping it. */
  readonly #hash: Hash = createHash('sha256');
  #bytes = 0;
  #audioEvents = 0;
  #finished = false;
  #traceId: string | undefined;
  #billedCharacters: number | undefined;

  /** True once the final event (status 2) arrived: the audio is complete. */
  get finished(): boolean {
    return this.#finished;
  }

  /** Events that carried audio so far. */
  get audioEvents(): number {
    return this.#audioEvents;
  }

  /** Bytes of audio yielded so far. */
  get bytes(): number {
    return this.#bytes;
  }

  get traceId(): string | undefined {
    return this.#traceId;
  }

  get meta(): SynthesisMeta {
    return {
      ...(this.#billedCharacters === undefined ? {} : { billedCharacters: this.#billedCharacters }),
      ...(this.#traceId === undefined ? {} : { traceId: this.#traceId }),
    };
  }

  /** Keeps the latest trace id an event carried; an event without one leaves it as it was. */
  protected noteTraceId(traceId: string | undefined): void {
    this.#traceId = traceId ?? this.#traceId;
  }

  protected noteBilledCharacters(characters: number): void {
    this.#billedCharacters = characters;
  }

  protected markFinished(): void {
    this.#finished = true;
  }

  protected countAudioEvent(): void {
    this.#audioEvents += 1;
  }

  /** Records audio handed to the caller, for `bytes` and for the repeat check. */
  protected addYielded(audio: Uint8Array): void {
    this.#hash.update(audio);
    this.#bytes += audio.length;
  }

  /** True when `audio` is byte for byte everything yielded so far (length first, then sha256). */
  protected repeatsEverything(audio: Uint8Array): boolean {
    if (audio.length !== this.#bytes) return false;
    return createHash('sha256').update(audio).digest('hex') === this.#hash.copy().digest('hex');
  }
}
