import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { senseAudioDefinition } from '../../src/providers/senseaudio/definition.ts';
import type { Manifest } from '../../src/render/manifest.ts';
import { toSpeechText } from '../../src/text/speech-text.ts';
import { startSenseAudioSimulator, type RecordedRequest, type SenseAudioSimulator } from '../simulators/senseaudio/server.ts';
import { randomBadTakes, type BadTake } from '../simulators/shared/take-faults.ts';
import { requireFfmpeg } from '../support/ffmpeg.ts';
import { qaBook } from '../support/qa-book.ts';
import { startRenderEnv, type RenderEnv } from '../support/render-env.ts';

const AUDIO = { format: 'mp3', sampleRate: 16000, channels: 1, bitrate: 32000 } as const;
/** About 295 paragraphs of ~205 characters: a 60,000-character book. */
const PARAGRAPHS = 295;
const FAULT_SHARE = 0.1;
/** Mixed kinds the signal checks are for (otherText needs the recognizer, off by default). */
const FAULTS: readonly BadTake[] = [
  { variant: 'truncated' },
  { variant: 'truncated', fraction: 0.7 },
  { variant: 'silent' },
  { variant: 'padded', where: 'trailing' },
  { variant: 'padded', where: 'leading' },
  { variant: 'padded', where: 'inner', seconds: 3 },
  { variant: 'doubled' },
  { variant: 'clipped' },
];

const sum = (values: readonly (number | undefined)[]): number => values.reduce<number>((total, value) => total + (value ?? 0), 0);

/** Each segment's takes as the simulator answered them, in order: take n is the n-th completed answer for its text. */
function takesByText(sent: readonly RecordedRequest[]): Map<string, RecordedRequest[]> {
  const takes = new Map<string, RecordedRequest[]>();
  for (const request of sent) {
    if (request.outcome !== 'completed' || request.text === undefined) continue;
    takes.set(request.text, [...(takes.get(request.text) ?? []), request]);
  }
  return takes;
}

/**
 * Issue 15's done-when: a 60,000-character book with 10 % of its takes spoiled (mixed kinds) has
 * ≥ 95 % of them caught and retaken, holds every segment in full, bills first takes plus retakes
 * exactly as the simulator counted; a clean render of a book as long flags ≤ 1 % of segments.
 */
describe('verify and retake over a 60,000-character book (SenseAudio simulator)', () => {
  const API_KEY = 'sim-key-take-qa-book-5b21';
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

  async function render(
    id: string,
    text: string,
    maxTakes: number,
  ): Promise<{ manifest: Manifest; sent: RecordedRequest[]; texts: string[] }> {
    const { plan, options } = env.plan(text, AUDIO);
    const before = simulator.requests.length;
    await env.enqueue(id, plan, options, { qa: { mode: 'on', maxTakes } });
    const manifest = await env.finish(id, 540_000);
    return { manifest, sent: simulator.requests.slice(before), texts: plan.segments.map((segment) => toSpeechText(segment.text)) };
  }

  it('a clean book: at most 1 % of segments flagged (every take the simulator sent was good)', async () => {
    const text = qaBook(PARAGRAPHS, 'clean-book', 17);
    expect(text.length).toBeGreaterThan(55_000);
    const { manifest, sent } = await render('qa-book-clean', text, 2);
    const retaken = manifest.segments.filter((segment) => (segment.qa?.takes ?? 0) > 1).length;
    const flagged = manifest.qa?.flagged ?? 0;
    console.log(
      `[qa] clean book: ${text.length} characters, ${manifest.segments.length} segments, ${retaken} retaken (false rejections), ${flagged} flagged`,
    );
    expect(flagged / manifest.segments.length).toBeLessThanOrEqual(0.01);
    expect(retaken / manifest.segments.length).toBeLessThanOrEqual(0.01);
    expect(manifest.billedCharacters).toBe(sum(sent.map((r) => r.usageCharacters)));
  });

  it('10 % of takes spoiled: ≥ 95 % caught and retaken, every segment whole, billing exact', async () => {
    const text = qaBook(PARAGRAPHS, 'spoiled-book', 29);
    simulator.setTakeFaults(randomBadTakes({ share: FAULT_SHARE, seed: 15, variants: FAULTS }));
    let result;
    try {
      result = await render('qa-book-spoiled', text, 3);
    } finally {
      simulator.setTakeFaults(undefined);
    }
    const { manifest, sent, texts } = result;
    const takes = takesByText(sent);
    let spoiled = 0;
    let caught = 0;
    let falseRejections = 0;
    const byKind: Record<string, { spoiled: number; caught: number }> = {};
    manifest.segments.forEach((segment, position) => {
      const answered = takes.get(texts[position] ?? '') ?? [];
      expect(answered.length, `segment ${position}: takes`).toBe(segment.qa?.takes);
      const failed = new Set((segment.qa?.failedTakes ?? []).map((take) => take.take));
      answered.forEach((request, at) => {
        const rejected = failed.has(at + 1);
        if (request.badTake === undefined) {
          if (rejected) falseRejections += 1;
          return;
        }
        spoiled += 1;
        const kind = (byKind[request.badTake] ??= { spoiled: 0, caught: 0 });
        kind.spoiled += 1;
        if (rejected) {
          caught += 1;
          kind.caught += 1;
        }
      });
      // Unless flagged, the kept take is a good one, whole: the clean take's length.
      if (segment.qa?.flagged !== true) {
        const kept = answered[(segment.qa?.keptTake ?? 1) - 1];
        expect(kept?.badTake, `segment ${position} kept a spoiled take: ${JSON.stringify(segment.qa)}`).toBeUndefined();
        expect(segment.durationMs / (kept?.durationMs ?? 1)).toBeGreaterThan(0.95);
        expect(segment.durationMs / (kept?.durationMs ?? 1)).toBeLessThan(1.08);
      }
    });
    const requests = sent.filter((r) => r.outcome === 'completed').length;
    console.log(
      `[qa] spoiled book: ${manifest.segments.length} segments, ${requests} takes, ${spoiled} spoiled (${((100 * spoiled) / requests).toFixed(1)} %), ` +
        `${caught} caught (${((100 * caught) / Math.max(1, spoiled)).toFixed(1)} %), ${falseRejections} good takes rejected, ` +
        `${manifest.qa?.flagged ?? 0} flagged; by kind ${JSON.stringify(byKind)}`,
    );
    expect(spoiled).toBeGreaterThan(15);
    expect(caught / spoiled).toBeGreaterThanOrEqual(0.95);
    expect(manifest.billedCharacters).toBe(sum(sent.map((r) => r.usageCharacters)));
    const retakeUsage = sum(
      manifest.segments.flatMap((segment, position) => (takes.get(texts[position] ?? '') ?? []).slice(1).map((r) => r.usageCharacters)),
    );
    expect(manifest.qa?.retakeBilledCharacters).toBe(retakeUsage);
  });
});
