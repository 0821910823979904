/** A quiet stretch inside one segment, in sample frames from the segment's first frame: `[start, end)`. */
export interface QuietRun {
  start: number;
  end: number;
}

export interface PauseFinderOptions {
  sampleRate: number;
  channels: 1 | 2;
  /** A window is quiet when its RMS is below this (dBFS). Synthetic speech pauses sit far below it. */
  thresholdDb?: number;
  /** Shorter quiet runs are gaps inside words (stops, plosives), not pauses. */
  minPauseMs?: number;
  windowMs?: number;
}

/**
 * Finds the pauses in one segment's s16le PCM as it streams past, in 10 ms windows, without
 * keeping the audio: what the aligner places sentence boundaries on. Chunks may end anywhere,
 * even inside a sample.
 */
export function createPauseFinder(options: PauseFinderOptions): { push(chunk: Uint8Array): void; end(): QuietRun[] } {
  const windowFrames = Math.max(1, Math.round(((options.windowMs ?? 10) * options.sampleRate) / 1000));
  const minFrames = Math.round(((options.minPauseMs ?? 120) * options.sampleRate) / 1000);
  const threshold = 32768 * 10 ** ((options.thresholdDb ?? -45) / 20);
  const runs: QuietRun[] = [];
  let carry: number | null = null;
  let sumSquares = 0;
  let inWindow = 0;
  let windows = 0;
  let quietSince = -1;
  /** Ends the window of `values` samples: quiet when its mean square is under the threshold's. */
  const closeWindow = (values: number): void => {
    const quiet = sumSquares < threshold * threshold * values;
    if (quiet && quietSince < 0) quietSince = windows;
    if (!quiet && quietSince >= 0) {
      runs.push({ start: quietSince * windowFrames, end: windows * windowFrames });
      quietSince = -1;
    }
    windows += 1;
    sumSquares = 0;
    inWindow = 0;
  };
  const perWindow = windowFrames * options.channels;
  const sample = (value: number): void => {
    sumSquares += value * value;
    inWindow += 1;
    if (inWindow === perWindow) closeWindow(perWindow);
  };
  return {
    push(chunk) {
      let i = 0;
      if (carry !== null && chunk.length > 0) {
        sample((((chunk[0] ?? 0) << 24) >> 16) | carry);
        carry = null;
        i = 1;
      }
      const view = new DataView(chunk.buffer, chunk.byteOffset, chunk.byteLength);
      for (; i + 1 < chunk.length; i += 2) sample(view.getInt16(i, true));
      if (i < chunk.length) carry = chunk[i] ?? 0;
    },
    end() {
      const frames = windows * windowFrames + Math.floor(inWindow / options.channels);
      if (inWindow > 0) closeWindow(inWindow);
      if (quietSince >= 0) runs.push({ start: quietSince * windowFrames, end: frames });
      // Leading and trailing quiet count whatever their length: they say where the speech starts and ends.
      return runs
        .map((run) => ({ start: run.start, end: Math.min(run.end, frames) }))
        .filter((run) => run.end > run.start && (run.end - run.start >= minFrames || run.start === 0 || run.end === frames));
    },
  };
}
