/** Where schedules keep their state: beside BullMQ's keys, under the queue prefix. */
export function scheduleKeys(prefix: string, name: string) {
  const base = `${prefix}:schedule:${name}`;
  return {
    /** String: the definition (ScheduleDefinition JSON). Never a secret. */
    definition: base,
    /** String: the webhook's signing secret, apart from the definition that lists and views show. */
    webhookSecret: `${base}:webhook-secret`,
    /** Hash: book path → what its last completed render here was made from (BookRecord JSON). */
    books: `${base}:books`,
    /** String: the id of the run in progress (a lease, renewed while the run waits). */
    running: `${base}:running`,
    /** Sorted set: run ids by start time, the latest RUNS_KEPT. */
    runs: `${base}:runs`,
    /** Set of every schedule's name. */
    names: `${prefix}:schedule-names`,
  };
}

/** A run's record (ScheduleRun JSON). */
export function scheduleRunKey(prefix: string, name: string, runId: string): string {
  return `${prefix}:schedule:${name}:run:${runId}`;
}
