/**
 * Queue overhead: N segments through the whole pipeline against a zero-latency simulator,
 * versus a bare BullMQ flow of N no-op children (same Redis, same job options, same
 * concurrency, a worker process each). The figure is our segments/s over bare BullMQ's.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { FlowProducer, Job, Queue, QueueEvents } from 'bullmq';
import { segmentJobOptions, stitchJobOptions } from '../src/queue/job-options.ts';
import { connectProducer, createRedisConnection } from '../src/queue/redis-connection.ts';
import { benchCommand, figure, round, type BenchFigure, type Benchmark, type BenchOptions } from './support/bench-figure.ts';
import { owe } from './support/cleanup.ts';
import { processCpuMs, totalCpuMs } from './support/process-cpu.ts';
import { BARE_CHILD_QUEUE, BARE_PARENT_QUEUE } from './support/noop-worker.ts';
import { numberedBook } from './support/numbered-book.ts';
import { benchPrefix, deletePrefix } from './support/redis-prefix.ts';
import { startRenderBenchEnv, type RenderTiming } from './support/render-bench-env.ts';
import { stopChild } from './support/stop-child.ts';

const CONCURRENCY = 16;
/**
 * The workers' queue-wide limiter, set far above what one process can reach: the default
 * (RATE_LIMIT_MAX 1,000 a second) is a policy for real providers, and at zero latency it alone
 * would cap this figure (bare BullMQ has no limiter). The limiter's code still runs on every fetch.
 */
const RATE_LIMIT_MAX = 1_000_000;
const RETRY = { attempts: 20, backoffMs: 100 };
const NOOP_WORKER = fileURLToPath(new URL('./support/noop-worker.ts', import.meta.url));
/** `--import tsx` resolves from the working directory: the repository's. */
const REPO_ROOT = fileURLToPath(new URL('../', import.meta.url));

interface BareTiming {
  enqueueMs: number;
  totalMs: number;
  workerCpuMs: number;
}

/** A flow of `count` no-op children under one no-op parent, timed from add to the parent's end. */
async function runBare(redisUrl: string, count: number): Promise<BareTiming> {
  const prefix = benchPrefix('bare');
  const child = spawn(process.execPath, ['--import', 'tsx', NOOP_WORKER, redisUrl, prefix, String(CONCURRENCY)], {
    cwd: REPO_ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const connection = createRedisConnection(redisUrl, 'producer');
  const events = new QueueEvents(BARE_PARENT_QUEUE, { connection: { url: redisUrl }, prefix });
  const parents = new Queue(BARE_PARENT_QUEUE, { connection, prefix });
  const flows = new FlowProducer({ connection, prefix });
  const cleanup = async (): Promise<void> => {
    await stopChild(child);
    await flows.close();
    await parents.close();
    await events.close();
    connection.disconnect();
    const left = await deletePrefix(redisUrl, prefix);
    if (left > 0) throw new Error(`${left} Redis keys under ${prefix} survived the cleanup`);
  };
  const paid = owe(cleanup);
  try {
    const [line] = (await Promise.race([once(child.stdout, 'data'), once(child, 'exit').then(() => ['(exited)'])])) as [Buffer | string];
    if (!String(line).includes('ready')) throw new Error(`the no-op worker did not start: ${String(line)}`);
    await connectProducer(connection, redisUrl);
    await events.waitUntilReady();
    const cpuBefore = await processCpuMs(child.pid ?? 0);
    const started = performance.now();
    await flows.add({
      name: 'render',
      queueName: BARE_PARENT_QUEUE,
      data: {},
      opts: stitchJobOptions('bare', RETRY),
      children: Array.from({ length: count }, (_, index) => ({
        name: 'segment',
        queueName: BARE_CHILD_QUEUE,
        data: { index },
        opts: segmentJobOptions(`bare-${index}`, RETRY),
      })),
    });
    const enqueueMs = performance.now() - started;
    const job = await Job.fromId(parents, 'bare');
    if (!job) throw new Error('the bare parent job was not added');
    await job.waitUntilFinished(events, 600_000);
    const totalMs = performance.now() - started;
    return { enqueueMs, totalMs, workerCpuMs: (await processCpuMs(child.pid ?? 0)) - cpuBefore };
  } finally {
    paid();
    await cleanup();
  }
}

async function runOurs(options: BenchOptions, count: number): Promise<RenderTiming & { workerCpuMs: number }> {
  const env = await startRenderBenchEnv({
    redisUrl: options.redisUrl,
    label: 'queue',
    simulator: { msPerChar: 1 },
    workers: 1,
    concurrency: CONCURRENCY,
    retry: RETRY,
    workerEnv: { RATE_LIMIT_MAX: String(RATE_LIMIT_MAX), RATE_LIMIT_DURATION_MS: '1000' },
  });
  try {
    const { plan, options: renderOptions } = env.plan(numberedBook(count));
    if (plan.segments.length !== count) throw new Error(`the book planned to ${plan.segments.length} segments, not ${count}`);
    const cpuBefore = await totalCpuMs(env.workerPids);
    const timing = await env.render('queue', plan, renderOptions);
    const workerCpuMs = (await totalCpuMs(env.workerPids)) - cpuBefore;
    const requests = env.simulator.requests.length;
    if (requests !== count) throw new Error(`the simulator saw ${requests} requests for ${count} segments`);
    return { ...timing, workerCpuMs };
  } finally {
    await env.close();
  }
}

export const queueOverhead: Benchmark = {
  name: 'queue',
  description: 'segments/s through the pipeline at zero provider latency vs bare BullMQ no-op jobs',
  async run(options): Promise<BenchFigure[]> {
    const count = options.quick ? 1000 : 5000;
    const bare = await runBare(options.redisUrl, count);
    options.log(`queue: bare BullMQ ${count} no-op children in ${Math.round(bare.totalMs)} ms`);
    const ours = await runOurs(options, count);
    options.log(`queue: pipeline ${count} segments in ${Math.round(ours.totalMs)} ms`);
    const perSecond = (ms: number): number => round((count * 1000) / ms, 1);
    return [
      figure({
        id: 'queue.throughput',
        title: `Queue overhead: ${count} segments, zero-latency provider, concurrency ${CONCURRENCY} (1 worker)`,
        value: perSecond(ours.totalMs),
        unit: 'segments/s (enqueue → completed)',
        baseline: perSecond(bare.totalMs),
        baselineLabel: 'bare BullMQ flow, no-op jobs',
        better: 'higher',
        // Issue 14 item 6: ours at least a fifth of bare BullMQ's rate, stitch included.
        target: { op: '>=', ratio: 0.2 },
        command: benchCommand('queue', options.quick),
        details: {
          segments: count,
          concurrency: CONCURRENCY,
          rateLimitPerSecond: RATE_LIMIT_MAX,
          ours: {
            enqueueMs: Math.round(ours.enqueueMs),
            synthesizeMs: Math.round(ours.synthesizeMs),
            stitchMs: Math.round(ours.stitchMs),
            totalMs: Math.round(ours.totalMs),
            segmentsPerSecondBeforeStitch: perSecond(ours.synthesizeMs),
            workerCpuMsPerSegment: round(ours.workerCpuMs / count, 3),
          },
          bare: {
            enqueueMs: Math.round(bare.enqueueMs),
            totalMs: Math.round(bare.totalMs),
            workerCpuMsPerSegment: round(bare.workerCpuMs / count, 3),
          },
          synthesizeOnlyRatio: round(bare.totalMs / ours.synthesizeMs, 4),
        },
      }),
    ];
  },
};
