import { describe, expect, it } from 'vitest';
import { TtsBatchError } from '../../../../src/errors/tts-batch-error.ts';
import { SseDecoder, type SseEvent } from '../../../../src/providers/shared/sse-decoder.ts';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Feeds `text` in pieces cut at `cuts` (byte offsets) and collects every event, end() included. */
function decodeInPieces(text: string, cuts: readonly number[]): SseEvent[] {
  const all = bytes(text);
  const decoder = new SseDecoder();
  const events: SseEvent[] = [];
  let start = 0;
  for (const cut of [...cuts, all.length]) {
    events.push(...decoder.push(all.subarray(start, cut)));
    start = cut;
  }
  events.push(...decoder.end());
  return events;
}

const STREAM = [
  ': keep-alive comment',
  'data: {"data":{"audio":"0a1b","status":1}}',
  '',
  'event: audio',
  'id: 7',
  'data: {"data":',
  'data:{"audio":"ff","status":2}}',
  '',
  'data: [DONE]',
  '',
  '',
].join('\n');

const EXPECTED: SseEvent[] = [
  { event: 'message', data: '{"data":{"audio":"0a1b","status":1}}' },
  { event: 'audio', id: '7', data: '{"data":\n{"audio":"ff","status":2}}' },
  { event: 'message', id: '7', data: '[DONE]' },
];

describe('SseDecoder', () => {
  it('parses events, comments, multi-line data, event and id fields', () => {
    expect(decodeInPieces(STREAM, [])).toEqual(EXPECTED);
  });

  it('gives the same events wherever the reads split, down to single bytes', () => {
    const length = bytes(STREAM).length;
    for (let cut = 1; cut < length; cut += 1) {
      expect(decodeInPieces(STREAM, [cut]), `split at byte ${cut}`).toEqual(EXPECTED);
    }
    const everyByte = Array.from({ length: length - 1 }, (_, i) => i + 1);
    expect(decodeInPieces(STREAM, everyByte)).toEqual(EXPECTED);
  });

  it('accepts \\r\\n and lone \\r line endings, also when \\r and \\n arrive in different reads', () => {
    const crlf = STREAM.replaceAll('\n', '\r\n');
    const lengthCrlf = bytes(crlf).length;
    for (let cut = 1; cut < lengthCrlf; cut += 1) {
      expect(decodeInPieces(crlf, [cut]), `\\r\\n stream split at byte ${cut}`).toEqual(EXPECTED);
    }
    expect(decodeInPieces(STREAM.replaceAll('\n', '\r'), [5, 40])).toEqual(EXPECTED);
  });

  it('keeps a UTF-8 character whole when a read ends inside it', () => {
    const text = 'data: {"msg":"余额不足"}\n\n';
    const length = bytes(text).length;
    for (let cut = 1; cut < length; cut += 1) {
      expect(decodeInPieces(text, [cut])).toEqual([{ event: 'message', data: '{"msg":"余额不足"}' }]);
    }
  });

  it('returns nothing for a blank line without data and strips only one space after the colon', () => {
    expect(decodeInPieces('\n\n: only a comment\n\ndata:   two spaces kept\n\n', [])).toEqual([
      { event: 'message', data: '  two spaces kept' },
    ]);
  });

  it('hands back an event the server did not close with a blank line when the body ends', () => {
    const decoder = new SseDecoder();
    expect(decoder.push(bytes('data: {"a":1}\n\ndata: {"b":2}'))).toEqual([{ event: 'message', data: '{"a":1}' }]);
    expect(decoder.end()).toEqual([{ event: 'message', data: '{"b":2}' }]);
  });

  it('refuses an event that grows past the limit instead of buffering without bound', () => {
    const decoder = new SseDecoder({ maxEventChars: 100 });
    decoder.push(bytes(`data: ${'a'.repeat(60)}\n`));
    const error = (() => {
      try {
        decoder.push(bytes(`data: ${'b'.repeat(60)}`));
        return undefined;
      } catch (caught) {
        return caught;
      }
    })();
    expect(error).toBeInstanceOf(TtsBatchError);
    expect((error as TtsBatchError).code).toBe('SSE_EVENT_TOO_LARGE');
  });

  it('splits a long stream of many events without rescanning (large hex lines)', () => {
    const hex = 'ab'.repeat(50_000);
    const text = `data: {"audio":"${hex}"}\n\n`.repeat(20);
    const cuts = Array.from({ length: 400 }, (_, i) => (i + 1) * 5003).filter((cut) => cut < text.length);
    const events = decodeInPieces(text, cuts);
    expect(events).toHaveLength(20);
    expect(events.every((event) => event.data === `{"audio":"${hex}"}`)).toBe(true);
  });

  it('reads one 32 Mi-character event in 64 KiB reads in linear time (a final event repeating 16 MB of audio as hex)', () => {
    // Appending every read to one string and searching it again copied the whole line per read:
    // 32 Mi characters took ~7 s of CPU; joined once, it takes well under 0.5 s.
    const line = `data: {"data":{"audio":"${'ab'.repeat(16 * 1024 * 1024)}","status":2}}\n\n`;
    const decoder = new SseDecoder({ maxEventChars: 64 * 1024 * 1024 });
    const started = performance.now();
    const events: SseEvent[] = [];
    for (let at = 0; at < line.length; at += 65_536) events.push(...decoder.pushText(line.slice(at, at + 65_536)));
    const elapsedMs = performance.now() - started;
    expect(events).toHaveLength(1);
    expect(events[0]?.data.length).toBe(line.length - 'data: '.length - 2);
    expect(elapsedMs, 'quadratic copying takes seconds here').toBeLessThan(2_000);
  });
});
