import { synthAudio } from '../../support/audio-synth.ts';
import { fnv1a } from '../../support/seeded-random.ts';

export type SimFormat = 'mp3' | 'wav' | 'pcm';

/** Speech length of one sentence: `msPerChar` per code point that is not whitespace. */
export function sentenceDurationMs(text: string, msPerChar: number): number {
  const spoken = [...text].filter((char) => !/\s/u.test(char)).length;
  return Math.max(1, Math.round(spoken * msPerChar));
}

/**
 * The mp3 bitrate the simulator encodes at. CosyVoice takes no bitrate for mp3; lamejs quietly
 * resamples when the bitrate is low for the rate (32 kbps at 24 kHz comes out at 22.05 kHz), so
 * each rate gets one that keeps it (checked for every documented rate).
 */
export function mp3BitrateFor(sampleRate: number): number {
  if (sampleRate <= 8000) return 32_000;
  if (sampleRate >= 44_100) return 128_000;
  return 64_000;
}

/**
 * The audio of one sentence, as the one binary frame that follows its sentence-synthesis event.
 * - mp3: the sentence encoded on its own (whole frames, bit reservoir starting empty), so the
 *   frames of a task concatenate to valid mp3 whatever the sentence count;
 * - pcm: raw 16-bit mono samples;
 * - wav: the same samples, the first frame of a task led by one RIFF header whose sizes are
 *   unknown while streaming (0xFFFFFFFF, as ffmpeg writes to a pipe).
 * The tone's pitch comes from the sentence, so neighbouring sentences differ.
 */
export function sentenceAudio(text: string, format: SimFormat, sampleRate: number, msPerChar: number, firstOfTask: boolean): Uint8Array {
  return toneAudio(
    { durationMs: sentenceDurationMs(text, msPerChar), frequencyHz: 180 + (fnv1a(text) % 520) },
    format,
    sampleRate,
    firstOfTask,
  );
}

/** `durationMs` of silence in the task's format (an SSML `<break>`), led by the wav header when it opens the task. */
export function silenceAudio(durationMs: number, format: SimFormat, sampleRate: number, firstOfTask: boolean): Uint8Array {
  return toneAudio({ durationMs: Math.max(1, Math.round(durationMs)), frequencyHz: 0 }, format, sampleRate, firstOfTask);
}

/**
 * A tone (quiet where `silences` say) in the task's format, as one frame's worth: mp3 encoded on
 * its own, pcm raw, wav the same samples led by the streaming header when it opens the task.
 */
export function toneAudio(
  tone: { durationMs: number; frequencyHz: number; silences?: readonly { atMs: number; durationMs: number }[] },
  format: SimFormat,
  sampleRate: number,
  firstOfTask: boolean,
): Uint8Array {
  const options = { ...tone, sampleRate, channels: 1 as const };
  if (format === 'mp3') return synthAudio('mp3', { ...options, bitrate: mp3BitrateFor(sampleRate) });
  const pcm = synthAudio('pcm', options);
  if (format === 'pcm' || !firstOfTask) return pcm;
  return Buffer.concat([streamingWavHeader(sampleRate), pcm]);
}

/** The RIFF header leading a task's wav audio: sizes unknown while streaming (0xFFFFFFFF). */
export function streamingWavHeader(sampleRate: number): Uint8Array {
  const header = Buffer.alloc(44);
  header.write('RIFF', 0, 'ascii');
  header.writeUInt32LE(0xffffffff, 4);
  header.write('WAVE', 8, 'ascii');
  header.write('fmt ', 12, 'ascii');
  header.writeUInt32LE(16, 16);
  header.writeUInt16LE(1, 20);
  header.writeUInt16LE(1, 22);
  header.writeUInt32LE(sampleRate, 24);
  header.writeUInt32LE(sampleRate * 2, 28);
  header.writeUInt16LE(2, 32);
  header.writeUInt16LE(16, 34);
  header.write('data', 36, 'ascii');
  header.writeUInt32LE(0xffffffff, 40);
  return header;
}
