import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { isWavProblem } from '../audio/wav/parse-wav-header.ts';
import { clampDataBytes } from '../audio/wav-layout.ts';
import { readWavHeaderFromBytes } from '../audio/wav/read-wav-header.ts';
import type { AudioSettings } from '../audio/audio-settings.ts';
import { blameInput } from '../audio/ffmpeg/blame-input.ts';
import { runTool } from '../audio/ffmpeg/run-tool.ts';
import { TtsBatchError } from '../errors/tts-batch-error.ts';
import { createSignalMeter, type TakeSignal } from './take-signal.ts';

export interface MeasureOptions {
  silenceDb: number;
  signal?: AbortSignal | undefined;
  ffmpegPath?: string | undefined;
}

/** A wav header is read from this much of the file's head (the validator refused longer ones). */
const WAV_HEAD_BYTES = 64 * 1024;

/**
 * Measures a take held in a local file, as the format it was asked in. Raw pcm (s16le) is read
 * as it is, and so is a wav take's data chunk (the validator has made sure it is 16-bit PCM of
 * the asked rate; a streaming writer's placeholder sizes, 0xFFFFFFFF, which ffmpeg refuses,
 * stand for "to the end of the file"); anything else is decoded by ffmpeg from the file, not a pipe, so an MP3's encoder
 * delay and padding are dropped (gapless) and do not count as silence. The samples pass through
 * the meter as ffmpeg writes them: memory stays one pipe's worth whatever the take's length.
 */
export async function measureTake(path: string, audio: AudioSettings, options: MeasureOptions): Promise<TakeSignal> {
  const meter = createSignalMeter({ sampleRate: audio.sampleRate, channels: audio.channels, silenceDb: options.silenceDb });
  if (audio.format === 'pcm' || audio.format === 'wav') {
    const span = audio.format === 'wav' ? await wavDataSpan(path) : { start: 0 };
    // No whole sample frame: nothing to read (a silent take, as the checks will say).
    if (span === null) return meter.end();
    const read = { ...span, ...(options.signal === undefined ? {} : { signal: options.signal }) };
    for await (const chunk of createReadStream(path, read)) meter.push(chunk as Buffer);
    return meter.end();
  }
  // The container is known (the validator checked it): naming it skips ffmpeg's probing, a third
  // of its time on a segment (bench/qa-cost.ts).
  const args = ['-v', 'error', '-xerror', '-f', audio.format, '-i', path, '-map', '0:a:0', '-ar', String(audio.sampleRate)];
  args.push('-ac', String(audio.channels), '-f', 's16le', 'pipe:1');
  try {
    await runTool({
      tool: 'ffmpeg',
      what: 'the take',
      args,
      signal: options.signal,
      binary: options.ffmpegPath,
      onStdout: (chunk) => meter.push(chunk),
    });
  } catch (error) {
    throw blameInput(error, 'could not decode the take');
  }
  return meter.end();
}

/**
 * Where a wav take's samples lie: from the data chunk to its declared size, or to the end of the
 * file when the header holds a streaming writer's placeholder, whole sample frames only
 * (clampDataBytes, as the join reads it; null: none). `end` is inclusive, as createReadStream takes it.
 */
async function wavDataSpan(path: string): Promise<{ start: number; end?: number } | null> {
  const file = await open(path, 'r');
  try {
    const head = Buffer.alloc(WAV_HEAD_BYTES);
    const { bytesRead } = await file.read(head, 0, WAV_HEAD_BYTES, 0);
    const header = readWavHeaderFromBytes(head.subarray(0, bytesRead));
    if (isWavProblem(header) || header.bitsPerSample !== 16 || !header.pcm)
      throw new TtsBatchError('TAKE_UNREADABLE', `the take ${path} is not 16-bit PCM wav`, { retryable: true, value: path });
    const whole = clampDataBytes(header, (await file.stat()).size);
    return whole === 0 ? null : { start: header.dataOffset, end: header.dataOffset + whole - 1 };
  } finally {
    await file.close();
  }
}
