import { afterEach, describe, expect, it } from 'vitest';
import { CosyVoiceClient } from '../../src/providers/cosyvoice/client.ts';
import type { SynthesisMeta, SynthesisRequest } from '../../src/providers/provider.ts';
import { startCosyVoiceSimulator, type CosyVoiceSimulator, type CosyVoiceSimulatorOptions } from '../simulators/cosyvoice/server.ts';
import type { WordTimestampPlacement } from '../simulators/cosyvoice/word-timestamps.ts';

const KEY = 'sk-cosy-words-1a2b';
const TEXT = '今天天气怎么样？The weather is fine today. 我们出去走走吧！';
const opened: { simulator: CosyVoiceSimulator; client: CosyVoiceClient }[] = [];

afterEach(async () => {
  for (const { simulator, client } of opened.splice(0)) {
    await client.close();
    await simulator.close();
  }
});

async function synthesize(options: CosyVoiceSimulatorOptions, voiceSettings: SynthesisRequest['voiceSettings']) {
  const simulator = await startCosyVoiceSimulator({ apiKey: KEY, msPerChar: 4, rtf: 0.01, firstFrameDelayMs: 2, ...options });
  const client = new CosyVoiceClient({ apiKey: KEY, url: simulator.url });
  opened.push({ simulator, client });
  const stream = client.synthesize({
    text: TEXT,
    voice: 'longxiaochun_v2',
    model: 'cosyvoice-v2',
    audio: { format: 'pcm', sampleRate: 16000, channels: 1 },
    voiceSettings,
  });
  let meta: SynthesisMeta | undefined;
  for (;;) {
    const step = await stream.next();
    if (step.done) {
      meta = step.value;
      break;
    }
  }
  return { meta, task: await simulator.whenFinished(1) };
}

describe('CosyVoice word timestamps (word_timestamp_enabled)', () => {
  it('asks for them only when wordTimestamps is set, and returns every word once, in order, within the audio', async () => {
    const { meta, task } = await synthesize({}, { wordTimestamps: true });
    expect(task.parameters?.word_timestamp_enabled).toBe(true);
    const words = meta?.words ?? [];
    expect(words.map((word) => word.text).join('')).toBe(TEXT.replace(/\s+/gu, ''));
    expect(words.map((word) => word.text).slice(0, 9)).toEqual(['今', '天', '天', '气', '怎', '么', '样', '？', 'The']);
    for (const [i, word] of words.entries()) {
      expect(word.endMs).toBeGreaterThanOrEqual(word.startMs);
      if (i > 0) expect(word.startMs).toBeGreaterThanOrEqual(words[i - 1]?.endMs ?? 0);
    }
    // The last word ends where the simulator's speech ends (its audio is 4 ms per spoken character).
    expect(words.at(-1)?.endMs).toBe(task.durationMs);
  });

  it.each<[WordTimestampPlacement, number]>([
    ['sentence-end', 1],
    ['every-event', 3],
    ['task-finished', 2],
  ])('gives the same words whether the service puts them in %s events (%i frames per sentence)', async (placement, frames) => {
    const reference = await synthesize({}, { wordTimestamps: true });
    const { meta } = await synthesize({ wordTimestamps: placement, framesPerSentence: frames }, { wordTimestamps: true });
    expect(meta?.words).toEqual(reference.meta?.words);
  });

  it('is off by default: not asked for, and no words in the meta', async () => {
    const { meta, task } = await synthesize({}, {});
    expect(task.parameters).not.toHaveProperty('word_timestamp_enabled');
    expect(meta).not.toHaveProperty('words');
  });
});
