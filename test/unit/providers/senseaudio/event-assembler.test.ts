import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/errors/provider-error.ts';
import { SenseAudioEventAssembler } from '../../../../src/providers/senseaudio/event-assembler.ts';

const AUDIO = Buffer.from('the whole audio, several chunks long');
const HEX = AUDIO.toString('hex');
const EXTRA = { audio_length: 10, usage_characters: 42, audio_format: 'mp3' };

const chunk = (audio: string) => JSON.stringify({ data: { audio, status: 1 }, trace_id: 'tr-1', base_resp: { status_code: 0 } });
const final = (audio: string, extra: object | null = EXTRA) =>
  JSON.stringify({
    data: { audio, status: 2 },
    ...(extra ? { extra_info: extra } : {}),
    trace_id: 'tr-1',
    base_resp: { status_code: 0, status_msg: 'success' },
  });

function run(events: string[]): { audio: Buffer; assembler: SenseAudioEventAssembler } {
  const assembler = new SenseAudioEventAssembler();
  const parts = events.map((event) => assembler.accept(event));
  return { audio: Buffer.concat(parts), assembler };
}

describe('SenseAudioEventAssembler', () => {
  it('joins status-1 chunks split at odd hex offsets and ignores the repeated audio of the final event', () => {
    const { audio, assembler } = run([chunk(HEX.slice(0, 7)), chunk(HEX.slice(7, 30)), chunk(HEX.slice(30)), final(HEX)]);
    expect(audio.equals(AUDIO)).toBe(true);
    expect(assembler.finished).toBe(true);
    expect(assembler.meta).toEqual({ billedCharacters: 42, traceId: 'tr-1' });
  });

  it('uses the final event audio when no chunk came before it', () => {
    const { audio, assembler } = run([final(HEX)]);
    expect(audio.equals(AUDIO)).toBe(true);
    expect(assembler.finished).toBe(true);
  });

  it('appends a status-2 event without extra_info: it is a real last chunk, not the repeat', () => {
    const { audio } = run([chunk(HEX.slice(0, 10)), final(HEX.slice(10), null)]);
    expect(audio.equals(AUDIO)).toBe(true);
  });

  it('keeps a status-2 event carrying the last piece with extra_info: the tail is not dropped', () => {
    const { audio, assembler } = run([chunk(HEX.slice(0, 12)), chunk(HEX.slice(12, 40)), final(HEX.slice(40))]);
    expect(audio.equals(AUDIO)).toBe(true);
    expect(assembler.meta).toEqual({ billedCharacters: 42, traceId: 'tr-1' });
  });

  it('drops a status-2 repeat without extra_info: byte-identical audio is not spoken twice', () => {
    const { audio, assembler } = run([chunk(HEX.slice(0, 7)), chunk(HEX.slice(7)), final(HEX, null)]);
    expect(audio.equals(AUDIO)).toBe(true);
    expect(assembler.finished).toBe(true);
    expect(assembler.meta).toEqual({ traceId: 'tr-1' });
  });

  it('keeps a final piece as long as everything before it when its bytes differ', () => {
    const half = HEX.length / 2;
    const first = HEX.slice(0, half);
    const other = Buffer.from(first, 'hex').reverse().toString('hex');
    const { audio } = run([chunk(first), final(other)]);
    expect(audio.equals(Buffer.concat([Buffer.from(first, 'hex'), Buffer.from(other, 'hex')]))).toBe(true);
  });

  it('accepts an empty status-2 event after the chunks', () => {
    const { audio, assembler } = run([chunk(HEX.slice(0, 9)), chunk(HEX.slice(9)), final('')]);
    expect(audio.equals(AUDIO)).toBe(true);
    expect(assembler.finished).toBe(true);
    expect(assembler.meta.billedCharacters).toBe(42);
  });

  it('ignores [DONE], blank data and events after the end', () => {
    const { audio, assembler } = run([chunk(HEX), '[DONE]', '  ', final(''), chunk('ffff')]);
    expect(audio.equals(AUDIO)).toBe(true);
    expect(assembler.finished).toBe(true);
  });

  it('is not finished without a status-2 event', () => {
    const { assembler } = run([chunk(HEX)]);
    expect(assembler.finished).toBe(false);
    expect(assembler.audioEvents).toBe(1);
  });

  it('throws the classified business error carried by an event, with its trace_id', () => {
    const assembler = new SenseAudioEventAssembler();
    assembler.accept(chunk(HEX.slice(0, 8)));
    const error = catchError(() =>
      assembler.accept(JSON.stringify({ trace_id: 'tr-2', base_resp: { status_code: 1027, status_msg: 'output sensitive' } })),
    );
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'fatal', providerCode: 1027, traceId: 'tr-2' });
  });

  it('calls an event that is not JSON malformed (retryable), and half a byte at the end bad audio', () => {
    expect(catchError(() => new SenseAudioEventAssembler().accept('{"data":'))).toMatchObject({
      kind: 'retryable',
      providerCode: 'MALFORMED_EVENT',
    });
    const assembler = new SenseAudioEventAssembler();
    assembler.accept(chunk('abc'));
    expect(catchError(() => assembler.accept(final(HEX)))).toMatchObject({ kind: 'retryable', providerCode: 'BAD_AUDIO_HEX' });
  });
});

function catchError(action: () => unknown): unknown {
  try {
    action();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error, none was thrown');
}
