/**
 * Polls `read` every `intervalMs` until `done(value)` holds, then returns that value; after
 * `deadlineMs` it throws with `what` and the last value read. A condition, never a fixed sleep.
 */
export async function pollUntil<T>(
  what: string,
  read: () => Promise<T>,
  done: (value: T) => boolean,
  deadlineMs = 20_000,
  intervalMs = 50,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${deadlineMs} ms (last: ${JSON.stringify(value)})`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
