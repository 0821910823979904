import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/errors/provider-error.ts';
import { makeRedactor } from '../../../../src/providers/sensenova/classify-error.ts';
import { SenseNovaEventAssembler } from '../../../../src/providers/sensenova/event-assembler.ts';

const AUDIO = Buffer.from(Array.from({ length: 30 }, (_, i) => i * 7 + 1));
const PIECES = [AUDIO.subarray(0, 10), AUDIO.subarray(10, 20), AUDIO.subarray(20, 30)];
const EXTRA = {
  length: 2450,
  size: 30,
  sample_rate: 24000,
  channel: 1,
  bitrate: 64000,
  response_format: 'mp3',
  usage_characters: 12,
  word_count: 10,
};

function assembler(): SenseNovaEventAssembler {
  return new SenseNovaEventAssembler({ redact: makeRedactor(() => []), authHint: 'check SENSENOVA_API_KEY', httpStatus: 200 });
}

function event(audio: Uint8Array | string, status: 1 | 2, extra: object = {}): string {
  const text = typeof audio === 'string' ? audio : Buffer.from(audio).toString('hex');
  return JSON.stringify({ data: { audio: text, status }, trace_id: 'trace-7', extra_info: extra });
}

/** Feeds every event and joins the audio that came out. */
function run(events: string[]): { audio: Buffer; assembler: SenseNovaEventAssembler } {
  const target = assembler();
  const out: Uint8Array[] = [];
  for (const data of events) out.push(target.accept(data));
  return { audio: Buffer.concat(out), assembler: target };
}

describe('SenseNovaEventAssembler', () => {
  it('drops a final event that repeats all the audio', () => {
    const { audio, assembler: done } = run([
      event(PIECES[0]!, 1),
      event(PIECES[1]!, 1),
      event(PIECES[2]!, 1),
      event(AUDIO, 2, EXTRA),
      '[DONE]',
    ]);
    expect(audio.equals(AUDIO)).toBe(true);
    expect(done.finished && done.done).toBe(true);
    expect(done.meta).toEqual({ billedCharacters: 12, traceId: 'trace-7' });
    expect(done.audioEvents).toBe(3);
  });

  it('keeps a final event that carries the last piece', () => {
    const { audio } = run([event(PIECES[0]!, 1), event(PIECES[1]!, 1), event(PIECES[2]!, 2, EXTRA), '[DONE]']);
    expect(audio.equals(AUDIO)).toBe(true);
  });

  it('keeps a final piece as long as everything before it when its bytes differ', () => {
    const first = AUDIO.subarray(0, 15);
    const second = AUDIO.subarray(15, 30);
    const { audio } = run([event(first, 1), event(second, 2, EXTRA)]);
    expect(audio.equals(AUDIO)).toBe(true);
  });

  it('takes a lone final event as the whole audio, and a final event without audio as the end', () => {
    expect(run([event(AUDIO, 2, EXTRA)]).audio.equals(AUDIO)).toBe(true);
    expect(run([event(AUDIO, 1), event('', 2, EXTRA)]).audio.equals(AUDIO)).toBe(true);
  });

  it('reads base64: chunks beside hex ones', () => {
    const { audio } = run([
      event(`base64:${PIECES[0]!.toString('base64')}`, 1),
      event(PIECES[1]!, 1),
      event(`base64:${PIECES[2]!.toString('base64')}`, 2, EXTRA),
    ]);
    expect(audio.equals(AUDIO)).toBe(true);
  });

  it('knows [DONE] without a final event is not finished', () => {
    const { assembler: state } = run([event(PIECES[0]!, 1), '[DONE]']);
    expect(state.done).toBe(true);
    expect(state.finished).toBe(false);
  });

  it('takes usage from the final event: zeros on chunk events before it and events after it change nothing', () => {
    const zeros = { ...EXTRA, usage_characters: 0 };
    const { assembler: state } = run([event(PIECES[0]!, 1, zeros), event(PIECES[1]!, 2, EXTRA), event(PIECES[2]!, 1, zeros)]);
    expect(state.meta.billedCharacters).toBe(12);
  });

  it('fails an unreadable chunk as a retryable protocol error naming where it came', () => {
    const target = assembler();
    target.accept(event(PIECES[0]!, 1));
    let error: unknown;
    try {
      target.accept(event('zz01q', 1));
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: 'retryable', providerCode: 'BAD_AUDIO_CHUNK', traceId: 'trace-7' });
    expect((error as Error).message).toMatch(/non-hex character at offset 0 .* \(after 1 audio events\) \[trace_id trace-7\]/);
  });

  it('fails an event that is not JSON, and an error event, with what they said', () => {
    expect(() => assembler().accept('{"data": {')).toThrow(/unreadable event \(not JSON\)/);
    const error = (() => {
      try {
        assembler().accept(JSON.stringify({ error: { code: 429, message: 'too fast' }, trace_id: 't' }));
      } catch (caught) {
        return caught as ProviderError;
      }
      return undefined;
    })();
    expect(error).toMatchObject({ kind: 'rate-limited', providerCode: 429, traceId: 't' });
  });
});
