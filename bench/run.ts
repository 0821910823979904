/**
 * Runs the benchmarks, prints each figure as a ratio against a baseline measured in the same
 * run, and writes bench/results/<date>.json and bench/results/latest.json.
 *
 *   npm run bench                          everything at full size (a quiet machine, some minutes)
 *   npm run bench -- --quick               small sizes, for development or a busy machine
 *   npm run bench -- --only pipeline,cost  some of them (names: see --list)
 *   npm run bench -- --no-save             print only
 *
 * Needs Redis (REDIS_URL, default redis://127.0.0.1:6379) and ffmpeg (installed when missing).
 * Every benchmark uses its own Redis prefix and temp folders and removes them, also on Ctrl-C.
 */
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { alignCost } from './align-cost.ts';
import { asrSeparation } from './asr-separation.ts';
import { billingCost } from './billing-cost.ts';
import { fairness } from './fairness.ts';
import { masterSpeed } from './master-speed.ts';
import { pipelineEfficiency } from './pipeline-efficiency.ts';
import { queueOverhead } from './queue-overhead.ts';
import { qaCost } from './qa-cost.ts';
import { splitterThroughput } from './splitter-throughput.ts';
import { stitchMemory } from './stitch-memory.ts';
import { stitchThroughput } from './stitch-throughput.ts';
import type { BenchFigure, Benchmark, BenchOptions } from './support/bench-figure.ts';
import { runPendingCleanups } from './support/cleanup.ts';
import { markdownTable } from './support/figure-table.ts';
import { currentCommit, machineInfo, writeResults, type BenchRun } from './support/results-file.ts';

const BENCHMARKS: readonly Benchmark[] = [
  splitterThroughput,
  pipelineEfficiency,
  queueOverhead,
  fairness,
  billingCost,
  stitchThroughput,
  stitchMemory,
  masterSpeed,
  alignCost,
  qaCost,
  asrSeparation,
];

const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));
const RESULTS = fileURLToPath(new URL('./results/', import.meta.url));

interface Args {
  quick: boolean;
  save: boolean;
  only: string[] | undefined;
  list: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { quick: false, save: true, only: undefined, list: false };
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--quick') args.quick = true;
    else if (arg === '--no-save') args.save = false;
    else if (arg === '--list') args.list = true;
    else if (arg === '--only') {
      args.only = (argv[i + 1] ?? '').split(',').filter(Boolean);
      i += 1;
    } else throw new Error(`unknown argument ${arg}; use --quick, --only a,b, --no-save or --list`);
  }
  const unknown = args.only?.filter((name) => !BENCHMARKS.some((b) => b.name === name)) ?? [];
  if (unknown.length > 0)
    throw new Error(`no benchmark named ${unknown.join(', ')}; there are ${BENCHMARKS.map((b) => b.name).join(', ')}`);
  return args;
}

function printFigures(figures: readonly BenchFigure[]): void {
  console.log(`\n${markdownTable(figures)}\n`);
  for (const f of figures) {
    const verdict = f.pass === undefined ? '' : f.pass ? ' (target met)' : ' (TARGET MISSED)';
    console.log(`${f.id}: ratio ${f.ratio} = ${f.value} ${f.unit} ÷ ${f.baseline} (${f.baselineLabel})${verdict}`);
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  if (args.list) {
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(14)} ${b.description}`);
    return 0;
  }
  const selected = BENCHMARKS.filter((b) => args.only === undefined || args.only.includes(b.name));
  const options: BenchOptions = {
    quick: args.quick,
    redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    log: (line) => console.error(`[bench] ${line}`),
  };
  const startedAt = new Date().toISOString();
  const machine = machineInfo();
  const figures: BenchFigure[] = [];
  const errors: BenchRun['errors'] = [];
  for (const benchmark of selected) {
    options.log(`${benchmark.name}: ${benchmark.description}${args.quick ? ' (quick)' : ''}`);
    const started = performance.now();
    try {
      figures.push(...(await benchmark.run(options)));
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      options.log(`${benchmark.name} FAILED: ${message}`);
      errors.push({ benchmark: benchmark.name, error: message });
    }
    options.log(`${benchmark.name}: done in ${Math.round((performance.now() - started) / 1000)} s`);
  }
  printFigures(figures);
  const run: BenchRun = {
    startedAt,
    finishedAt: new Date().toISOString(),
    command: `npm run bench --${args.quick ? ' --quick' : ''}${args.only ? ` --only ${args.only.join(',')}` : ''}`,
    quick: args.quick,
    machine: { ...machine, loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100) },
    commit: currentCommit(REPO_ROOT),
    figures,
    errors,
  };
  if (args.save) console.log(`results: ${await writeResults(RESULTS, run)} (and latest.json)`);
  const missed = figures.filter((f) => f.pass === false).map((f) => f.id);
  if (missed.length > 0) console.log(`targets missed: ${missed.join(', ')}`);
  return errors.length > 0 ? 1 : 0;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`[bench] ${signal}: cleaning up`);
    void runPendingCleanups().finally(() => process.exit(130));
  });
}

process.exitCode = await main().catch(async (error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  await runPendingCleanups();
  return 2;
});
