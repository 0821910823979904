import { describe, expect, it } from 'vitest';
import { ProviderError } from '../../../../src/errors/provider-error.ts';
import type { SynthesisRequest } from '../../../../src/providers/provider.ts';
import { blendProblem, timbreWeights } from '../../../../src/providers/sensenova/blend.ts';
import { buildRequestBody } from '../../../../src/providers/sensenova/request-body.ts';

function request(overrides: Partial<SynthesisRequest> = {}): SynthesisRequest {
  return {
    text: '明月几时有，把酒问青天。',
    voice: 'female_chunzhen',
    model: 'SenseNova-Audio-Fusion-0603',
    audio: { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
    voiceSettings: {},
    ...overrides,
  };
}

function thrown(run: () => unknown): ProviderError {
  try {
    run();
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe('timbreWeights', () => {
  it('puts the main voice first with 1 − the blended weights, so all sum to 1', () => {
    const weights = timbreWeights('female_chunzhen', [
      { voice: 'female_taimei', weight: 0.1 },
      { voice: 'guy_wenrun', weight: 0.2 },
    ]);
    expect(weights).toEqual([
      { voice: 'female_chunzhen', weight: 0.7 },
      { voice: 'female_taimei', weight: 0.1 },
      { voice: 'guy_wenrun', weight: 0.2 },
    ]);
    const sum = (weights ?? []).reduce((total, entry) => total + entry.weight, 0);
    expect(Math.abs(sum - 1)).toBeLessThan(1e-9);
  });

  it('is undefined without a blend (one voice: no timbre_weights at all)', () => {
    expect(timbreWeights('female_chunzhen', [])).toBeUndefined();
  });

  it('refuses a blend that names the main voice again, once the main voice is known', () => {
    expect(blendProblem([{ voice: 'female_chunzhen', weight: 0.3 }])).toBeUndefined();
    expect(blendProblem([{ voice: 'female_chunzhen', weight: 0.3 }], 'female_chunzhen')).toMatch(/female_chunzhen is the main voice/);
  });

  it('accepts weights whose sum leaves the main voice just over the tolerance', () => {
    expect(blendProblem([{ voice: 'a', weight: 0.999 }])).toBeUndefined();
    expect(blendProblem([{ voice: 'a', weight: 0.9999995 }])).toMatch(/leaving the main voice nothing/);
  });
});

describe('buildRequestBody', () => {
  it('maps generic settings onto voice_setting and asks for SSE with hex', () => {
    expect(buildRequestBody(request({ voiceSettings: { speed: 1.2, vol: 3, pitch: -2 } }), 'stream')).toEqual({
      model: 'SenseNova-Audio-Fusion-0603',
      input: '明月几时有，把酒问青天。',
      stream: true,
      // Sent since issue 10 (defect 4): before, the server's ZH default applied to every text.
      language: 'ZH',
      voice_setting: { voice: 'female_chunzhen', speed: 1.2, volume: 3, pitch: -2 },
      audio_setting: { sample_rate: 24000, channel: 1, response_format: 'mp3', bitrate: 64000 },
      output_format: 'hex',
    });
  });

  it('sends language per segment: EN for an English text, ZH for Chinese, the setting when forced', () => {
    const english = 'The harbour lights were out, and nobody knew why.';
    expect(buildRequestBody(request({ text: english }), 'stream').language).toBe('EN');
    expect(buildRequestBody(request({ text: english, voiceSettings: { language: 'auto' } }), 'url').language).toBe('EN');
    expect(buildRequestBody(request(), 'stream').language).toBe('ZH');
    expect(buildRequestBody(request({ text: english, voiceSettings: { language: 'ZH' } }), 'stream').language).toBe('ZH');
    expect(buildRequestBody(request({ voiceSettings: { language: 'EN' } }), 'stream').language).toBe('EN');
  });

  it('sends a blend as the seed array form with the main voice in it', () => {
    const body = buildRequestBody(request({ voiceSettings: { blend: [{ voice: 'female_taimei', weight: 0.3 }] } }), 'stream');
    expect(body.timbre_weights).toEqual([
      { voice: 'female_chunzhen', weight: 0.7 },
      { voice: 'female_taimei', weight: 0.3 },
    ]);
  });

  it('url mode is a one-shot request (the API allows url only with stream false)', () => {
    const body = buildRequestBody(request(), 'url');
    expect(body).toMatchObject({ stream: false, output_format: 'url' });
  });

  it('sends no bitrate for wav and pcm', () => {
    const body = buildRequestBody(request({ audio: { format: 'wav', sampleRate: 16000, channels: 2, bitrate: 64000 } }), 'stream');
    expect(body.audio_setting).toEqual({ sample_rate: 16000, channel: 2, response_format: 'wav' });
  });

  it('refuses, as fatal and before sending, a blend that names the main voice', () => {
    const error = thrown(() =>
      buildRequestBody(request({ voiceSettings: { blend: [{ voice: 'female_chunzhen', weight: 0.3 }] } }), 'stream'),
    );
    expect(error).toMatchObject({ kind: 'fatal', providerCode: 'INVALID_SETTINGS' });
    expect(error.message).toMatch(/^sensenova: invalid voice settings \(blend: female_chunzhen is the main voice/);
  });

  it('refuses job data whose settings no longer pass the schema (a job older than a deploy)', () => {
    const error = thrown(() => buildRequestBody(request({ voiceSettings: { vol: 0, latex_read: true } }), 'stream'));
    expect(error).toMatchObject({ kind: 'fatal', providerCode: 'INVALID_SETTINGS' });
    expect(error.message).toMatch(/invalid voice settings/);
  });
});
