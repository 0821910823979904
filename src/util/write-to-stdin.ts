import type { Writable } from 'node:stream';

/**
 * Writes `source` into a child process's stdin, waiting for 'drain' whenever the pipe is full,
 * and closes stdin at its end. Returns early, without error, once the process stops reading
 * (stdin destroyed or ended): its exit status tells why, not the write.
 */
export async function writeToStdin(source: AsyncIterable<Uint8Array>, stdin: Writable): Promise<void> {
  for await (const chunk of source) {
    if (stdin.destroyed || stdin.writableEnded) return; // leaving the loop closes the source
    if (!stdin.write(chunk)) await drained(stdin);
  }
  if (!stdin.destroyed) stdin.end();
}

function drained(stream: Writable): Promise<void> {
  if (stream.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      stream.off('error', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
    stream.on('error', done);
  });
}
