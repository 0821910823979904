import { ProviderError } from '../../errors/provider-error.ts';

export interface TextSenderOptions {
  /** Hands one frame to the socket; resolves once it is written, rejects when the socket is gone. */
  send: (frame: string) => Promise<void>;
  /** continue-task frames, then the finish-task frame, in order. */
  frames: readonly string[];
  /**
   * Longest wait for one frame to go out. DashScope fails a task that hears nothing from the
   * client for 23 s, so this stays below it: a send that cannot complete in time (a server that
   * stopped reading) ends the task on our side, with a clear reason, before the server's timer.
   */
  guardMs: number;
  /** Called once if a frame takes longer than `guardMs`; the caller then closes the socket. */
  onStall: (error: ProviderError) => void;
  /** Once aborted, no further frame goes out (the task is being cancelled). */
  signal?: AbortSignal;
}

/**
 * Sends a task's text as fast as the socket takes it, then finish-task, without waiting for
 * audio or for the consumer. That is how a task is kept alive whatever the consumer does: the
 * 23-second rule is about the gap between client messages, and once finish-task is out the
 * server waits for nothing more from us, so a slow consumer (reading paused by backpressure)
 * can never make the task idle. Resolves when all frames are out or the socket went away
 * (the reader sees the close and reports it); never rejects.
 */
export async function sendTaskText(options: TextSenderOptions): Promise<'sent' | 'stopped'> {
  const { send, frames, guardMs, onStall, signal } = options;
  for (const [index, frame] of frames.entries()) {
    if (signal?.aborted) return 'stopped';
    let timer: NodeJS.Timeout | undefined;
    const stalled = new Promise<'stalled'>((resolve) => {
      timer = setTimeout(() => resolve('stalled'), guardMs);
    });
    try {
      const outcome = await Promise.race([send(frame).then(() => 'sent' as const), stalled]);
      if (outcome === 'stalled') {
        onStall(
          new ProviderError(
            `message ${index + 1} of ${frames.length} could not be sent within ${guardMs} ms; the service drops a task that hears nothing for 23 s`,
            { provider: 'cosyvoice', kind: 'retryable', providerCode: 'SEND_STALLED' },
          ),
        );
        return 'stopped';
      }
    } catch {
      return 'stopped';
    } finally {
      clearTimeout(timer);
    }
  }
  return 'sent';
}
