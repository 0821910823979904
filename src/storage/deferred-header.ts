import { InputError } from '../errors/input-error.ts';

/** Refuses a header size that is not a whole, non-negative number of bytes (at the call). */
export function checkHeaderSize(headerSize: number): number {
  if (!Number.isSafeInteger(headerSize) || headerSize < 0) {
    throw new InputError('headerSize', 'must be a whole number of bytes, 0 or more', headerSize);
  }
  return headerSize;
}

/** Calls `finalHeader` and checks it kept the size promised when the write began. */
export async function takeFinalHeader(headerSize: number, finalHeader: () => Promise<Uint8Array> | Uint8Array): Promise<Uint8Array> {
  const header = await finalHeader();
  if (header.byteLength !== headerSize) {
    throw new InputError(
      'headerSize',
      `the final header is ${header.byteLength} bytes, but ${headerSize} were reserved for it`,
      header.byteLength,
    );
  }
  return header;
}
