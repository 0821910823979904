import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderError } from '../../src/errors/provider-error.ts';
import { downloadAudio as downloadAi302Audio } from '../../src/providers/ai302/audio-download.ts';
import { resolveHttpTimeouts } from '../../src/providers/shared/http-timeouts.ts';
import { FREE_DOWNLOAD_TRIES } from '../../src/providers/shared/open-free-download.ts';
import { downloadAudio as downloadSenseNovaAudio } from '../../src/providers/sensenova/audio-download.ts';

/** 0.1 s of 24 kHz mono 16-bit silence: what the 302.AI download passes through untouched. */
function silentWav(): Buffer {
  const data = Buffer.alloc(4800);
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(36 + data.length, 4);
  header.write('WAVEfmt ', 8, 'latin1');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(24000, 24);
  header.writeUInt32LE(48000, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'latin1');
  header.writeUInt32LE(data.length, 40);
  return Buffer.concat([header, data]);
}

const WAV = silentWav();
type Answer = 'ok' | 'reset' | 404 | 429 | 503;

/**
 * A result file is already paid for: a passing failure to open it (a 5xx, a reset) is retried
 * in-process, a few times, before the job's durable retries (and a new billed synthesis) are
 * involved; a missing link and a rate limit keep going straight back to the job.
 */
describe('result downloads retry their opening in-process', () => {
  let server: Server;
  let base: string;
  let answers: Answer[] = [];
  let requests = 0;
  const dispatcher = new Agent();
  const timeouts = resolveHttpTimeouts({ headersMs: 5000, bodyIdleMs: 5000 });

  beforeAll(async () => {
    server = createServer((_req: IncomingMessage, res: ServerResponse) => {
      requests += 1;
      const answer = answers.shift() ?? 'ok';
      if (answer === 'reset') {
        res.socket?.destroy();
        return;
      }
      if (answer === 'ok') {
        res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': WAV.length }).end(WAV);
        return;
      }
      res.writeHead(answer, { 'content-type': 'text/plain' }).end(`status ${answer}`);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await dispatcher.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  beforeEach(() => {
    answers = [];
    requests = 0;
  });

  const downloads = {
    ai302: (url: string) => downloadAi302Audio(url, { dispatcher, timeouts, target: { format: 'wav', sampleRate: 24000, channels: 1 } }),
    sensenova: (url: string) => downloadSenseNovaAudio(dispatcher, url, { timeouts }),
  };

  async function collect(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    return Buffer.concat(chunks);
  }

  async function failureOf(stream: AsyncIterable<Uint8Array>): Promise<ProviderError> {
    try {
      await collect(stream);
    } catch (error) {
      expect(error).toBeInstanceOf(ProviderError);
      return error as ProviderError;
    }
    throw new Error('the download succeeded');
  }

  describe.each(Object.entries(downloads))('%s', (_name, download) => {
    it('a 503 and a reset, then the file: one download, three requests', async () => {
      answers = [503, 'reset'];
      const bytes = await collect(download(`${base}/result.wav?sig=1`));
      expect(bytes.equals(WAV)).toBe(true);
      expect(requests).toBe(3);
    });

    it(`a link that keeps answering 503 fails after ${FREE_DOWNLOAD_TRIES} requests, retryable`, async () => {
      answers = Array.from({ length: FREE_DOWNLOAD_TRIES + 2 }, () => 503 as const);
      const error = await failureOf(download(`${base}/result.wav`));
      expect(error).toMatchObject({ kind: 'retryable', httpStatus: 503 });
      expect(requests).toBe(FREE_DOWNLOAD_TRIES);
    });

    it.each([404, 429] as const)('a %i goes back to the job after one request', async (status) => {
      answers = [status, status];
      const error = await failureOf(download(`${base}/result.wav`));
      expect(error.httpStatus).toBe(status);
      expect(requests).toBe(1);
    });
  });
});
