import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { DEFAULT_RANDOM_FAULTS as AI302_RANDOM } from '../../simulators/ai302/faults.ts';
import { startAi302Simulator } from '../../simulators/ai302/server.ts';
import { DEFAULT_RANDOM_FAULTS as COSYVOICE_RANDOM } from '../../simulators/cosyvoice/faults.ts';
import { startCosyVoiceSimulator, type CosyVoiceSimulatorOptions } from '../../simulators/cosyvoice/server.ts';
import { DEFAULT_RANDOM_FAULTS as SENSEAUDIO_RANDOM } from '../../simulators/senseaudio/faults.ts';
import { startSenseAudioSimulator } from '../../simulators/senseaudio/server.ts';
import { STREAM_RANDOM_FAULTS, URL_RANDOM_FAULTS } from '../../simulators/sensenova/faults.ts';
import { startSenseNovaSimulator } from '../../simulators/sensenova/server.ts';
import { applyBadTake, BAD_TAKE_VARIANTS, otherTextFor, randomBadTakes, type BadTakeCounts } from '../../simulators/shared/take-faults.ts';
import { openRawCosyVoiceSocket } from '../../support/cosyvoice-raw-socket.ts';
import { ffmpegDecodeSamples, ffmpegSilences, requireFfmpeg, withTempFile } from '../../support/ffmpeg.ts';
import { pollUntil } from '../../support/poll-until.ts';
import { fnv1a } from '../../support/seeded-random.ts';

/**
 * Issue 15 item 5: every simulator can send takes that are valid audio of the format asked for,
 * and a normal success on the wire, but a bad reading. Each is decoded by ffmpeg here and shown to
 * be bad as claimed, and each simulator counts what it spoiled.
 */
const KEY = 'sim-key-take-faults-5e1d';
const TEXT = 'The lighthouse keeper climbed the stairs, counting each step aloud.';
const FULL_SCALE = 32767;

const closing: { close(): Promise<void> }[] = [];
afterEach(async () => {
  await Promise.all(closing.splice(0).map((thing) => thing.close()));
});

const run = promisify(execFile);

function counts(partial: Partial<BadTakeCounts>): BadTakeCounts {
  return { truncated: 0, silent: 0, padded: 0, doubled: 0, clipped: 0, otherText: 0, ...partial };
}

/** Every sample of `bytes` decoded (mono at `sampleRate`); fails on any decoder complaint. */
async function decode(bytes: Uint8Array, extension: string, sampleRate: number, inputArgs: readonly string[] = []): Promise<Int16Array> {
  const { errors, samples } = await withTempFile(bytes, extension, (path) =>
    ffmpegDecodeSamples(path, inputArgs, ['-ac', '1', '-ar', String(sampleRate)]),
  );
  expect(errors).toBe('');
  expect(samples.length).toBeGreaterThan(0);
  return samples;
}

/** `max_volume` of ffmpeg's volumedetect, in dB (-Infinity for digital silence). */
async function maxVolumeDb(bytes: Uint8Array, extension: string): Promise<number> {
  await requireFfmpeg();
  const { stderr } = await withTempFile(bytes, extension, (path) =>
    run('ffmpeg', ['-nostdin', '-v', 'info', '-nostats', '-i', path, '-af', 'volumedetect', '-f', 'null', '-']),
  );
  const found = /max_volume: (-?[\d.]+|-inf) dB/.exec(stderr)?.[1];
  if (found === undefined) throw new Error(`no max_volume in ${stderr}`);
  return found === '-inf' ? Number.NEGATIVE_INFINITY : Number(found);
}

/** Share of samples at least `level` of full scale (default: at full scale, give or take one LSB). */
const fullScaleShare = (samples: Int16Array, level = (FULL_SCALE - 1) / FULL_SCALE): number =>
  samples.filter((s) => Math.abs(s) >= level * FULL_SCALE).length / samples.length;
const peak = (samples: ArrayLike<number>): number => Array.from(samples).reduce((most, s) => Math.max(most, Math.abs(s)), 0);
/** RMS of the last `ms` of the samples, against the RMS of the whole (the cut-ending check's idea). */
function tailLevelDb(samples: Int16Array, sampleRate: number, ms: number): number {
  const rms = (part: Int16Array) => Math.sqrt(part.reduce((sum, s) => sum + s * s, 0) / Math.max(1, part.length));
  return 20 * Math.log10(rms(samples.subarray(samples.length - Math.round((sampleRate * ms) / 1000))) / rms(samples));
}
/** The tone's pitch, from its zero crossings (the simulators' tones are one sine per text). */
function pitchHz(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i += 1) if ((samples[i - 1] ?? 0) < 0 !== (samples[i] ?? 0) < 0) crossings += 1;
  return crossings / 2 / (samples.length / sampleRate);
}

describe('applyBadTake on samples', () => {
  const rate = 24_000;
  // 300 ms of a 440 Hz tone at 0.3 of full scale, faded over its first and last 10 ms.
  const tone = Int16Array.from({ length: 7200 }, (_, i) => {
    const fade = Math.min(1, i / 240, (7199 - i) / 240);
    return Math.round(Math.sin((2 * Math.PI * 440 * i) / rate) * 0.3 * FULL_SCALE * fade);
  });

  it('truncated keeps about the fraction asked and stops loud, mid-sound', () => {
    const cut = applyBadTake({ variant: 'truncated' }, tone, rate);
    expect(cut.length / tone.length).toBeCloseTo(0.5, 1);
    expect(Math.abs(cut.at(-1) ?? 0)).toBeGreaterThanOrEqual(0.7 * peak(tone));
    expect(tailLevelDb(cut, rate, 20)).toBeGreaterThan(-3);
    const third = applyBadTake({ variant: 'truncated', fraction: 0.3 }, tone, rate);
    expect(third.length / tone.length).toBeCloseTo(0.3, 1);
  });

  it('silent is as long, under ±3 LSB; padded adds 4 s of zeros where asked; doubled repeats; clipped sits at full scale', () => {
    const silent = applyBadTake({ variant: 'silent' }, tone, rate);
    expect(silent.length).toBe(tone.length);
    expect(peak(silent)).toBeLessThanOrEqual(3);
    expect(peak(applyBadTake({ variant: 'silent', noise: 0 }, tone, rate))).toBe(0);

    for (const where of ['leading', 'inner', 'trailing'] as const) {
      const padded = applyBadTake({ variant: 'padded', where }, tone, rate);
      expect(padded.length).toBe(tone.length + 4 * rate);
      const at = where === 'leading' ? 0 : where === 'inner' ? tone.length / 2 : tone.length;
      expect(peak(padded.subarray(at, at + 4 * rate))).toBe(0);
      expect(Array.from(padded.subarray(0, at))).toEqual(Array.from(tone.subarray(0, at)));
    }
    expect(applyBadTake({ variant: 'padded', seconds: 1.5 }, tone, rate).length).toBe(tone.length + 1.5 * rate);

    const doubled = applyBadTake({ variant: 'doubled' }, tone, rate);
    expect(Array.from(doubled)).toEqual([...tone, ...tone]);

    const clipped = applyBadTake({ variant: 'clipped' }, tone, rate);
    expect(clipped.length).toBe(tone.length);
    expect(peak(clipped)).toBe(FULL_SCALE);
    expect(fullScaleShare(clipped)).toBeGreaterThan(0.5);
  });

  it('otherText speaks the audio it is handed, of another text of the same length and script', () => {
    const other = Int16Array.from({ length: 100 }, (_, i) => i);
    expect(Array.from(applyBadTake({ variant: 'otherText' }, tone, rate, () => other))).toEqual(Array.from(other));
    expect(() => applyBadTake({ variant: 'otherText' }, tone, rate)).toThrow(/needs the audio/);
    expect(otherTextFor(TEXT)).not.toBe(TEXT);
    expect([...otherTextFor(TEXT)].length).toBeGreaterThan([...TEXT].length - 3);
    expect(otherTextFor('床前明月光，疑是地上霜。')).toMatch(/^\p{Script=Han}/u);
  });
});

describe('randomBadTakes', () => {
  const texts = Array.from({ length: 2000 }, (_, i) => `Sentence number ${i} of the book.`);

  it('spoils about the share asked, the same texts for the same seed whatever the order, variants drawn evenly', () => {
    const plan = randomBadTakes({ share: 0.1, seed: 7 });
    const picked = texts.map((text, number) => plan({ text, number }));
    const spoiled = picked.filter((take) => take !== undefined && take !== null);
    expect(spoiled.length / texts.length).toBeGreaterThan(0.08);
    expect(spoiled.length / texts.length).toBeLessThan(0.12);
    for (const variant of BAD_TAKE_VARIANTS) expect(spoiled.some((take) => take?.variant === variant)).toBe(true);

    const reversed = randomBadTakes({ share: 0.1, seed: 7 });
    const backwards = [...texts].reverse().map((text, number) => reversed({ text, number })?.variant);
    expect(backwards.reverse()).toEqual(picked.map((take) => take?.variant));
    const otherSeed = randomBadTakes({ share: 0.1, seed: 8 });
    expect(texts.map((text, number) => otherSeed({ text, number })?.variant)).not.toEqual(picked.map((take) => take?.variant));
  });

  it('firstTakeOnly: a spoiled text is clean when asked again; without it, a retake is drawn anew', () => {
    const once = randomBadTakes({ share: 1, seed: 3, variants: ['silent', { variant: 'padded', seconds: 6 }], firstTakeOnly: true });
    const first = once({ text: TEXT, number: 1 });
    expect(['silent', 'padded']).toContain(first?.variant);
    expect(once({ text: TEXT, number: 2 })).toBeUndefined();
    const always = randomBadTakes({ share: 1, seed: 3, variants: [{ variant: 'padded', seconds: 6 }] });
    expect(always({ text: TEXT, number: 1 })).toEqual({ variant: 'padded', seconds: 6 });
    expect(always({ text: TEXT, number: 2 })).toEqual({ variant: 'padded', seconds: 6 });
    const half = randomBadTakes({ share: 0.5, seed: 3 });
    const retakes = texts.slice(0, 400).map((text) => [half({ text, number: 1 }), half({ text, number: 2 })]);
    // Independent draws: some texts spoiled only on the first take, some only on the retake.
    expect(retakes.some(([a, b]) => a !== undefined && b === undefined)).toBe(true);
    expect(retakes.some(([a, b]) => a === undefined && b !== undefined)).toBe(true);
  });
});

describe('SenseAudio bad takes', () => {
  const body = (format: string, stream: boolean, text = TEXT) =>
    JSON.stringify({
      model: 'SenseAudio-TTS-1.0',
      text,
      stream,
      voice_setting: { voice_id: 'male_0004_a' },
      audio_setting: { format, sample_rate: 32000, bitrate: 128000, channel: 1 },
    });
  const post = async (url: string, payload: string) => {
    const response = await fetch(`${url}/v1/t2a_v2`, {
      method: 'POST',
      headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
      body: payload,
    });
    expect(response.status).toBe(200);
    return response.text();
  };
  type Answer = {
    data: { audio: string; status: number };
    extra_info?: { audio_length: number; audio_size: number };
    base_resp: { status_code: number };
  };
  /** The one-shot answer's audio, or the SSE answer's status-1 audio joined, and its extra_info. */
  const audioOf = (text: string, stream: boolean) => {
    const answers: Answer[] = stream
      ? text
          .trim()
          .split('\n\n')
          .map((block) => JSON.parse(block.replace(/^data: /, '')) as Answer)
      : [JSON.parse(text) as Answer];
    const final = answers.at(-1);
    expect(final?.base_resp.status_code).toBe(0);
    expect(final?.data.status).toBe(2);
    const pieces = stream ? answers.filter((a) => a.data.status === 1) : answers;
    return { bytes: Buffer.from(pieces.map((a) => a.data.audio).join(''), 'hex'), extraInfo: final?.extra_info };
  };

  it('one-shot mp3 truncated to half and SSE wav clipped: decodable, bad as claimed, extra_info of the audio sent, counted', async () => {
    const simulator = await startSenseAudioSimulator({
      apiKey: KEY,
      msPerChar: 5,
      faults: [null, { kind: 'badTake', variant: 'truncated' }, { kind: 'badTake', variant: 'clipped' }],
    });
    closing.push(simulator);
    const clean = audioOf(await post(simulator.url, body('mp3', false)), false);
    const truncated = audioOf(await post(simulator.url, body('mp3', false)), false);
    const clipped = audioOf(await post(simulator.url, body('wav', true)), true);

    const cleanSamples = await decode(clean.bytes, 'mp3', 32000);
    const truncatedSamples = await decode(truncated.bytes, 'mp3', 32000);
    expect(truncatedSamples.length / cleanSamples.length).toBeGreaterThan(0.45);
    expect(truncatedSamples.length / cleanSamples.length).toBeLessThan(0.55);
    expect(truncated.extraInfo?.audio_length).toBe(simulator.requests[1]?.durationMs);
    expect(Math.abs((truncated.extraInfo?.audio_length ?? 0) - (truncatedSamples.length * 1000) / 32000)).toBeLessThan(30);
    expect(truncated.extraInfo?.audio_size).toBe(truncated.bytes.length);

    const clippedSamples = await decode(clipped.bytes, 'wav', 32000);
    expect(clippedSamples.length).toBe(cleanSamples.length);
    expect(fullScaleShare(clippedSamples)).toBeGreaterThan(0.3);
    expect(clipped.extraInfo?.audio_size).toBe(clipped.bytes.length);

    expect(simulator.requests.map((r) => [r.badTake, r.outcome])).toEqual([
      [undefined, 'completed'],
      ['truncated', 'completed'],
      ['clipped', 'completed'],
    ]);
    expect(simulator.badTakes).toEqual(counts({ truncated: 1, clipped: 1 }));
  });

  it('takeFaults with firstTakeOnly: flac padded by 4 s on the first take of a text, its retake clean', async () => {
    const simulator = await startSenseAudioSimulator({
      apiKey: KEY,
      msPerChar: 5,
      takeFaults: randomBadTakes({ share: 1, seed: 1, variants: ['padded'], firstTakeOnly: true }),
    });
    closing.push(simulator);
    const first = await decode(audioOf(await post(simulator.url, body('flac', true)), true).bytes, 'flac', 32000);
    const retake = await decode(audioOf(await post(simulator.url, body('flac', true)), true).bytes, 'flac', 32000);
    expect((first.length - retake.length) / 32000).toBeCloseTo(4, 2);
    expect(peak(first.subarray(retake.length))).toBe(0);
    expect(simulator.requests.map((r) => r.fault)).toEqual(['badTake', undefined]);
    expect(simulator.badTakes).toEqual(counts({ padded: 1 }));
  });
});

describe('SenseNova bad takes', () => {
  const request = (format: string, outputFormat: 'hex' | 'url') => ({
    method: 'POST',
    headers: { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'SenseNova-Audio-Fusion-0603',
      input: TEXT,
      stream: outputFormat === 'hex',
      language: 'en',
      voice_setting: { voice: 'female_chunzhen' },
      audio_setting: { sample_rate: 24000, channel: 1, bitrate: 128000, response_format: format },
      output_format: outputFormat,
    }),
  });

  it('streamed hex mp3 silent (max volume under -60 dB) and url-mode wav doubled, counted', async () => {
    const simulator = await startSenseNovaSimulator({
      apiKey: KEY,
      msPerChar: 5,
      faults: [null, { kind: 'badTake', variant: 'silent' }, { kind: 'badTake', variant: 'doubled' }],
    });
    closing.push(simulator);
    const streamed = async () => {
      const text = await (await fetch(`${simulator.url}/audio/speech_fusion`, request('mp3', 'hex'))).text();
      const events = text
        .split('\n\n')
        .filter((block) => block.startsWith('data: {'))
        .map((block) => JSON.parse(block.slice(6)) as { data: { audio: string; status: number } });
      expect(text.trim().endsWith('data: [DONE]')).toBe(true);
      return Buffer.from(
        events
          .filter((event) => event.data.status === 1)
          .map((event) => event.data.audio)
          .join(''),
        'hex',
      );
    };
    const clean = await streamed();
    const silent = await streamed();
    expect(await maxVolumeDb(clean, 'mp3')).toBeGreaterThan(-20);
    expect(await maxVolumeDb(silent, 'mp3')).toBeLessThan(-60);
    expect((await decode(silent, 'mp3', 24000)).length).toBe((await decode(clean, 'mp3', 24000)).length);

    const answer = (await (await fetch(`${simulator.url}/audio/speech_fusion`, request('wav', 'url'))).json()) as {
      data: { audio: string };
      extra_info: { length: number; size: number };
    };
    const file = new Uint8Array(await (await fetch(answer.data.audio)).arrayBuffer());
    expect(answer.extra_info.size).toBe(file.length);
    const doubled = await decode(file, 'wav', 24000);
    const once = await decode(clean, 'mp3', 24000);
    expect(doubled.length / once.length).toBeCloseTo(2, 1);
    expect(Array.from(doubled.subarray(doubled.length / 2))).toEqual(Array.from(doubled.subarray(0, doubled.length / 2)));
    expect(answer.extra_info.length).toBe(Math.round((doubled.length * 1000) / 24000));
    expect(simulator.badTakes).toEqual(counts({ silent: 1, doubled: 1 }));
  });
});

describe('302.AI bad takes', () => {
  async function taskFile(simulator: Awaited<ReturnType<typeof startAi302Simulator>>, text: string): Promise<Uint8Array> {
    const headers = { authorization: `Bearer ${KEY}`, 'content-type': 'application/json' };
    const created = (await (
      await fetch(`${simulator.url}${simulator.generatePath}`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ input_text: text, is_multi_speaker: false }),
      })
    ).json()) as { task_id: string };
    // The protocol's own way to wait: query the task until it says it is done.
    const queried = await pollUntil(
      'the task succeeds',
      async () =>
        (await (await fetch(`${simulator.url}${simulator.generateQueryPath}?task_id=${created.task_id}`, { headers })).json()) as {
          status: string;
          audio_url: string;
        },
      (answer) => answer.status !== 'pending' && answer.status !== 'processing',
      5000,
      10,
    );
    expect(queried.status).toBe('success');
    return new Uint8Array(await (await fetch(queried.audio_url)).arrayBuffer());
  }

  it('a task padded inside by 4 s and one speaking another text: decodable wav, the task a success, counted', async () => {
    const simulator = await startAi302Simulator({
      apiKey: KEY,
      msPerChar: 5,
      stageMs: 10,
      faults: [null, { kind: 'badTake', variant: 'padded', where: 'inner' }, { kind: 'badTake', variant: 'otherText' }],
    });
    closing.push(simulator);
    const clean = await decode(await taskFile(simulator, TEXT), 'wav', 24000);
    const paddedFile = await taskFile(simulator, TEXT);
    const padded = await decode(paddedFile, 'wav', 24000);
    expect((padded.length - clean.length) / 24000).toBeCloseTo(4, 2);
    const silences = await withTempFile(paddedFile, 'wav', (path) => ffmpegSilences(path, { noiseDb: -60, minSeconds: 3 }));
    expect(silences).toHaveLength(1);
    expect(silences[0]?.startSeconds).toBeGreaterThan(0.1);
    expect((silences[0]?.endSeconds ?? 0) - (silences[0]?.startSeconds ?? 0)).toBeGreaterThan(3.95);
    expect(silences[0]?.endSeconds).toBeLessThan(padded.length / 24000 - 0.1);

    const spoken = await decode(await taskFile(simulator, TEXT), 'wav', 24000);
    const task = simulator.tasks[2];
    const instead = task?.spokenInstead ?? '';
    expect(instead).toBe(otherTextFor(TEXT));
    // The per-text tone's pitch comes from the text: the take's is the other text's, not this one's.
    expect(pitchHz(spoken, 24000)).toBeCloseTo(180 + (fnv1a(instead) % 520), -1);
    expect(pitchHz(clean, 24000)).toBeCloseTo(180 + (fnv1a(TEXT) % 520), -1);
    expect(simulator.tasks.map((t) => [t.badTake, t.lastReported, t.usageCharacters])).toEqual([
      [undefined, 'success', [...TEXT].length],
      ['padded', 'success', [...TEXT].length],
      ['otherText', 'success', [...TEXT].length],
    ]);
    expect(simulator.badTakes).toEqual(counts({ padded: 1, otherText: 1 }));
  });
});

describe('CosyVoice bad takes', () => {
  const TWO_SENTENCES = 'The lighthouse keeper climbed the stairs. He counted each step aloud, slowly.';
  /** One task over a raw socket: the binary frames joined, and the events. */
  async function task(options: CosyVoiceSimulatorOptions, format: 'mp3' | 'wav' | 'pcm') {
    const simulator = await startCosyVoiceSimulator({ apiKey: KEY, msPerChar: 5, rtf: 0, firstFrameDelayMs: 0, ...options });
    closing.push(simulator);
    const run = async () => {
      const socket = await openRawCosyVoiceSocket(simulator.url, KEY);
      const header = { task_id: randomUUID(), streaming: 'duplex' };
      socket.send({
        header: { action: 'run-task', ...header },
        payload: {
          task_group: 'audio',
          task: 'tts',
          function: 'SpeechSynthesizer',
          model: 'cosyvoice-v2',
          parameters: { text_type: 'PlainText', voice: 'longxiaochun_v2', format, sample_rate: 24000 },
          input: {},
        },
      });
      await socket.event();
      socket.send({ header: { action: 'continue-task', ...header }, payload: { input: { text: TWO_SENTENCES } } });
      socket.send({ header: { action: 'finish-task', ...header }, payload: { input: {} } });
      const events = await socket.untilTaskEnds();
      socket.ws.terminate();
      return { bytes: Buffer.concat(socket.binaries), events };
    };
    return { simulator, run };
  }
  const lastEvent = (events: Record<string, unknown>[]) =>
    events.at(-1) as { header: { event: string }; payload: { usage: { characters: number } } };

  it('pcm truncated to half by the fault plan, mp3 clipped: the frames join into valid audio, task-finished bills as usual', async () => {
    const pcm = await task({ faults: [null, { kind: 'badTake', variant: 'truncated' }] }, 'pcm');
    const raw = ['-f', 's16le', '-ar', '24000', '-ac', '1'];
    const clean = await pcm.run();
    const truncated = await pcm.run();
    const cleanSamples = await decode(clean.bytes, 'pcm', 24000, raw);
    const truncatedSamples = await decode(truncated.bytes, 'pcm', 24000, raw);
    expect(truncatedSamples.length / cleanSamples.length).toBeGreaterThan(0.45);
    expect(truncatedSamples.length / cleanSamples.length).toBeLessThan(0.55);
    expect(tailLevelDb(truncatedSamples, 24000, 20)).toBeGreaterThan(-6);
    expect(lastEvent(truncated.events).header.event).toBe('task-finished');
    expect(lastEvent(truncated.events).payload.usage.characters).toBe(lastEvent(clean.events).payload.usage.characters);
    const record = pcm.simulator.tasks[1];
    expect([record?.badTake, record?.outcome, record?.audioBytes]).toEqual(['truncated', 'completed', truncated.bytes.length]);
    expect(record?.durationMs).toBeCloseTo((truncatedSamples.length * 1000) / 24000, 0);
    expect(pcm.simulator.badTakes).toEqual(counts({ truncated: 1 }));

    const mp3 = await task({ faults: [null, { kind: 'badTake', variant: 'clipped' }] }, 'mp3');
    const unclipped = await decode((await mp3.run()).bytes, 'mp3', 24000);
    const clipped = await decode((await mp3.run()).bytes, 'mp3', 24000);
    // mp3 rounds the flat tops off (and overshoots them): near full scale, not on it.
    expect(fullScaleShare(unclipped, 0.9)).toBe(0);
    expect(fullScaleShare(clipped, 0.9)).toBeGreaterThan(0.3);
    expect(fullScaleShare(clipped)).toBeGreaterThan(0.01);
    expect(mp3.simulator.badTakes).toEqual(counts({ clipped: 1 }));
  });

  it('takeFaults: wav silent on the first take of the text, the retake clean', async () => {
    const wav = await task({ takeFaults: randomBadTakes({ share: 1, seed: 5, variants: ['silent'], firstTakeOnly: true }) }, 'wav');
    const silent = await wav.run();
    const retake = await wav.run();
    expect(await maxVolumeDb(silent.bytes, 'wav')).toBeLessThan(-60);
    expect(await maxVolumeDb(retake.bytes, 'wav')).toBeGreaterThan(-20);
    // A streamed wav: one header whose sizes are unknown (0xFFFFFFFF), then the samples.
    for (const answer of [silent, retake]) expect(answer.bytes.subarray(0, 4).toString('ascii')).toBe('RIFF');
    expect(silent.bytes.length).toBe(retake.bytes.length);
    const samples = await decode(silent.bytes.subarray(44), 'pcm', 24000, ['-f', 's16le', '-ar', '24000', '-ac', '1']);
    expect(peak(samples)).toBeLessThanOrEqual(3);
    expect(wav.simulator.tasks.map((t) => [t.fault, t.badTake])).toEqual([
      ['badTake', 'silent'],
      [undefined, undefined],
    ]);
    expect(wav.simulator.badTakes).toEqual(counts({ silent: 1 }));
  });
});

describe('bad takes stay out of the random faults', () => {
  it('no simulator draws badTake in rate mode', () => {
    const drawn = [...SENSEAUDIO_RANDOM, ...STREAM_RANDOM_FAULTS, ...URL_RANDOM_FAULTS, ...AI302_RANDOM, ...COSYVOICE_RANDOM];
    expect(drawn.map((fault) => fault.kind as string)).not.toContain('badTake');
  });
});
