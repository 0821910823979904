import { Readable } from 'node:stream';

/** A small in-memory body (a manifest, a sidecar) in the shape storage.put takes. */
export function bytesBody(content: string | Uint8Array): AsyncIterable<Uint8Array> {
  return Readable.from([typeof content === 'string' ? Buffer.from(content, 'utf8') : content]);
}
