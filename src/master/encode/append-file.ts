import { open, type FileHandle } from 'node:fs/promises';

/** Large enough for few system calls, small enough to be nothing beside the audio. */
const COPY_BYTES = 256 * 1024;

/**
 * Appends the file at `from` to the file at `to` through one buffer (the mp3 output's audio
 * after its ID3 tag). A stream pipeline would allocate a fresh Buffer per 64 KiB read: ~290 MB
 * of garbage for a 10-hour book, which raises the process's peak RSS (issue 11, master.memory).
 * Aborting stops between reads and rejects with the signal's reason.
 */
export async function appendFileTo(from: string, to: string, signal?: AbortSignal): Promise<void> {
  const source = await open(from, 'r');
  try {
    const target = await open(to, 'a');
    try {
      const buffer = Buffer.allocUnsafe(COPY_BYTES);
      for (;;) {
        signal?.throwIfAborted();
        const { bytesRead } = await source.read(buffer, 0, buffer.length, null);
        if (bytesRead === 0) return;
        await writeAll(target, buffer.subarray(0, bytesRead));
      }
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}

/** FileHandle.write may write less than asked. */
async function writeAll(handle: FileHandle, bytes: Uint8Array): Promise<void> {
  for (let offset = 0; offset < bytes.length;) {
    const { bytesWritten } = await handle.write(bytes, offset, bytes.length - offset);
    offset += bytesWritten;
  }
}
