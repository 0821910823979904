import { AudioFormatError } from '../../errors/audio-format-error.ts';
import { ProviderError } from '../../errors/provider-error.ts';
import { decodeAudioChunk } from './audio-chunk.ts';
import { AudioEventAssembly } from '../shared/audio-event-assembly.ts';
import { isRecord } from '../shared/json-record.ts';
import { readTraceId, traceSuffix } from '../shared/trace-id.ts';
import { classifyBodyError, findBodyError, type ClassifyContext } from './classify-error.ts';

const PROVIDER = 'sensenova';

/** providerCode of answers we could not read: a protocol error, retried once (see client.ts). */
export const PROTOCOL_ERROR_CODES = new Set(['MALFORMED_EVENT', 'BAD_AUDIO_CHUNK', 'MALFORMED_RESPONSE']);

/**
 * Turns speech_fusion answers (SSE events, or a one-shot JSON body) into audio bytes in order,
 * and knows when the audio is complete: a status-2 event, then `data: [DONE]` for a stream.
 *
 * The seed shows the status-2 event carrying "hex encoded audio" where earlier events carry
 * "audio_chunk N": it may repeat the whole audio, as SenseAudio's does, or carry the last piece.
 * Its audio is therefore dropped when it is byte for byte everything already yielded (checked
 * by length and a running sha256), and used otherwise.
 */
export class SenseNovaEventAssembler extends AudioEventAssembly {
  readonly #context: ClassifyContext & { httpStatus: number };
  #done = false;

  constructor(context: ClassifyContext & { httpStatus: number }) {
    super();
    this.#context = context;
  }

  /** True once `data: [DONE]` arrived. */
  get done(): boolean {
    return this.#done;
  }

  /** One SSE event's data. Returns the audio it adds (possibly empty); throws ProviderError. */
  accept(data: string): Uint8Array {
    const trimmed = data.trim();
    if (trimmed === '[DONE]') {
      this.#done = true;
      return EMPTY;
    }
    if (trimmed === '' || this.finished) return EMPTY;
    let event: unknown;
    try {
      event = JSON.parse(trimmed) as unknown;
    } catch (error) {
      throw this.protocolError('MALFORMED_EVENT', `unreadable event (not JSON): ${JSON.stringify(trimmed.slice(0, 80))}`, error);
    }
    return this.acceptParsed(event);
  }

  /** A parsed event or one-shot body. */
  acceptParsed(event: unknown): Uint8Array {
    if (this.finished) return EMPTY;
    this.noteTraceId(readTraceId(event));
    const bodyError = findBodyError(event);
    if (bodyError) throw classifyBodyError(bodyError, { ...this.#context, traceId: this.traceId });
    if (!isRecord(event) || !isRecord(event.data)) return EMPTY;
    const audioText = typeof event.data.audio === 'string' ? event.data.audio : '';
    const isFinal = event.data.status === 2;
    let audio: Uint8Array = EMPTY;
    if (audioText !== '') {
      audio = this.#decode(audioText);
      if (isFinal && this.audioEvents > 0 && this.repeatsEverything(audio)) audio = EMPTY;
    }
    if (audio.length > 0) {
      this.addYielded(audio);
      this.countAudioEvent();
    }
    if (isFinal) {
      const extra = isRecord(event.extra_info) ? event.extra_info : undefined;
      if (typeof extra?.usage_characters === 'number' && Number.isFinite(extra.usage_characters))
        this.noteBilledCharacters(extra.usage_characters);
      this.markFinished();
    }
    return audio;
  }

  /** A ProviderError for an answer we cannot read, carrying the trace id. */
  protocolError(code: string, what: string, cause?: unknown): ProviderError {
    return new ProviderError(`${what}${traceSuffix(this.traceId)}`, {
      provider: PROVIDER,
      kind: 'retryable',
      providerCode: code,
      ...(this.traceId === undefined ? {} : { traceId: this.traceId }),
      ...(cause === undefined ? {} : { cause }),
    });
  }

  #decode(text: string): Uint8Array {
    try {
      return decodeAudioChunk(text);
    } catch (error) {
      const why = error instanceof AudioFormatError ? error.message : String(error);
      throw this.protocolError('BAD_AUDIO_CHUNK', `${why} (after ${this.audioEvents} audio events)`, error);
    }
  }
}

const EMPTY: Uint8Array = new Uint8Array(0);
