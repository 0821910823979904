import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { countCodePoints } from '../../../src/text/count-units.ts';
import { planRender } from '../../../src/producer/plan.ts';
import { resolveRenderOptions } from '../../../src/producer/render-options.ts';
import { toSpeechText } from '../../../src/text/speech-text.ts';
import type { TextLimits } from '../../../src/providers/provider.ts';
import { senseAudioDefinition } from '../../../src/providers/senseaudio/definition.ts';
import { describeLocation } from '../../../src/storage/open-storage.ts';
import { startSenseAudioSimulator, type RecordedRequest } from '../../simulators/senseaudio/server.ts';
import { mp3FrameDigest } from '../../support/frame-digest.ts';
import { makeSampleBook } from '../../support/sample-book.ts';
import { deletePrefix, testConfig } from '../../support/test-config.ts';
import { spawnWorker, type WorkerProcess } from '../../support/worker-process.ts';
import { billedCharacters, duplicateCharacters, neededCharacters, overhead } from '../support/billing.ts';
import { reportFigure } from '../support/figures.ts';
import { renderUndisturbed } from '../support/reference-render.ts';
import { openRenderDriver } from '../support/render-driver.ts';
import { killAll } from '../support/kill-all.ts';

export interface OutageSettings {
  /** The whole outage: 503 to everything for the first half, 429 (Retry-After: 1) for the second. */
  windowMs: number;
  /** RETRY_ATTEMPTS and RETRY_BACKOFF_MS of the render: their budget must outlast the window. */
  retryAttempts: number;
  retryBackoffMs: number;
  /** Label in the printed figure. */
  label: string;
}

const LIMITS: TextLimits = { targetUnits: 200, maxUnits: 400, count: countCodePoints };
const MS_PER_CHAR = 1;
const PROCESSES = 2;
const CONCURRENCY = 4;
const RETRY_AFTER_S = 1;
/** BullMQ's exponential backoff with jitter 0.5 waits between half and all of backoff × 2^(n-1). */
const JITTER = 0.5;
/** The outage starts when this request arrives: the render is under way by then. */
const OUTAGE_FROM_REQUEST = 10;

/**
 * The least time a segment can take to use up every attempt: the sum of its shortest backoffs.
 * A segment fails for good only if all its attempts fall inside the 503 part of an outage, so an
 * outage shorter than this never fails one (429s spend no attempt at all).
 */
export function minimumRetryBudgetMs(attempts: number, backoffMs: number): number {
  return backoffMs * (2 ** (attempts - 1) - 1) * (1 - JITTER);
}

/** At most this many attempts of one segment fit in `ms` of errors, given the shortest backoffs. */
function attemptsWithin(ms: number, backoffMs: number): number {
  return 1 + Math.floor(Math.log2(ms / (backoffMs * (1 - JITTER)) + 1));
}

/**
 * A provider outage: every request answered 503, then 429, for `windowMs`, in the middle of a
 * render worked by two worker processes. The render must complete identical to an undisturbed
 * one, no segment may fail for good, and the request rate during the outage must stay within
 * what backoff (503) and the queue's rate-limit pause (429) allow: no tight loop.
 */
export async function runProviderOutage(settings: OutageSettings, cleanup: (() => Promise<unknown>)[]): Promise<void> {
  const { windowMs, retryAttempts, retryBackoffMs } = settings;
  expect(minimumRetryBudgetMs(retryAttempts, retryBackoffMs), 'the retry budget must outlast the outage').toBeGreaterThan(windowMs);
  const plan = planRender(makeSampleBook(12_000, 3), LIMITS);
  const options = resolveRenderOptions(senseAudioDefinition, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
  const texts = plan.segments.map((segment) => toSpeechText(segment.text));
  const reference = await renderUndisturbed(plan, options, { msPerChar: MS_PER_CHAR });

  const apiKey = `sk-chaos-${randomBytes(12).toString('hex')}`;
  const simulator = await startSenseAudioSimulator({ apiKey, msPerChar: MS_PER_CHAR });
  cleanup.push(() => simulator.close());
  let outageStart: number | undefined;
  simulator.setFaults((requestNumber) => {
    const now = Date.now();
    if (outageStart === undefined && requestNumber >= OUTAGE_FROM_REQUEST) outageStart = now;
    if (outageStart === undefined || now - outageStart >= windowMs) return null;
    return now - outageStart < windowMs / 2 ? { kind: 'http5xx', status: 503 } : { kind: 'http429', retryAfter: RETRY_AFTER_S };
  });

  const config = testConfig();
  cleanup.push(() => deletePrefix(config.REDIS_URL, config.QUEUE_PREFIX));
  const out = await mkdtemp(join(tmpdir(), 'ttsb-chaos-outage-'));
  cleanup.push(() => rm(out, { recursive: true, force: true }));
  const env = {
    REDIS_URL: config.REDIS_URL,
    QUEUE_PREFIX: config.QUEUE_PREFIX,
    SENSEAUDIO_API_KEY: apiKey,
    SENSEAUDIO_BASE_URL: simulator.url,
    WORKER_CONCURRENCY: String(CONCURRENCY),
    RATE_LIMIT_WAIT_MS: '1000',
  };
  const workers: WorkerProcess[] = Array.from({ length: PROCESSES }, () => spawnWorker(env, ['--providers', 'senseaudio']));
  cleanup.push(() => killAll(workers));
  await Promise.all(workers.map((worker) => worker.ready));

  const driver = await openRenderDriver(config.REDIS_URL, config.QUEUE_PREFIX, { attempts: retryAttempts, backoffMs: retryBackoffMs });
  cleanup.push(() => driver.close());
  await driver.enqueue({ id: 'outage', plan, options, output: describeLocation(out) });
  const state = await driver.ended('outage', windowMs + 240_000);
  const endedAt = Date.now();
  expect(state.status, `render ended ${state.status}: ${state.error ?? ''}`).toBe('completed');
  if (outageStart === undefined) throw new Error(`the outage never started: only ${simulator.requests.length} requests`);
  const start = outageStart;
  const windowEnd = start + windowMs;

  const digest = await mp3FrameDigest([join(out, 'outage', 'audio.mp3')]);
  expect(digest, 'stitched frames must equal the undisturbed render').toEqual(reference.digest);

  const during = (from: number, to: number): RecordedRequest[] => simulator.requests.filter((r) => r.at >= from && r.at < to);
  const in503 = during(start, start + windowMs / 2);
  const in429 = during(start + windowMs / 2, windowEnd);
  const half = windowMs / 2;
  // 503: each segment retries on its own backoff; 429: each process pauses its whole queue for
  // Retry-After, so at most one round of CONCURRENCY requests per process per pause.
  const bound503 = plan.segments.length * attemptsWithin(half, retryBackoffMs);
  const bound429 = PROCESSES * CONCURRENCY * (Math.ceil(half / (RETRY_AFTER_S * 1000)) + 1);
  expect(in503.length, `503 half: ${in503.length} requests in ${half} ms, over the backoff bound ${bound503}`).toBeLessThanOrEqual(
    bound503,
  );
  expect(in429.length, `429 half: ${in429.length} requests in ${half} ms, over the rate-limit bound ${bound429}`).toBeLessThanOrEqual(
    bound429,
  );
  const ratePerS = ((in503.length + in429.length) / windowMs) * 1000;
  const boundPerS = ((bound503 + bound429) / windowMs) * 1000;

  const failuresPerText = new Map<string, number>();
  for (const request of simulator.requests) {
    if (request.httpStatus === 503 && request.text !== undefined)
      failuresPerText.set(request.text, (failuresPerText.get(request.text) ?? 0) + 1);
  }
  // The simulator sees texts, not segments: a text the book has twice (a repeated paragraph, cut
  // on its own since segments end at paragraphs) shares its 503s between its segments.
  const segmentsPerText = new Map<string, number>();
  for (const text of texts) segmentsPerText.set(text, (segmentsPerText.get(text) ?? 0) + 1);
  const worst = Math.max(0, ...[...failuresPerText].map(([text, failures]) => Math.ceil(failures / (segmentsPerText.get(text) ?? 1))));
  expect(worst, 'a segment used up its attempts').toBeLessThan(retryAttempts);
  const afterWindow = simulator.requests.filter((r) => r.at >= windowEnd);
  expect(afterWindow.length, 'segments must be spoken after the outage').toBeGreaterThan(0);
  expect(
    afterWindow.every((r) => r.outcome === 'completed'),
    'after the outage every request succeeds',
  ).toBe(true);

  const billed = billedCharacters(simulator.requests);
  const needed = neededCharacters(texts);
  expect(billed, 'refused requests are not billed, so nothing may be paid twice').toBeLessThanOrEqual(needed + duplicateCharacters(texts));
  reportFigure(
    settings.label,
    `${plan.segments.length} segments, ${windowMs / 1000} s outage (503 then 429) from request ${OUTAGE_FROM_REQUEST}, retry budget ≥ ${(minimumRetryBudgetMs(retryAttempts, retryBackoffMs) / 1000).toFixed(1)} s ` +
      `(RETRY_ATTEMPTS ${retryAttempts}, RETRY_BACKOFF_MS ${retryBackoffMs}); requests during the outage ${in503.length} (503 half) + ${in429.length} (429 half) = ` +
      `${ratePerS.toFixed(1)}/s (bound ${boundPerS.toFixed(1)}/s); most 503s for one segment ${worst}; completed ${((endedAt - windowEnd) / 1000).toFixed(1)} s after the outage; ` +
      `frames identical (${digest.frames}); billed ${billed} vs ${needed} needed (${overhead(billed, needed)})`,
  );
}
