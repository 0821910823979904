import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import type { ScheduleRunReport } from '../../src/render/schedule-run.ts';
import {
  startSenseAudioSimulator,
  type RecordedRequest,
  type SenseAudioSimulator,
  type SenseAudioSimulatorOptions,
} from '../simulators/senseaudio/server.ts';
import { runCli, type CliResult } from './run-cli.ts';
import { deletePrefix, uniquePrefix } from './test-config.ts';
import { spawnWorker, type WorkerProcess } from './worker-process.ts';

/**
 * What the schedule tests share: the SenseAudio simulator, a private Redis prefix, a library
 * folder and an output folder, the real CLI, and `tts-batch worker` processes.
 */
export interface ScheduleEnv {
  prefix: string;
  simulator: SenseAudioSimulator;
  /** The library folder (the schedules' --source). */
  library: string;
  out: string;
  /** A scratch folder for anything else (a secret file). */
  scratch: string;
  env: Record<string, string>;
  cli(args: readonly string[]): Promise<CliResult>;
  /** Starts `tts-batch worker --providers senseaudio` processes and waits until each has started. */
  workers(count: number): Promise<WorkerProcess[]>;
  /** `schedule run NAME --wait --json`: the run's report as printed, and the simulator requests made meanwhile. */
  run(name: string): Promise<{ report: ScheduleRunReport; requests: RecordedRequest[]; result: CliResult }>;
  writeBook(name: string, text: string): Promise<void>;
  readReport(location: string): Promise<ScheduleRunReport>;
  close(): Promise<void>;
}

export const SCHEDULE_API_KEY = 'sim-key-schedules-7e21';

export async function startScheduleEnv(
  label: string,
  options: { simulator?: SenseAudioSimulatorOptions; env?: Record<string, string> } = {},
): Promise<ScheduleEnv> {
  const redisUrl = inject('redisUrl');
  const prefix = uniquePrefix(label);
  const simulator = await startSenseAudioSimulator({ apiKey: SCHEDULE_API_KEY, msPerChar: 1, ...options.simulator });
  const root = await mkdtemp(join(tmpdir(), `ttsb-${label}-`));
  const library = join(root, 'library');
  const out = join(root, 'out');
  const scratch = join(root, 'scratch');
  await Promise.all([library, out, scratch].map((folder) => mkdir(folder, { recursive: true })));
  const env = {
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: prefix,
    SENSEAUDIO_API_KEY: SCHEDULE_API_KEY,
    SENSEAUDIO_BASE_URL: simulator.url,
    LOG_LEVEL: 'silent',
    ...options.env,
  };
  const started: WorkerProcess[] = [];
  const cli = (args: readonly string[]): Promise<CliResult> => runCli(args, env);
  return {
    prefix,
    simulator,
    library,
    out,
    scratch,
    env,
    cli,
    async workers(count) {
      const spawned = Array.from({ length: count }, () => spawnWorker({ ...env, LOG_LEVEL: 'info' }, ['--providers', 'senseaudio']));
      started.push(...spawned);
      await Promise.all(spawned.map((worker) => worker.ready));
      return spawned;
    },
    async run(name) {
      const before = simulator.requests.length;
      const result = await cli(['schedule', 'run', name, '--wait', '--json']);
      const json = result.stdout.slice(result.stdout.indexOf('\n') + 1);
      if (result.code !== 0 || json.trim() === '')
        throw new Error(`schedule run ${name} exited ${result.code}: ${result.stderr}${result.stdout}`);
      return { report: JSON.parse(json) as ScheduleRunReport, requests: simulator.requests.slice(before), result };
    },
    writeBook: (name, text) => writeFile(join(library, name), text),
    async readReport(location) {
      return JSON.parse(await readFile(new URL(location), 'utf8')) as ScheduleRunReport;
    },
    async close() {
      await Promise.all(
        started.map(async (worker) => {
          if (worker.child.exitCode === null && worker.child.signalCode === null) worker.child.kill('SIGKILL');
          await worker.exited;
        }),
      );
      await simulator.close();
      await deletePrefix(redisUrl, prefix);
      await rm(root, { recursive: true, force: true });
    },
  };
}

/**
 * A plain-text book of `paragraphs` paragraphs of about 520 characters (each one segment: a
 * segment ends at a paragraph's end), each sentence naming its book and paragraph, so a
 * request's text tells whose it is.
 */
export function libraryBook(book: string, paragraphs = 12): string {
  const things = ['harbour', 'lantern', 'orchard', 'bridge', 'ledger', 'compass', 'meadow', 'quarry'];
  return Array.from({ length: paragraphs }, (_, p) =>
    Array.from({ length: 7 }, (_, s) => {
      const thing = things[(p * 7 + s + book.length) % things.length] ?? 'river';
      return `In book ${book}, paragraph ${p + 1} tells of the ${thing} and sentence ${s + 1} moves on.`;
    }).join(' '),
  ).join('\n\n');
}
