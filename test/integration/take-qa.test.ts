import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flaggedSegments, segmentTexts } from '../../src/cli/format-qa-report.ts';
import { ai302Definition } from '../../src/providers/ai302/definition.ts';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { startAi302Simulator, type Ai302Simulator } from '../simulators/ai302/server.ts';
import { startSenseAudioSimulator, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { randomBadTakes, type BadTake, type BadTakeVariant } from '../simulators/shared/take-faults.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { pollUntil } from '../support/poll-until.ts';
import { qaBook } from '../support/qa-book.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';

const AUDIO = { format: 'mp3', sampleRate: 16000, channels: 1, bitrate: 32000 } as const;
const QA_ON = { qa: { mode: 'on', maxTakes: 2 } } as const;
/** What the signal checks can hear (otherText needs the recognizer). */
const SIGNAL_FAULTS: readonly BadTake[] = [
  { variant: 'truncated' },
  { variant: 'silent' },
  { variant: 'padded', where: 'trailing' },
  { variant: 'padded', where: 'leading' },
  { variant: 'padded', where: 'inner' },
  { variant: 'doubled' },
  { variant: 'clipped' },
];

const sum = (values: readonly (number | undefined)[]): number => values.reduce<number>((total, value) => total + (value ?? 0), 0);

/**
 * Issue 15: every new take is checked on its decoded samples before it is stored under its key;
 * a bad take is bought again (billed, counted) up to the takes allowed; the best is kept and
 * flagged when none passes, or the render fails under strict. The simulator spoils takes the
 * way providers do (valid audio, a normal success), and keeps its own count of what it spoiled
 * and billed.
 */
describe('verify and retake (SenseAudio simulator, sentence tones)', () => {
  const API_KEY = 'sim-key-take-qa-31d9';
  let simulator: SenseAudioSimulator;
  let env: RenderEnv;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startSenseAudioSimulator({ apiKey: API_KEY, msPerChar: 6, tone: 'sentences' });
    env = await startRenderEnv(senseAudioDefinition, {
      SENSEAUDIO_API_KEY: API_KEY,
      SENSEAUDIO_BASE_URL: simulator.url,
      WORKER_CONCURRENCY: '4',
      RETRY_BACKOFF_MS: '20',
    });
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  it('a clean render: every segment checked once, none retaken or flagged, and the voice rate learned', async () => {
    const { plan, options } = env.plan(qaBook(24, 'clean'), AUDIO);
    expect(plan.segments).toHaveLength(24);
    const before = simulator.requests.length;
    await env.enqueue('qa-clean', plan, options, QA_ON);
    const manifest = await env.finish('qa-clean', 120_000);
    const sent = simulator.requests.slice(before);
    expect(sent).toHaveLength(24);
    expect(manifest.qa).toEqual({ mode: 'on', checked: 24, retaken: 0, flagged: 0, retakes: 0, retakeBilledCharacters: 0 });
    for (const segment of manifest.segments) {
      expect(segment.qa?.checked).toBe(true);
      expect(segment.qa?.takes).toBe(1);
      expect(segment.qa?.checks?.every((check) => check.passed)).toBe(true);
    }
    // Once 10 takes were learned, the later ones were held to the learned rate, not the cold bound.
    const durationChecks = manifest.segments.map((s) => s.qa?.checks?.find((check) => check.check === 'duration'));
    expect(durationChecks.filter((check) => check?.min !== undefined).length).toBeGreaterThan(0);
    expect(manifest.billedCharacters).toBe(sum(sent.map((r) => r.usageCharacters)));
  });

  it('spoiled first takes of every kind are caught and retaken; the book holds the good takes and bills both', async () => {
    const { plan, options } = env.plan(qaBook(30, 'spoiled', 11), AUDIO);
    const texts = plan.segments.map((segment) => toSpeechText(segment.text));
    simulator.setTakeFaults(randomBadTakes({ share: 0.35, seed: 4, variants: SIGNAL_FAULTS, firstTakeOnly: true }));
    const before = simulator.requests.length;
    const spoiledBefore = { ...simulator.badTakes };
    await env.enqueue('qa-spoiled', plan, options, QA_ON);
    const manifest = await env.finish('qa-spoiled', 120_000);
    simulator.setTakeFaults(undefined);
    const sent = simulator.requests.slice(before);
    const spoiledTexts = new Set(sent.filter((r) => r.badTake !== undefined).map((r) => r.text));
    const spoiledKinds = new Set(sent.map((r) => r.badTake).filter((v): v is BadTakeVariant => v !== undefined));
    expect(spoiledTexts.size, 'enough spoiled takes to mean something').toBeGreaterThanOrEqual(6);
    expect(spoiledKinds.size, 'of several kinds').toBeGreaterThanOrEqual(4);
    const spoiledCount =
      Object.values(simulator.badTakes).reduce((a, b) => a + b, 0) - Object.values(spoiledBefore).reduce((a, b) => a + b, 0);
    expect(spoiledCount).toBe(spoiledTexts.size);

    // Every spoiled take was caught: its segment took exactly a second take, and only those did.
    manifest.segments.forEach((segment, position) => {
      const spoiled = spoiledTexts.has(texts[position]);
      expect(segment.qa?.takes, `segment ${position} (${spoiled ? 'spoiled' : 'clean'})`).toBe(spoiled ? 2 : 1);
      expect(segment.qa?.flagged).toBe(false);
      expect(segment.qa?.keptTake).toBe(spoiled ? 2 : 1);
    });
    expect(manifest.qa).toMatchObject({ checked: 30, retaken: spoiledTexts.size, retakes: spoiledTexts.size, flagged: 0 });

    // Billing: first takes plus retakes, as the simulator counted them; retakes reported apart.
    expect(sent).toHaveLength(30 + spoiledTexts.size);
    expect(manifest.billedCharacters).toBe(sum(sent.map((r) => r.usageCharacters)));
    const retakeUsage = sum(sent.filter((r) => spoiledTexts.has(r.text) && r.badTake === undefined).map((r) => r.usageCharacters));
    expect(manifest.qa?.retakeBilledCharacters).toBe(retakeUsage);

    // The book holds each segment's good take in full: its length is the clean take's (within an
    // MP3 frame or two of encoder delay and padding; a spoiled take is ×0.5, ×2 or +4 s).
    const cleanMs = new Map(sent.filter((r) => r.badTake === undefined).map((r) => [r.text, r.durationMs ?? 0]));
    manifest.segments.forEach((segment, position) => {
      const expected = cleanMs.get(texts[position]) ?? 0;
      expect(segment.durationMs / expected, `segment ${position}: ${segment.durationMs} ms, the clean take ${expected} ms`).toBeGreaterThan(
        0.95,
      );
      expect(segment.durationMs / expected, `segment ${position}: ${segment.durationMs} ms, the clean take ${expected} ms`).toBeLessThan(
        1.08,
      );
    });
  });

  it('no take passes: the best is kept and flagged (tts-batch qa lists it with its text), or the render fails under strict', async () => {
    const { plan, options } = env.plan(qaBook(4, 'hopeless', 5), AUDIO);
    const hopeless = toSpeechText(plan.segments[2]?.text ?? '');
    simulator.setTakeFaults(({ text }) => (text === hopeless ? { variant: 'truncated', fraction: 0.4 } : undefined));
    try {
      const before = simulator.requests.length;
      await env.enqueue('qa-hopeless', plan, options, { qa: { mode: 'on', maxTakes: 3 } });
      const manifest = await env.finish('qa-hopeless', 120_000);
      expect(simulator.requests.slice(before).filter((r) => r.text === hopeless)).toHaveLength(3);
      expect(manifest.qa).toMatchObject({ checked: 4, flagged: 1, retaken: 1, retakes: 2 });
      const flagged = flaggedSegments(manifest, segmentTexts(await env.store.outline('qa-hopeless')));
      expect(flagged.map((segment) => segment.index)).toEqual([2]);
      expect(flagged[0]?.text).toBe(plan.segments[2]?.sentences.map((sentence) => sentence.text.trim()).join(' '));
      // A streamed MP3 has no gapless header: its padding rings after the cut, so the length
      // (against the rate learned above) is what tells (docs/verify.md).
      expect(flagged[0]?.failed.map((check) => check.check)).toContain('duration');
      expect(flagged[0]?.takes).toBe(3);

      // Strict: the same text, a new render (new keys: another tag) fails naming the segment.
      const strict = env.plan(qaBook(4, 'hopeless-strict', 5), AUDIO);
      const strictText = toSpeechText(strict.plan.segments[1]?.text ?? '');
      simulator.setTakeFaults(({ text }) => (text === strictText ? { variant: 'silent' } : undefined));
      await env.enqueue('qa-strict', strict.plan, strict.options, { qa: { mode: 'strict', maxTakes: 2 } });
      const failed = await pollUntil(
        'the strict render fails',
        () => env.store.get('qa-strict'),
        (state) => state?.status === 'failed',
        120_000,
      );
      expect(failed?.error).toMatch(/TAKE_REJECTED|segment 1/);
      expect(failed?.error).toMatch(/silent/);
    } finally {
      simulator.setTakeFaults(undefined);
    }
  });
});

describe('verify and retake on a task provider (302.AI simulator)', () => {
  const API_KEY = 'sim-key-take-qa-ai302-77b0';
  let simulator: Ai302Simulator;
  let env: RenderEnv;

  beforeAll(async () => {
    await requireFfmpeg();
    simulator = await startAi302Simulator({ apiKey: API_KEY, msPerChar: 6, stageMs: 20 });
    env = await startRenderEnv(ai302Definition, {
      AI302_API_KEY: API_KEY,
      AI302_BASE_URL: simulator.url,
      AI302_CLONE_PATH: simulator.clonePath,
      AI302_GENERATE_PATH: simulator.generatePath,
      AI302_CLONE_QUERY_PATH: simulator.cloneQueryPath,
      AI302_GENERATE_QUERY_PATH: simulator.generateQueryPath,
      AI302_POLL_FIRST_MS: '20',
      AI302_POLL_MAX_MS: '50',
      WORKER_CONCURRENCY: '3',
      RETRY_BACKOFF_MS: '20',
    });
  });

  afterAll(async () => {
    await env?.close();
    await simulator?.close();
  });

  it('a spoiled take is replaced by a new task, and both tasks are billed', async () => {
    const { plan, options } = env.plan(qaBook(5, 'task', 3), { format: 'wav', sampleRate: 24000, channels: 1 });
    const target = toSpeechText(plan.segments[1]?.text ?? '');
    let spoiled = 0;
    simulator.setTakeFaults(({ text }) => (text === target && spoiled++ === 0 ? { variant: 'padded', seconds: 5 } : undefined));
    await env.enqueue('qa-task', plan, options, QA_ON);
    const manifest = await env.finish('qa-task', 120_000);
    const tasks = simulator.tasks.filter((task) => task.lastReported === 'success');
    expect(tasks.filter((task) => task.text === target)).toHaveLength(2);
    expect(tasks).toHaveLength(6);
    expect(manifest.segments[1]?.qa).toMatchObject({ takes: 2, keptTake: 2, flagged: false });
    expect(manifest.segments[1]?.qa?.failedTakes).toEqual([{ take: 1, failed: ['trailingSilence'] }]);
    expect(manifest.billedCharacters).toBe(sum(tasks.map((task) => task.usageCharacters)));
  });
});
