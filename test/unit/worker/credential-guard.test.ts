import { WaitingError, type Job, type Worker } from 'bullmq';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderError } from '../../../src/errors/provider-error.ts';
import { CredentialGuard } from '../../../src/worker/credential-guard.ts';

/** The part of a BullMQ Worker the guard touches, with its paused state kept like the real one. */
class FakeWorker {
  concurrency = 4;
  paused = false;
  pause(): Promise<void> {
    this.paused = true;
    return Promise.resolve();
  }
  resume(): void {
    this.paused = false;
  }
}

const FIRST_RECHECK_MS = 1000;
const REFUSAL = new ProviderError('the API key was rejected (HTTP 401)', { provider: 'senseaudio', kind: 'fatal', credentials: true });

function fakeJob(): Job {
  return { moveToWait: () => Promise.resolve(0) } as unknown as Job;
}

describe('CredentialGuard', () => {
  let worker: FakeWorker;
  let guard: CredentialGuard;

  beforeEach(() => {
    vi.useFakeTimers();
    worker = new FakeWorker();
    guard = new CredentialGuard({
      provider: 'senseaudio',
      worker: worker as unknown as Worker,
      concurrency: 4,
      firstRecheckMs: FIRST_RECHECK_MS,
      maxRecheckMs: 8000,
      logger: pino({ level: 'silent' }),
      onChange: () => undefined,
    });
  });

  afterEach(() => {
    guard.close();
    vi.useRealTimers();
  });

  it('refused pauses the worker; the re-check resumes it with one slot, and success restores them all', async () => {
    await expect(guard.refused(fakeJob(), 'token', REFUSAL)).rejects.toBeInstanceOf(WaitingError);
    expect(worker.paused).toBe(true);
    expect(guard.misconfigured?.reason).toBe(REFUSAL.message);
    vi.advanceTimersByTime(FIRST_RECHECK_MS);
    expect(worker).toMatchObject({ paused: false, concurrency: 1 });
    guard.accepted();
    expect(worker).toMatchObject({ paused: false, concurrency: 4 });
    expect(guard.misconfigured).toBeUndefined();
  });

  it('a job already in flight that succeeds while paused resumes the worker at full concurrency, for good', async () => {
    // Job A is refused: pause, and a re-check timer is set.
    await expect(guard.refused(fakeJob(), 'token-a', REFUSAL)).rejects.toBeInstanceOf(WaitingError);
    expect(worker.paused).toBe(true);
    // Job B, taken before the pause, succeeds: the key works. The worker must take jobs again now,
    // not only when the timer fires (the heartbeat already says healthy).
    guard.accepted();
    expect(guard.misconfigured).toBeUndefined();
    expect(worker).toMatchObject({ paused: false, concurrency: 4 });
    // The old timer must not cut it down to the one-slot probe afterwards.
    vi.advanceTimersByTime(10 * FIRST_RECHECK_MS);
    expect(worker).toMatchObject({ paused: false, concurrency: 4 });
    expect(vi.getTimerCount(), 'no re-check left pending').toBe(0);
  });

  it('a refusal after a recovery starts a new spell with its own re-check', async () => {
    await expect(guard.refused(fakeJob(), 'token-a', REFUSAL)).rejects.toBeInstanceOf(WaitingError);
    guard.accepted();
    await expect(guard.refused(fakeJob(), 'token-c', REFUSAL)).rejects.toBeInstanceOf(WaitingError);
    expect(worker.paused).toBe(true);
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(FIRST_RECHECK_MS);
    expect(worker).toMatchObject({ paused: false, concurrency: 1 });
  });
});
