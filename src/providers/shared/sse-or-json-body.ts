/** How a 2xx body is to be read: as an SSE stream, or as one JSON document. */
export type BodyKind = 'sse' | 'json';

/**
 * Decides by the first byte, not the content type: error bodies come as JSON whatever the header
 * says, and a JSON body read as SSE would look like an empty, incomplete stream. A JSON body
 * starts with '{'; an SSE body with a field name or ':'. Undefined while only blanks (and a
 * UTF-8 byte order mark) came.
 */
export function sniffBodyKind(chunk: Buffer): BodyKind | undefined {
  for (const byte of chunk) {
    if (byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d || byte === 0xef || byte === 0xbb || byte === 0xbf) continue;
    return byte === 0x7b ? 'json' : 'sse';
  }
  return undefined;
}
