import { AudioFormatError } from '../../errors/audio-format-error.ts';
import { ProviderError } from '../../errors/provider-error.ts';
import { AudioEventAssembly } from '../shared/audio-event-assembly.ts';
import { HexDecoder } from '../shared/hex-decoder.ts';
import { isRecord } from '../shared/json-record.ts';
import { readTraceId, traceSuffix } from '../shared/trace-id.ts';
import { classifyBusinessError, findBusinessError, type ClassifyOptions } from './classify-error.ts';

const PROVIDER = 'senseaudio';

/**
 * Turns SenseAudio answers (SSE events, or a one-shot JSON body) into audio bytes, in order,
 * and knows when the audio is complete.
 *
 * What the status-2 event carries is unconfirmed (docs/providers/senseaudio.md, "Answers and
 * events"): the whole audio again (a repeat, with or without `extra_info`), the last piece (the
 * documentation's Python example writes every event's audio), or nothing. Its audio is therefore
 * dropped only when it is byte for byte everything already yielded (length, then a running sha256,
 * as the SenseNova assembler does), and kept otherwise: dropping a tail would cut every segment yet
 * bill it in full.
 */
export class SenseAudioEventAssembler extends AudioEventAssembly {
  readonly #hex = new HexDecoder();
  readonly #classify: ClassifyOptions;

  constructor(classify: ClassifyOptions = {}) {
    super();
    this.#classify = classify;
  }

  /**
   * Takes one event's data (or a whole one-shot body). Returns the audio it adds, possibly
   * empty. Throws ProviderError for a business error or a malformed event.
   */
  accept(data: string): Uint8Array {
    if (this.finished) return EMPTY;
    const trimmed = data.trim();
    if (trimmed === '' || trimmed === '[DONE]') return EMPTY;
    let event: unknown;
    try {
      event = JSON.parse(trimmed) as unknown;
    } catch (error) {
      throw new ProviderError(`unreadable event (not JSON): ${JSON.stringify(trimmed.slice(0, 80))}${this.#traceSuffix()}`, {
        provider: PROVIDER,
        kind: 'retryable',
        providerCode: 'MALFORMED_EVENT',
        ...this.#traceDetail(),
        cause: error,
      });
    }
    return this.acceptParsed(event);
  }

  /** Same as `accept`, for an already parsed value. */
  acceptParsed(event: unknown): Uint8Array {
    if (this.finished) return EMPTY;
    this.noteTraceId(readTraceId(event));
    const business = findBusinessError(event);
    if (business) throw classifyBusinessError(business, { ...this.#classify, ...this.#traceDetail() });
    if (!isRecord(event) || !isRecord(event.data)) return EMPTY;
    const audioHex = typeof event.data.audio === 'string' ? event.data.audio : '';
    const isFinal = event.data.status === 2;
    const extraInfo = isRecord(event.extra_info) ? event.extra_info : undefined;
    if (extraInfo && typeof extraInfo.usage_characters === 'number') this.noteBilledCharacters(extraInfo.usage_characters);
    let audio: Uint8Array = EMPTY;
    if (audioHex !== '') {
      audio = this.#decode(audioHex);
      const isRepeat = isFinal && this.bytes > 0 && this.repeatsEverything(audio);
      if (isRepeat) audio = EMPTY;
      else this.countAudioEvent();
      this.addYielded(audio);
    }
    if (isFinal) {
      this.#endHex();
      this.markFinished();
    }
    return audio;
  }

  #decode(hex: string): Uint8Array {
    try {
      return this.#hex.push(hex);
    } catch (error) {
      throw this.#badAudio(error);
    }
  }

  #endHex(): void {
    try {
      this.#hex.end();
    } catch (error) {
      throw this.#badAudio(error);
    }
  }

  #badAudio(error: unknown): ProviderError {
    const why = error instanceof AudioFormatError ? error.message : String(error);
    return new ProviderError(`${why}${this.#traceSuffix()}`, {
      provider: PROVIDER,
      kind: 'retryable',
      providerCode: 'BAD_AUDIO_HEX',
      ...this.#traceDetail(),
      cause: error,
    });
  }

  #traceDetail(): { traceId?: string } {
    return this.traceId === undefined ? {} : { traceId: this.traceId };
  }

  #traceSuffix(): string {
    return traceSuffix(this.traceId);
  }
}

const EMPTY: Uint8Array = new Uint8Array(0);
