import type { Dispatcher } from 'undici';

/**
 * Reads a response body as UTF-8 text, stopping at `maxBytes`: an error body is read for its
 * code and message only, and a server must not make us buffer without bound.
 */
export async function readTextBody(body: Dispatcher.ResponseData['body'], maxBytes: number): Promise<string> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    parts.push(chunk);
    total += chunk.length;
    if (total >= maxBytes) break;
  }
  return Buffer.concat(parts).toString('utf8').slice(0, maxBytes);
}
