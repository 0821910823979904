import type { Dispatcher } from 'undici';

/**
 * After the final event, the rest of the body (usually nothing) is read so the socket can be
 * reused; a server that keeps it open longer than this loses the socket instead.
 */
const DRAIN_GRACE_MS = 1_000;

/** Reads whatever follows the end of the audio, briefly, so the kept-alive socket can be reused. */
export async function drainQuietly(iterator: AsyncIterator<Buffer>, body: Dispatcher.ResponseData['body']): Promise<void> {
  const timer = setTimeout(() => body.destroy(), DRAIN_GRACE_MS);
  timer.unref();
  try {
    for (;;) {
      const step = await iterator.next();
      if (step.done) return;
    }
  } catch {
    // The audio is already complete; a failure after it changes nothing.
  } finally {
    clearTimeout(timer);
  }
}
