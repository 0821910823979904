import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

/** Writes text, in `pieceBytes` pieces each flushed on its own turn when given; false once the client is gone. */
export async function writeText(res: ServerResponse, text: string, pieceBytes: number | undefined): Promise<boolean> {
  if (pieceBytes === undefined) return write(res, text);
  const bytes = Buffer.from(text, 'utf8');
  for (let start = 0; start < bytes.length; start += pieceBytes) {
    if (!(await write(res, bytes.subarray(start, start + pieceBytes)))) return false;
    await new Promise((resolve) => setImmediate(resolve));
  }
  return true;
}

/**
 * Resolves once `data` has been handed to the socket (so a fault that destroys the socket next
 * cannot swallow it), or false once the client is gone.
 */
export function write(res: ServerResponse, data: string | Buffer): Promise<boolean> {
  if (res.destroyed || res.writableEnded) return Promise.resolve(false);
  return new Promise((resolve) => {
    const onClose = () => resolve(false);
    res.once('close', onClose);
    res.write(data, (error) => {
      res.off('close', onClose);
      resolve(!error);
    });
  });
}

export function sendJson(res: ServerResponse, status: number, body: object): void {
  if (res.headersSent || res.destroyed) return;
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** The request body as text, or undefined when it is larger than `maxBytes`. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<string | undefined> {
  const parts: Buffer[] = [];
  let total = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    total += chunk.length;
    if (total > maxBytes) return undefined;
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

export function closeSignal(res: ServerResponse): AbortSignal {
  const controller = new AbortController();
  res.on('close', () => controller.abort());
  return controller.signal;
}

/** Waits `ms`; false when the client or the simulator went away first. */
export async function pause(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(Math.min(ms, 2 ** 31 - 1), undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
