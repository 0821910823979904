/**
 * What a take's decoded PCM measures (issue 15 item 1), in one streaming pass over s16le: the
 * signal checks (take-checks.ts) judge these numbers, and the manifest reports them.
 */
export interface TakeSignal {
  durationMs: number;
  /** Silence before the first window above the silence level. */
  leadingSilenceMs: number;
  /** Silence after the last window above it. */
  trailingSilenceMs: number;
  /** The longest silent run between the first and the last loud window. */
  longestInnerSilenceMs: number;
  /** Time in windows above the silence level. */
  speechMs: number;
  /** RMS of the loud windows, dBFS (−Infinity when there are none). */
  speechLevelDb: number;
  /**
   * RMS of the last END_WINDOW_MS (2 ms), dB relative to the BEFORE_END_MS (20 ms) before them:
   * near 0 when the take stops mid-sound; −Infinity when it ends in silence.
   */
  endLevelDb: number;
  /** Share of samples in runs of CLIP_RUN or more at full scale. */
  clippedShare: number;
  /** Mean sample value ÷ full scale. */
  dcOffset: number;
}

export interface SignalOptions {
  sampleRate: number;
  channels: 1 | 2;
  /** A 10 ms window quieter than this (RMS, dBFS) is silence. */
  silenceDb: number;
}

const WINDOW_MS = 10;
/**
 * A cut ending is judged on the take's last 2 ms against the 20 ms before them: energy right at
 * the last sample, where the sound was going on. Speech that ends, ends quiet (usually in
 * silence); even a fade as short as 10 ms is about −18 dB over its last 2 ms against the 20 ms
 * before, while a cut keeps the level it had (within about 2 dB for a 2 ms window of a 180 Hz
 * voice, wherever it falls in the period).
 */
export const END_WINDOW_MS = 2;
export const BEFORE_END_MS = 20;
/** A take shorter than this has no ending to judge (its fades are all there is): endLevelDb −Infinity. */
export const MIN_ENDING_MS = 50;
/** Samples at or past this (of 32,767) are at full scale. */
const FULL_SCALE = 32_735;
/**
 * A peak of a full-level sine touches full scale one sample at a time; clipping flattens runs
 * of them, so only runs of 3 or more count.
 */
const CLIP_RUN = 3;

/** Accumulates s16le chunks (of any length, split anywhere) into a TakeSignal. */
export function createSignalMeter(options: SignalOptions): { push(chunk: Uint8Array): void; end(): TakeSignal } {
  const { channels } = options;
  const windowFrames = Math.max(1, Math.round((options.sampleRate * WINDOW_MS) / 1000));
  const endFrames = Math.max(1, Math.round((options.sampleRate * END_WINDOW_MS) / 1000));
  const ringFrames = endFrames + Math.max(1, Math.round((options.sampleRate * BEFORE_END_MS) / 1000));
  const silencePower = (10 ** (options.silenceDb / 20) * 32_768) ** 2;
  let carry: number | null = null;
  let frames = 0;
  let channel = 0;
  let frameSum = 0;
  let windowPower = 0;
  let windowFill = 0;
  let windows = 0;
  let firstLoud = -1;
  let lastLoud = -1;
  let quietSince = -1;
  let longestInnerQuiet = 0;
  let loudWindows = 0;
  let loudPower = 0;
  let sampleSum = 0;
  let samples = 0;
  let clipRun = 0;
  let clipped = 0;
  // The last ringFrames frames' squared values, as a ring, for the end level.
  const tail = new Float64Array(ringFrames);
  let tailAt = 0;

  const closeWindow = (): void => {
    const power = windowPower / windowFill;
    if (power >= silencePower) {
      if (firstLoud < 0) firstLoud = windows;
      else if (quietSince >= 0) longestInnerQuiet = Math.max(longestInnerQuiet, windows - quietSince);
      quietSince = -1;
      lastLoud = windows;
      loudWindows += 1;
      loudPower += power;
    } else if (quietSince < 0 && firstLoud >= 0) {
      quietSince = windows;
    }
    windows += 1;
    windowPower = 0;
    windowFill = 0;
  };

  const sample = (value: number): void => {
    samples += 1;
    sampleSum += value;
    if (value >= FULL_SCALE || value <= -FULL_SCALE - 1) {
      clipRun += 1;
      if (clipRun === CLIP_RUN) clipped += CLIP_RUN;
      else if (clipRun > CLIP_RUN) clipped += 1;
    } else {
      clipRun = 0;
    }
    frameSum += value;
    channel += 1;
    if (channel < channels) return;
    const mono = frameSum / channels;
    channel = 0;
    frameSum = 0;
    const power = mono * mono;
    windowPower += power;
    windowFill += 1;
    tail[tailAt] = power;
    tailAt = (tailAt + 1) % ringFrames;
    frames += 1;
    if (windowFill === windowFrames) closeWindow();
  };

  return {
    push(chunk) {
      let i = 0;
      if (carry !== null && chunk.length > 0) {
        sample((((chunk[0] ?? 0) << 24) >> 16) | carry);
        carry = null;
        i = 1;
      }
      for (; i + 1 < chunk.length; i += 2) sample((((chunk[i + 1] ?? 0) << 24) >> 16) | (chunk[i] ?? 0));
      if (i < chunk.length) carry = chunk[i] ?? 0;
    },
    end() {
      if (windowFill > 0) closeWindow();
      const msOf = (count: number): number => count * WINDOW_MS;
      const durationMs = (frames * 1000) / options.sampleRate;
      const speechPower = loudWindows > 0 ? loudPower / loudWindows : 0;
      // Newest first: k = 1 is the last frame.
      const back = (k: number): number => tail[(tailAt - k + ringFrames * 2) % ringFrames] ?? 0;
      const endCount = Math.min(frames, endFrames);
      const beforeCount = Math.min(Math.max(0, frames - endFrames), ringFrames - endFrames);
      let endPower = 0;
      for (let k = 1; k <= endCount; k += 1) endPower += back(k);
      endPower = endCount > 0 ? endPower / endCount : 0;
      let beforePower = 0;
      for (let k = endCount + 1; k <= endCount + beforeCount; k += 1) beforePower += back(k);
      beforePower = beforeCount > 0 ? beforePower / beforeCount : 0;
      const endLevelDb =
        endPower < silencePower || durationMs < MIN_ENDING_MS
          ? -Infinity
          : beforePower > 0
            ? dbOf(endPower) - dbOf(beforePower)
            : dbOf(endPower) - dbOf(speechPower);
      const leading = firstLoud < 0 ? durationMs : Math.min(durationMs, msOf(firstLoud));
      const trailing = lastLoud < 0 ? durationMs : Math.max(0, durationMs - msOf(lastLoud + 1));
      return {
        durationMs,
        leadingSilenceMs: leading,
        trailingSilenceMs: trailing,
        longestInnerSilenceMs: msOf(longestInnerQuiet),
        speechMs: Math.min(durationMs, msOf(loudWindows)),
        speechLevelDb: dbOf(speechPower),
        endLevelDb,
        clippedShare: samples > 0 ? clipped / samples : 0,
        dcOffset: samples > 0 ? sampleSum / samples / 32_768 : 0,
      };
    },
  };
}

/** dBFS of a mean squared s16 value. */
function dbOf(power: number): number {
  return power > 0 ? 10 * Math.log10(power / 32_768 ** 2) : -Infinity;
}
