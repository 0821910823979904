/**
 * Pipeline efficiency: N one-sentence segments against the SenseAudio simulator with a fixed
 * latency per request and a concurrency limit. The ideal wall time is N × latency ÷ limit; the
 * figure is the real wall time (enqueue to completed render, stitch included) over that ideal.
 * Audio is tiny (8 kHz pcm, 1 ms per character) so audio generation does not dominate.
 */
import { benchCommand, figure, round, type BenchFigure, type Benchmark, type BenchOptions } from './support/bench-figure.ts';
import { numberedBook } from './support/numbered-book.ts';
import { startRenderBenchEnv } from './support/render-bench-env.ts';
import { totalCpuMs } from './support/process-cpu.ts';
import { requestStats, trackRequestEnds } from './support/request-stats.ts';
import { runOk } from './support/run-process.ts';
import { startSenseAudioSimulator } from '../test/simulators/senseaudio/server.ts';

interface Layout {
  workers: number;
  concurrency: number;
}

const LATENCY_MS = 200;
const LIMIT = 16;

async function measure(options: BenchOptions, segments: number, layout: Layout): Promise<BenchFigure> {
  const env = await startRenderBenchEnv({
    redisUrl: options.redisUrl,
    label: 'pipeline',
    simulator: { latencyMs: LATENCY_MS, msPerChar: 1 },
    workers: layout.workers,
    concurrency: layout.concurrency,
  });
  try {
    const { plan, options: renderOptions } = env.plan(numberedBook(segments));
    if (plan.segments.length !== segments) throw new Error(`the book planned to ${plan.segments.length} segments, not ${segments}`);
    const ends = trackRequestEnds(env.simulator, segments);
    const workerCpuBefore = await totalCpuMs(env.workerPids);
    const since = Date.now();
    const timing = await env.render('pipeline', plan, renderOptions);
    const workerCpuMs = (await totalCpuMs(env.workerPids)) - workerCpuBefore;
    const stats = requestStats(env.simulator, ends, since);
    const idealMs = (segments * LATENCY_MS) / LIMIT;
    const name = `${layout.workers}x${layout.concurrency}`;
    options.log(`pipeline ${name}: ${segments} segments in ${Math.round(timing.totalMs)} ms (ideal ${idealMs} ms)`);
    return figure({
      id: `pipeline.efficiency.${name}`,
      title: `Pipeline: ${segments} segments, ${LATENCY_MS} ms per request, limit ${LIMIT} (${layout.workers} worker${layout.workers > 1 ? 's' : ''} × ${layout.concurrency})`,
      value: round(timing.totalMs / 1000, 3),
      unit: 's wall (enqueue → completed)',
      baseline: round(idealMs / 1000, 3),
      baselineLabel: 'ideal N × latency ÷ limit',
      better: 'lower',
      target: { op: '<=', ratio: 1.05 },
      command: benchCommand('pipeline', options.quick),
      details: {
        segments,
        latencyMs: LATENCY_MS,
        limit: LIMIT,
        workers: layout.workers,
        concurrencyPerWorker: layout.concurrency,
        enqueueMs: Math.round(timing.enqueueMs),
        synthesizeMs: Math.round(timing.synthesizeMs),
        synthesizeRatio: round(timing.synthesizeMs / idealMs, 3),
        stitchMs: Math.round(timing.stitchMs),
        requests: env.simulator.requests.length,
        billedCharacters: timing.manifest.billedCharacters,
        meanRequestMs: round(stats.meanRequestMs, 1),
        workerCpuMsPerSegment: round(workerCpuMs / segments, 2),
        maxInFlight: stats.maxInFlight,
        meanInFlight: round(stats.meanInFlight, 2),
        firstRequestAfterMs: stats.firstArrivalMs,
        lastRequestEndMs: stats.lastEndMs,
      },
    });
  } finally {
    await env.close();
  }
}

/**
 * The floor the queue is measured against, in the same run: the provider client alone (another
 * process, as a worker is), the same N calls to the same simulator, LIMIT at a time, nothing
 * else. What HTTP and the simulator cost per call on this machine shows here, not in the queue.
 */
async function bareClientFloor(options: BenchOptions, segments: number): Promise<BenchFigure> {
  const apiKey = 'bench-key';
  const simulator = await startSenseAudioSimulator({ apiKey, latencyMs: LATENCY_MS, msPerChar: 1 });
  try {
    const script = new URL('./support/bare-client.ts', import.meta.url).pathname;
    const ends = trackRequestEnds(simulator, segments);
    const run = await runOk(process.execPath, ['--import', 'tsx', script, simulator.url, apiKey, String(segments), String(LIMIT)]);
    const measured = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '{}') as {
      calls: number;
      wallMs: number;
      meanCallMs: number;
      medianCallMs: number;
    };
    if (measured.calls !== segments || simulator.requests.length !== segments) {
      throw new Error(`the bare client made ${measured.calls} calls (simulator: ${simulator.requests.length}), not ${segments}`);
    }
    const idealMs = (segments * LATENCY_MS) / LIMIT;
    options.log(`pipeline floor: the client alone made ${segments} calls in ${Math.round(measured.wallMs)} ms (ideal ${idealMs} ms)`);
    return figure({
      id: 'pipeline.floor.bare-client',
      title: `Pipeline floor: the provider client alone, ${segments} calls, ${LATENCY_MS} ms per request, ${LIMIT} at a time, no queue`,
      value: round(measured.wallMs / 1000, 3),
      unit: 's wall (first call → last answer read)',
      baseline: round(idealMs / 1000, 3),
      baselineLabel: 'ideal N × latency ÷ limit',
      better: 'lower',
      command: benchCommand('pipeline', options.quick),
      details: {
        segments,
        latencyMs: LATENCY_MS,
        limit: LIMIT,
        meanCallMs: round(measured.meanCallMs, 2),
        medianCallMs: round(measured.medianCallMs, 2),
        meanRequestMsAtSimulator: round(requestStats(simulator, ends, 0).meanRequestMs, 1),
      },
    });
  } finally {
    await simulator.close();
  }
}

export const pipelineEfficiency: Benchmark = {
  name: 'pipeline',
  description: 'wall time of a render vs the ideal N × latency ÷ concurrency limit',
  async run(options) {
    const segments = options.quick ? 200 : 1000;
    // One process with 16 slots is the headline; 4 × 4 shows the same limit spread over processes.
    const layouts: Layout[] = options.quick
      ? [{ workers: 1, concurrency: LIMIT }]
      : [
          { workers: 1, concurrency: LIMIT },
          { workers: 4, concurrency: 4 },
        ];
    const figures: BenchFigure[] = [];
    for (const layout of layouts) figures.push(await measure(options, segments, layout));
    figures.push(await bareClientFloor(options, segments));
    return figures;
  },
};
