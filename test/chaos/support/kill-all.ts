import type { WorkerProcess } from '../../support/worker-process.ts';

/** SIGKILLs every worker process and waits until each has exited (cleanup; idempotent). */
export async function killAll(workers: readonly WorkerProcess[]): Promise<void> {
  await Promise.all(
    workers.map(async (worker) => {
      if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
      await worker.exited;
    }),
  );
}
