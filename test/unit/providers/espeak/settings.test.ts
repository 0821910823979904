import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors/input-error.ts';
import { resolveRenderOptions, type RawRenderOptions } from '../../../../src/producer/render-options.ts';
import { espeakDefinition } from '../../../../src/providers/espeak/definition.ts';

function refusal(raw: RawRenderOptions): InputError {
  try {
    resolveRenderOptions(espeakDefinition, raw);
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(raw)} to be refused`);
}

describe('espeak render options', () => {
  it("defaults to en-us, mono 22,050 Hz WAV segments (espeak's own output: nothing resampled or encoded twice)", () => {
    expect(resolveRenderOptions(espeakDefinition, {})).toEqual({
      model: 'espeak-ng',
      voice: 'en-us',
      audio: { format: 'wav', sampleRate: 22050, channels: 1 },
      voiceSettings: {},
    });
  });

  it('takes the generic speed, vol and pitch within their documented ranges', () => {
    const options = resolveRenderOptions(espeakDefinition, { voiceSettings: { speed: 0.5, vol: 2, pitch: -12 } });
    expect(options.voiceSettings).toEqual({ speed: 0.5, vol: 2, pitch: -12 });
    expect(resolveRenderOptions(espeakDefinition, { voiceSettings: { speed: 2, vol: 0.01, pitch: 12 } }).voiceSettings).toEqual({
      speed: 2,
      vol: 0.01,
      pitch: 12,
    });
  });

  it('refuses settings out of range, naming the field', () => {
    expect(refusal({ voiceSettings: { speed: 2.5 } }).field).toBe('speed');
    expect(refusal({ voiceSettings: { speed: 0.4 } }).field).toBe('speed');
    expect(refusal({ voiceSettings: { vol: 0 } }).field).toBe('vol');
    expect(refusal({ voiceSettings: { vol: 2.1 } }).field).toBe('vol');
    expect(refusal({ voiceSettings: { pitch: 13 } }).field).toBe('pitch');
  });

  it('refuses settings espeak lacks instead of ignoring them', () => {
    const error = refusal({ voiceSettings: { blend: [{ voice: 'a', weight: 1 }] } });
    expect(error.field).toBe('blend');
    expect(error.message).toMatch(/espeak has no such setting/);
    expect(refusal({ voiceSettings: { temperature: 1 } }).field).toBe('temperature');
  });

  it('offers mp3, wav and pcm at 16–48 kHz, and mp3 bitrates from 32 to 192 kbit/s', () => {
    for (const sampleRate of [16000, 22050, 24000, 32000, 44100, 48000]) {
      expect(resolveRenderOptions(espeakDefinition, { format: 'wav', sampleRate }).audio).toEqual({
        format: 'wav',
        sampleRate,
        channels: 1,
      });
    }
    expect(resolveRenderOptions(espeakDefinition, { format: 'pcm', channels: 2 }).audio).toEqual({
      format: 'pcm',
      sampleRate: 22050,
      channels: 2,
    });
    expect(resolveRenderOptions(espeakDefinition, { format: 'mp3', bitrate: 32000 }).audio.bitrate).toBe(32000);
    expect(resolveRenderOptions(espeakDefinition, { format: 'mp3', bitrate: 192000, sampleRate: 44100 }).audio.bitrate).toBe(192000);
    expect(resolveRenderOptions(espeakDefinition, { format: 'mp3' }).audio.bitrate).toBe(64000);
    expect(refusal({ sampleRate: 8000 }).field).toBe('sampleRate');
    expect(refusal({ format: 'mp3', bitrate: 256000 }).field).toBe('bitrate');
    expect(refusal({ format: 'flac' }).field).toBe('segmentFormat');
  });
});
