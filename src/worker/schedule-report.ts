import { runReport, type ScheduleRun } from '../render/schedule-run.ts';
import type { Storage } from '../storage/storage.ts';
import { readObject } from '../storage/read-object.ts';
import { bytesBody } from '../util/bytes-body.ts';

/**
 * Writes the run's report into the output and returns its location: `runs/<YYYY-MM-DD>-<name>.json`
 * (the date it was due, UTC; the name, since schedules may share an output). A second run of the
 * same schedule on the same date (`schedule run`, a schedule firing hourly) keeps the first's
 * report and writes `runs/<YYYY-MM-DD>-<name>-<HHMMSS>.json`; a retried run rewrites its own.
 */
export async function writeRunReport(output: Storage, run: ScheduleRun): Promise<string> {
  const date = run.scheduledAt.slice(0, 10);
  const plain = `runs/${date}-${run.schedule}.json`;
  const key = (await heldByAnotherRun(output, plain, run.runId))
    ? `runs/${date}-${run.schedule}-${run.scheduledAt.slice(11, 19).replace(/:/g, '')}.json`
    : plain;
  const location = `${output.url}/${key}`;
  const report = { ...runReport(run), report: location };
  await output.put(key, bytesBody(`${JSON.stringify(report, null, 2)}\n`), { contentType: 'application/json' });
  return location;
}

async function heldByAnotherRun(output: Storage, key: string, runId: string): Promise<boolean> {
  if ((await output.head(key)) === null) return false;
  const bytes = await readObject(output, key);
  try {
    return (JSON.parse(bytes.toString('utf8')) as { runId?: unknown }).runId !== runId;
  } catch {
    // Not a report of ours: leave it be.
    return true;
  }
}
