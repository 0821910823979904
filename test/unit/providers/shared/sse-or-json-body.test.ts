import { Readable } from 'node:stream';
import type { Dispatcher } from 'undici';
import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/errors/provider-error.ts';
import type { SynthesisMeta } from '../../../../src/providers/provider.ts';
import {
  readSseOrJsonBody,
  type SseEventAssembler,
  type SseOrJsonAnswer,
  type SseOrJsonBodyOptions,
} from '../../../../src/providers/shared/sse-or-json-body.ts';

/** Events of a toy protocol: `audio:<text>`, `final`, `[DONE]`, and `bad` (does not parse). */
class ToyAssembler implements SseEventAssembler {
  finished = false;
  done = false;
  accept(data: string): Uint8Array {
    if (data === '[DONE]') this.done = true;
    else if (data === 'final') this.finished = true;
    else if (data === 'bad')
      throw new ProviderError('unreadable event', { provider: 'toy', kind: 'retryable', providerCode: 'MALFORMED_EVENT' });
    else if (data.startsWith('audio:')) return Buffer.from(data.slice('audio:'.length));
    return new Uint8Array(0);
  }
  get meta(): SynthesisMeta {
    return { traceId: 'toy' };
  }
}

class Failure extends Error {}

function toyAnswer(events: SseEventAssembler): SseOrJsonAnswer {
  return {
    events,
    *readJson(text: string) {
      yield Buffer.from(text.trim());
      return { traceId: 'json' };
    },
    cut: (cause, whileJson) => new Failure(`cut ${cause === undefined ? 'at the end' : 'by a failure'}${whileJson ? ' in json' : ''}`),
    jsonTooLarge: (maxBytes) => new Failure(`json past ${maxBytes}`),
    sseUnreadable: () => new Failure('sse unreadable'),
  };
}

const OPTIONS: SseOrJsonBodyOptions = { signal: undefined, maxJsonBytes: 64, countBytesBeforeSniffing: false, streamEnd: 'final-event' };

function bodyOf(chunks: readonly string[], failAtEnd = false): Dispatcher.ResponseData['body'] {
  async function* pieces() {
    for (const chunk of chunks) yield Buffer.from(chunk);
    await Promise.resolve();
    if (failAtEnd) throw new Error('socket reset');
  }
  return Readable.from(pieces()) as unknown as Dispatcher.ResponseData['body'];
}

async function read(chunks: readonly string[], options: Partial<SseOrJsonBodyOptions> = {}, failAtEnd = false) {
  const audio: string[] = [];
  const generator = readSseOrJsonBody(bodyOf(chunks, failAtEnd), toyAnswer(new ToyAssembler()), { ...OPTIONS, ...options });
  for (;;) {
    const step = await generator.next();
    if (step.done) return { audio, meta: step.value };
    audio.push(Buffer.from(step.value).toString());
  }
}

describe('readSseOrJsonBody', () => {
  it('yields each event’s audio and ends at the final event, whatever follows it', async () => {
    const result = await read(['data: audio:a\n\ndata: au', 'dio:b\n\ndata: final\n\n', 'data: audio:ignored\n\n']);
    expect(result).toEqual({ audio: ['a', 'b'], meta: { traceId: 'toy' } });
  });

  it('waits for data: [DONE] when that is what ends the stream, and calls a [DONE] without a final event a cut', async () => {
    const done = await read(['data: audio:a\n\ndata: final\n\ndata: audio:b\n\ndata: [DONE]\n\n'], { streamEnd: 'done-marker' });
    expect(done.audio).toEqual(['a', 'b']);
    await expect(read(['data: audio:a\n\ndata: [DONE]\n\n'], { streamEnd: 'done-marker' })).rejects.toThrow('cut at the end');
    await expect(read(['data: audio:a\n\ndata: final\n\n'], { streamEnd: 'done-marker' })).rejects.toThrow('cut at the end');
  });

  it('reads a last event without its closing blank line, and calls one that does not parse a cut', async () => {
    expect((await read(['data: audio:a\n\ndata: final'])).audio).toEqual(['a']);
    await expect(read(['data: audio:a\n\ndata: bad'])).rejects.toThrow('cut by a failure');
    await expect(read(['data: audio:a\n\n'])).rejects.toThrow('cut at the end');
  });

  it('hands a body that starts with { to the JSON reader, blanks before it included', async () => {
    expect(await read(['\n ', ' {"a":1}\n'])).toEqual({ audio: ['{"a":1}'], meta: { traceId: 'json' } });
    await expect(read(['{"a":1'], {}, true)).rejects.toThrow('cut by a failure in json');
  });

  it('counts the blanks before the first telling byte against the JSON limit only when asked to', async () => {
    const blanks = ' '.repeat(60);
    expect((await read([blanks, '{"a":1}'])).audio).toEqual(['{"a":1}']);
    await expect(read([blanks, '{"a":1}'], { countBytesBeforeSniffing: true })).rejects.toThrow('json past 64');
  });
});
