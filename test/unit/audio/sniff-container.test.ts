import { describe, expect, it } from 'vitest';
import { readAudioHead } from '../../../src/audio/audio-head.ts';
import { sniffContainer } from '../../../src/audio/sniff-container.ts';
import { synthMp3, synthWav } from '../../support/audio-synth.ts';

const ascii = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('sniffContainer', () => {
  it('names wav, mp3 (tagged or bare) and flac by their magic bytes', () => {
    expect(sniffContainer(synthWav({ durationMs: 50, sampleRate: 24_000, channels: 1 }))).toBe('wav');
    expect(sniffContainer(synthMp3({ durationMs: 100, sampleRate: 24_000, channels: 1, bitrate: 64_000, id3: true }))).toBe('mp3');
    expect(sniffContainer(synthMp3({ durationMs: 100, sampleRate: 24_000, channels: 1, bitrate: 64_000 }))).toBe('mp3');
    expect(sniffContainer(Uint8Array.of(...ascii('fLaC'), 0x80, 0, 0, 34))).toBe('flac');
    expect(sniffContainer(Uint8Array.of(...ascii('RF64'), 0xff, 0xff, 0xff, 0xff, ...ascii('WAVE')))).toBe('wav');
  });

  it('does not trust anything else: JSON, HTML error pages, AAC (ADTS), RIFF that is not WAVE, too few bytes', () => {
    expect(sniffContainer(ascii('{"error":"not found"}'))).toBe('unknown');
    expect(sniffContainer(ascii('<html><body>403</body></html>'))).toBe('unknown');
    expect(sniffContainer(Uint8Array.of(0xff, 0xf1, 0x50, 0x80))).toBe('unknown'); // ADTS: layer bits 00
    expect(sniffContainer(ascii('RIFF\0\0\0\0AVI LIST'))).toBe('unknown');
    expect(sniffContainer(ascii('RIF'))).toBe('unknown');
    expect(sniffContainer(new Uint8Array(0))).toBe('unknown');
  });
});

describe('readAudioHead', () => {
  it('reads rate, channels, bits and the promised length of a wav', () => {
    const wav = synthWav({ durationMs: 100, sampleRate: 24_000, channels: 2 });
    expect(readAudioHead(wav, false)).toEqual({
      container: 'wav',
      formatTag: 1,
      sampleRate: 24_000,
      channels: 2,
      bitsPerSample: 16,
      blockAlign: 4,
      dataOffset: 44,
      declaredBytes: wav.length,
    });
  });

  it('waits for more bytes while a wav header is incomplete, and answers with what it has at the end', () => {
    const wav = synthWav({ durationMs: 100, sampleRate: 24_000, channels: 1 });
    expect(readAudioHead(wav.subarray(0, 30), false)).toBeUndefined();
    expect(readAudioHead(wav.subarray(0, 30), true)).toEqual({ container: 'wav' });
  });

  it('promises no length for streamed wav (placeholder sizes of ffmpeg and espeak-ng) or RF64', () => {
    const wav = synthWav({ durationMs: 100, sampleRate: 24_000, channels: 1 });
    for (const placeholder of [0, 0xffffffff, 0x7ffff000]) {
      const streamed = wav.slice();
      new DataView(streamed.buffer).setUint32(40, placeholder, true);
      expect(readAudioHead(streamed, false)?.declaredBytes, `data size 0x${placeholder.toString(16)}`).toBeUndefined();
    }
    const rf64 = wav.slice();
    rf64.set(ascii('RF64'), 0);
    expect(readAudioHead(rf64, false)?.declaredBytes).toBeUndefined();
  });

  it('reads the first mp3 frame after an ID3 tag', () => {
    const mp3 = synthMp3({ durationMs: 200, sampleRate: 24_000, channels: 1, bitrate: 64_000, id3: true });
    expect(readAudioHead(mp3, false)).toEqual({ container: 'mp3', sampleRate: 24_000, channels: 1, bitrate: 64_000 });
  });
});
