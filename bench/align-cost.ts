/**
 * Alignment cost: CPU seconds the subtitle alignment spends per hour of audio, against decoding
 * that hour with ffmpeg (`ffmpeg -i hour.mp3 -f null -`) in the same run. The audio is a 44.1 kHz
 * mono MP3 of tone bursts with pauses (speech-like: ~3 s on, 0.15–0.6 s off), decoded once to
 * s16le; ours is what the assembly adds per segment: the pause finder over every sample, in
 * 256 KiB chunks, then alignCues over 60-second segments of 12 sentences each.
 */
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { alignCues, type AlignableSegment } from '../src/master/subtitles/align-cues.ts';
import { createPauseFinder, type QuietRun } from '../src/master/subtitles/pause-finder.ts';
import { benchCommand, figure, round, type BenchFigure, type Benchmark } from './support/bench-figure.ts';
import { waitedChildrenCpuMs } from './support/process-cpu.ts';
import { runOk } from './support/run-process.ts';
import { withTempDir } from './support/temp-dir.ts';

const RATE = 44_100;
const SEGMENT_S = 60;

function cpuMs(): number {
  const usage = process.cpuUsage();
  return (usage.user + usage.system) / 1000;
}

export const alignCost: Benchmark = {
  name: 'align-cost',
  description: 'CPU s per hour of audio for sentence alignment vs ffmpeg decoding that hour',
  run(options): Promise<BenchFigure[]> {
    const seconds = options.quick ? 600 : 3600;
    return withTempDir('align', async (dir) => {
      const mp3 = join(dir, 'hour.mp3');
      const pcm = join(dir, 'hour.s16');
      // Bursts of 3 s with a pause whose length cycles 0.15–0.6 s.
      const gate = 'if(lt(mod(t\\,3.4)\\,3)\\,1\\,0)';
      await runOk('ffmpeg', [
        '-v',
        'error',
        '-f',
        'lavfi',
        '-i',
        `sine=f=220:r=${RATE}:d=${seconds}`,
        '-af',
        `volume='${gate}':eval=frame`,
        '-ac',
        '1',
        '-b:a',
        '64k',
        mp3,
      ]);
      await runOk('ffmpeg', ['-v', 'error', '-i', mp3, '-f', 's16le', '-ac', '1', '-ar', String(RATE), pcm]);

      const childBefore = await waitedChildrenCpuMs();
      const decode = await runOk('ffmpeg', ['-v', 'error', '-i', mp3, '-f', 'null', '-']);
      const decodeCpuMs = (await waitedChildrenCpuMs()) - childBefore;

      const bytes = (await stat(pcm)).size;
      const file = await open(pcm, 'r');
      const started = cpuMs();
      const wallStarted = performance.now();
      const segmentBytes = SEGMENT_S * RATE * 2;
      const segments: AlignableSegment[] = [];
      try {
        const buffer = Buffer.alloc(256 * 1024);
        let finder = createPauseFinder({ sampleRate: RATE, channels: 1 });
        let inSegment = 0;
        let position = 0;
        const close = (): void => {
          const quiet: QuietRun[] = finder.end().map((run) => ({ start: (run.start * 1000) / RATE, end: (run.end * 1000) / RATE }));
          const durationMs = (inSegment / 2 / RATE) * 1000;
          segments.push({
            startMs: position * SEGMENT_S * 1000,
            durationMs,
            pausesMs: quiet,
            sentences: Array.from({ length: 12 }, (_, i) => ({ start: i, end: i + 1, text: `Sentence ${i}.`, units: 40 + (i % 5) * 10 })),
          });
          position += 1;
          inSegment = 0;
          finder = createPauseFinder({ sampleRate: RATE, channels: 1 });
        };
        for (;;) {
          const { bytesRead } = await file.read(buffer, 0, Math.min(buffer.length, segmentBytes - inSegment));
          if (bytesRead === 0) break;
          finder.push(buffer.subarray(0, bytesRead));
          inSegment += bytesRead;
          if (inSegment >= segmentBytes) close();
        }
        if (inSegment > 0) close();
      } finally {
        await file.close();
      }
      const cues = alignCues(segments, null);
      const oursCpuMs = cpuMs() - started;
      const oursWallMs = performance.now() - wallStarted;
      const perHour = (ms: number): number => round(((ms / 1000) * 3600) / seconds, 2);
      options.log(
        `align-cost: ${seconds} s of audio (${round(bytes / 1e6, 1)} MB s16le): pause finder + aligner ${Math.round(oursCpuMs)} ms CPU, ffmpeg decode ${Math.round(decodeCpuMs)} ms CPU`,
      );
      return [
        figure({
          id: 'align.cost',
          title: `Sentence alignment: CPU per hour of 44.1 kHz mono audio (pause finder over every sample + aligner), ${seconds / 60}-minute run`,
          value: perHour(oursCpuMs),
          unit: 'CPU s per audio hour',
          baseline: perHour(decodeCpuMs),
          baselineLabel: 'ffmpeg decoding the same audio (MP3 64 kbps) to null, same run',
          better: 'lower',
          command: benchCommand('align-cost', options.quick),
          details: {
            audioSeconds: seconds,
            pcmBytes: bytes,
            segments: segments.length,
            cues: cues.length,
            aligned: cues.filter((c) => c.source === 'aligned').length,
            oursCpuMs: Math.round(oursCpuMs),
            oursWallMs: Math.round(oursWallMs),
            decodeCpuMs: Math.round(decodeCpuMs),
            decodeWallMs: Math.round(decode.wallMs),
          },
        }),
      ];
    });
  },
};
