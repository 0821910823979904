import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors/input-error.ts';
import { resolveRenderOptions, type RawRenderOptions } from '../../../../src/producer/render-options.ts';
import { ai302Definition } from '../../../../src/providers/ai302/definition.ts';

const CLIP_A = 'https://file.302ai.cn/gpt/imgs/20250813/a.wav';
const CLIP_B = 'https://file.302ai.cn/gpt/imgs/20250813/b.wav';

function refusal(raw: RawRenderOptions): InputError {
  try {
    resolveRenderOptions(ai302Definition, raw);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

describe('ai302 voice settings', () => {
  it('takes reference clips paired with their transcripts, in order', () => {
    const options = resolveRenderOptions(ai302Definition, {
      voiceSettings: { refAudio: [CLIP_A, CLIP_B], refText: ['first clip', 'second clip'] },
    });
    expect(options.voiceSettings).toEqual({ refAudio: [CLIP_A, CLIP_B], refText: ['first clip', 'second clip'] });
  });

  it('refuses clips and transcripts that do not pair up, naming refText', () => {
    const error = refusal({ voiceSettings: { refAudio: [CLIP_A, CLIP_B], refText: ['only one'] } });
    expect(error.field).toBe('refText');
    expect(error.message).toContain('2 refAudio but 1 refText');
    expect(refusal({ voiceSettings: { refAudio: [CLIP_A] } }).message).toContain('1 refAudio but 0 refText');
    expect(refusal({ voiceSettings: { refText: ['a transcript'] } }).message).toContain('give the clips with refAudio');
  });

  it('refuses a reference that is not an http(s) URL, naming the entry', () => {
    for (const bad of ['file:///etc/passwd', 'ftp://host/a.wav', 'not a url', 'https://']) {
      const error = refusal({ voiceSettings: { refAudio: [CLIP_A, bad], refText: ['a', 'b'] } });
      expect(error.field, bad).toBe('refAudio.1');
      expect(error.message).toContain('http(s) URL');
    }
  });

  it('refuses a system prompt with voice cloning (the clone endpoint has none)', () => {
    const error = refusal({ voiceSettings: { refAudio: [CLIP_A], refText: ['a'], systemPrompt: 'A quiet room.' } });
    expect(error.field).toBe('systemPrompt');
  });

  it('accepts the documented sampling ranges at their edges and refuses what lies beyond', () => {
    for (const edge of [
      { temperature: 0, topK: -1, topP: 0.1 },
      { temperature: 1.5, topK: 100, topP: 1 },
    ]) {
      expect(resolveRenderOptions(ai302Definition, { voiceSettings: edge }).voiceSettings).toEqual(edge);
    }
    const cases: [Record<string, number>, string][] = [
      [{ temperature: 1.51 }, 'temperature'],
      [{ temperature: -0.1 }, 'temperature'],
      [{ topK: 101 }, 'topK'],
      [{ topK: -2 }, 'topK'],
      [{ topK: 12.5 }, 'topK'],
      [{ topP: 0.05 }, 'topP'],
      [{ topP: 1.01 }, 'topP'],
    ];
    for (const [settings, field] of cases) expect(refusal({ voiceSettings: settings }).field, JSON.stringify(settings)).toBe(field);
  });

  it('refuses settings this provider does not have, by name', () => {
    const error = refusal({ voiceSettings: { speed: 1.2 } });
    expect(error.field).toBe('speed');
    expect(error.message).toContain('ai302 has no such setting');
  });

  it('takes multiSpeaker and a system prompt for voice generation', () => {
    const options = resolveRenderOptions(ai302Definition, {
      voiceSettings: { multiSpeaker: true, systemPrompt: 'Two friends in a café.' },
    });
    expect(options.voiceSettings).toEqual({ multiSpeaker: true, systemPrompt: 'Two friends in a café.' });
  });
});

describe('ai302 audio options', () => {
  it("defaults to mp3 at the model's own 24 kHz, mono, 64 kbps", () => {
    expect(resolveRenderOptions(ai302Definition, {}).audio).toEqual({ format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 });
  });

  it('refuses rates and bitrates the converter would not honour', () => {
    expect(refusal({ sampleRate: 8000 }).field).toBe('sampleRate');
    expect(refusal({ bitrate: 256000 }).field).toBe('bitrate');
    expect(resolveRenderOptions(ai302Definition, { format: 'wav', sampleRate: 48000, channels: 2 }).audio).toEqual({
      format: 'wav',
      sampleRate: 48000,
      channels: 2,
    });
  });
});
