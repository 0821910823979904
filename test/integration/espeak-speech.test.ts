import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { AudioSettings } from '../../src/audio/audio-settings.ts';
import { loadConfig } from '../../src/runtime/app-config.ts';
import { IncompleteStreamError } from '../../src/errors/incomplete-stream-error.ts';
import { InputError } from '../../src/errors/input-error.ts';
import { ProviderError } from '../../src/errors/provider-error.ts';
import { EspeakProvider } from '../../src/providers/espeak/client.ts';
import { espeakDefinition } from '../../src/providers/espeak/definition.ts';
import type { SynthesisRequest } from '../../src/providers/provider.ts';
import { walkMp3Frames } from '../../src/audio/mp3-frame-walker.ts';
import { ffmpegDecode, requireFfmpeg, withTempFile } from '../support/ffmpeg.ts';
import { startEspeakFaultShim, type EspeakFaultShim } from '../support/harnesses/espeak.ts';
import { speak } from '../support/provider-contract.ts';

const ENGLISH = 'The harbour was still wrapped in fog when the first boat came in, and nobody on the quay said a word.';
const ENGLISH_WORDS = ENGLISH.split(/\s+/).length;
const MANDARIN = '清晨的雾还没有散开，码头上已经挤满了等船的人。她把旧地图摊在桌上，用铅笔圈出了三个地方。';
const MANDARIN_CHARS = [...MANDARIN.replace(/[，。]/g, '')].length;

function request(text: string, audio: AudioSettings, overrides: Partial<SynthesisRequest> = {}): SynthesisRequest {
  return { text, voice: 'en-us', model: 'espeak-ng', audio, voiceSettings: {}, ...overrides };
}

/** Seconds of audio, from a full decode (wav from a pipe claims no real size; raw pcm has none). */
async function decodedSeconds(audio: Uint8Array, settings: AudioSettings): Promise<number> {
  const extension = settings.format === 'pcm' ? 'raw' : settings.format;
  const inputArgs = settings.format === 'pcm' ? ['-f', 's16le', '-ar', String(settings.sampleRate), '-ac', String(settings.channels)] : [];
  return withTempFile(audio, extension, async (path) => {
    const decoded = await ffmpegDecode(path, inputArgs);
    expect(decoded.errors, `ffmpeg decoding ${settings.format} must print nothing`).toBe('');
    return decoded.pcmBytes / (2 * settings.channels * settings.sampleRate);
  });
}

async function* once(bytes: Uint8Array): AsyncGenerator<Uint8Array> {
  yield await Promise.resolve(bytes);
}

async function failureOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the request to fail, but it succeeded');
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('espeak provider with the real espeak-ng', () => {
  let shim: EspeakFaultShim;
  let provider: EspeakProvider;

  beforeAll(async () => {
    await requireFfmpeg();
    shim = await startEspeakFaultShim();
    provider = new EspeakProvider({ binary: shim.path, idleTimeoutMs: 2_000 });
  });

  afterAll(async () => {
    await provider?.close();
    await shim?.close();
  });

  it.each<AudioSettings>([
    { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 },
    { format: 'mp3', sampleRate: 44100, channels: 2, bitrate: 128000 },
    { format: 'wav', sampleRate: 48000, channels: 1 },
    { format: 'pcm', sampleRate: 22050, channels: 1 },
    { format: 'pcm', sampleRate: 16000, channels: 2 },
  ])('speaks English into decodable $format at $sampleRate Hz, $channels channel(s), at a speaking pace', async (settings) => {
    const { audio, meta } = await speak(provider, request(ENGLISH, settings));
    expect(meta, 'nothing is billed and there is no trace id').toEqual({});
    const seconds = await decodedSeconds(audio, settings);
    // espeak's nominal 175 words a minute measures about 230 on this prose of short words;
    // 120–320 brackets it with room, and fails for silence, a stutter or the text read twice.
    expect(seconds).toBeGreaterThan((ENGLISH_WORDS / 320) * 60);
    expect(seconds).toBeLessThan((ENGLISH_WORDS / 120) * 60);
    if (settings.format === 'mp3') {
      const rates = new Set<number>();
      for await (const frame of walkMp3Frames(once(audio))) rates.add(frame.header.sampleRate);
      expect(rates).toEqual(new Set([settings.sampleRate]));
    }
  });

  it('speaks Mandarin with the cmn voice at a speaking pace', async () => {
    const settings: AudioSettings = { format: 'mp3', sampleRate: 22050, channels: 1, bitrate: 64000 };
    const { audio } = await speak(provider, request(MANDARIN, settings, { voice: 'cmn' }));
    const seconds = await decodedSeconds(audio, settings);
    // espeak reads Mandarin at about 3 characters (syllables) a second here; 1.5–8 brackets it.
    expect(seconds).toBeGreaterThan(MANDARIN_CHARS / 8);
    expect(seconds).toBeLessThan(MANDARIN_CHARS / 1.5);
  });

  it('turns <break time=800> into about 0.8 s of silence, never into words', async () => {
    const settings: AudioSettings = { format: 'pcm', sampleRate: 22050, channels: 1 };
    const plain = await decodedSeconds((await speak(provider, request('Hello there good day', settings))).audio, settings);
    const paused = await decodedSeconds(
      (await speak(provider, request('Hello there <break time=800> good day', settings))).audio,
      settings,
    );
    // Read aloud, "break time eight hundred" would add about 1.5 s.
    expect(paused - plain).toBeGreaterThan(0.65);
    expect(paused - plain).toBeLessThan(1.05);
  });

  it('applies speed: twice as fast is much shorter than half as fast', async () => {
    const settings: AudioSettings = { format: 'pcm', sampleRate: 22050, channels: 1 };
    const slow = await decodedSeconds(
      (await speak(provider, request(ENGLISH, settings, { voiceSettings: { speed: 0.5 } }))).audio,
      settings,
    );
    const fast = await decodedSeconds((await speak(provider, request(ENGLISH, settings, { voiceSettings: { speed: 2 } }))).audio, settings);
    expect(slow / fast).toBeGreaterThan(2.5);
  });

  it('gives espeak the text on stdin only: the command line holds options, never the text', async () => {
    const text = 'Injected --path=/tmp words; rm -rf nothing';
    await speak(provider, request(text, { format: 'pcm', sampleRate: 22050, channels: 1 }, { voiceSettings: { pitch: 3 } }));
    const last = shim.calls().at(-1);
    expect(last?.args).toBe('--stdin --stdout -v en-us -p 62');
  });

  it('refuses an unknown voice before starting espeak, naming voices it has', async () => {
    const before = shim.calls().length;
    const error = await failureOf(speak(provider, request(ENGLISH, { format: 'pcm', sampleRate: 22050, channels: 1 }, { voice: 'en-xx' })));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('fatal');
    expect((error as ProviderError).message).toMatch(/no voice "en-xx"; try en-us, en-gb, en-029, /);
    expect(shim.calls().length, 'espeak must not have been started').toBe(before);
  });

  it('validates --voice in the definition against the installed voices, as an InputError', () => {
    const config = loadConfig({});
    if (!espeakDefinition.validateVoice) throw new Error('espeak must declare validateVoice');
    const validateVoice = (voice: string, c: typeof config): void => espeakDefinition.validateVoice?.(voice, c);
    expect(() => validateVoice('cmn', config)).not.toThrow();
    expect(() => validateVoice('en-us+f3', config)).not.toThrow();
    let error: unknown;
    try {
      validateVoice('klingon-ish', config);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/^voice: espeak-ng has no voice "klingon-ish"; try en-us, en-gb, cmn/);
  });

  it('says credentials are set when espeak-ng runs, and missing when it is not there', () => {
    expect(espeakDefinition.credentialsSet(loadConfig({ ESPEAK_NG_PATH: shim.path }))).toBe(true);
    expect(espeakDefinition.credentialsSet(loadConfig({ ESPEAK_NG_PATH: '/nonexistent/espeak-ng' }))).toBe(false);
  });

  it('fails fatally and clearly when espeak-ng is not installed', async () => {
    const missing = new EspeakProvider({ binary: '/nonexistent/espeak-ng' });
    const error = await failureOf(speak(missing, request(ENGLISH, { format: 'mp3', sampleRate: 22050, channels: 1, bitrate: 64000 })));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('fatal');
    expect((error as ProviderError).message).toBe(
      'espeak: espeak-ng is not installed (ESPEAK_NG_PATH is "/nonexistent/espeak-ng") (apt-get install espeak-ng)',
    );
  });

  it('treats an exit 0 without audio as an incomplete stream', async () => {
    shim.injectNext('empty');
    const error = await failureOf(speak(provider, request(ENGLISH, { format: 'mp3', sampleRate: 22050, channels: 1, bitrate: 64000 })));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as ProviderError).message).toContain('exited 0 without audio (0 bytes');
  });

  it('treats a crash before any audio as retryable, quoting the end of stderr', async () => {
    shim.injectNext('crash');
    const error = await failureOf(speak(provider, request(ENGLISH, { format: 'wav', sampleRate: 22050, channels: 1 })));
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).not.toBeInstanceOf(IncompleteStreamError);
    expect((error as ProviderError).kind).toBe('retryable');
    expect((error as ProviderError).message).toBe(
      'espeak: espeak-ng exited with code 139 before any audio: "espeak-ng: simulated crash (Segmentation fault)"',
    );
  });

  it('blames a crash mid-audio on espeak, not on the conversion that choked on the cut samples', async () => {
    shim.injectNext('cut');
    const error = await failureOf(speak(provider, request(ENGLISH, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 })));
    expect(error).toBeInstanceOf(IncompleteStreamError);
    expect((error as ProviderError).message).toContain('espeak-ng exited with code 1 after 6001 bytes of audio');
  });

  it('stops an espeak that goes silent, as retryable', async () => {
    const impatient = new EspeakProvider({ binary: shim.path, idleTimeoutMs: 300 });
    shim.injectNext('hang');
    const error = await failureOf(speak(impatient, request(ENGLISH, { format: 'pcm', sampleRate: 22050, channels: 1 })));
    expect(error).toBeInstanceOf(ProviderError);
    expect((error as ProviderError).kind).toBe('retryable');
    expect((error as ProviderError).providerCode).toBe('IDLE_TIMEOUT');
    const hung = shim.calls().at(-1);
    expect(hung?.fault).toBe('hang');
    await vi.waitFor(() => expect(isAlive(hung?.pid ?? 0), 'the hung process must be killed').toBe(false));
  });

  describe('kills espeak-ng when the caller stops listening', () => {
    // Long enough that espeak is still writing (blocked on a full pipe) when the caller leaves.
    const book = `${ENGLISH} `.repeat(60);
    const pcm: AudioSettings = { format: 'pcm', sampleRate: 22050, channels: 1 };

    it('on an early return', async () => {
      const audio = provider.synthesize(request(book, pcm));
      const first = await audio.next();
      expect(first.done).toBe(false);
      const { pid } = shim.calls().at(-1) ?? { pid: 0 };
      expect(isAlive(pid), 'espeak should still be speaking').toBe(true);
      await audio.return({});
      await vi.waitFor(() => expect(isAlive(pid), 'espeak must be killed').toBe(false));
    });

    it('on abort, rethrowing the abort reason', async () => {
      const controller = new AbortController();
      const before = shim.calls().length;
      const audio = provider.synthesize(
        request(book, { format: 'mp3', sampleRate: 24000, channels: 1, bitrate: 64000 }, { signal: controller.signal }),
      );
      // mp3 comes out only once encoded whole (its Info frame is written last, transcode.ts):
      // the abort comes while espeak is still speaking, before any audio was yielded.
      const drained = (async () => {
        for (let step = await audio.next(); !step.done; step = await audio.next());
      })();
      drained.catch(() => undefined);
      await vi.waitFor(() => expect(shim.calls().length).toBe(before + 1));
      const { pid } = shim.calls().at(-1) ?? { pid: 0 };
      expect(isAlive(pid), 'espeak should still be speaking').toBe(true);
      controller.abort(new Error('render cancelled'));
      await expect(drained).rejects.toThrow('render cancelled');
      await vi.waitFor(() => expect(isAlive(pid), 'espeak must be killed').toBe(false));
    });
  });
});
