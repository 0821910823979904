import { AudioFormatError } from '../errors/audio-format-error.ts';

/** The manifest's `loudness`. dB values that are -inf (digital silence) are null: JSON has no -Infinity. */
export interface Loudness {
  /** EBU R128 integrated loudness, LUFS. */
  integratedLufs: number | null;
  /** EBU R128 loudness range, LU. */
  lraLu: number;
  /** ebur128 true peak (4× oversampled), dBTP. */
  truePeakDbtp: number | null;
  /** astats RMS level of the whole file, dBFS. */
  rmsDb: number | null;
  /** astats noise floor (the quietest stretch's level), dB; null where it is digital zero. */
  noiseFloorDb: number | null;
}

export interface SilenceSpan {
  startMs: number;
  endMs: number;
}

export interface ParsedMeasurements {
  loudness: Loudness;
  /** Samples per channel that went through astats. */
  samples: number;
  silences: SilenceSpan[];
}

function decibels(text: string | undefined, what: string): number | null {
  if (text === undefined) throw new AudioFormatError(`ffmpeg printed no ${what}`, what);
  if (text === '-inf') return null;
  const value = Number.parseFloat(text);
  if (!Number.isFinite(value)) throw new AudioFormatError(`ffmpeg printed an unreadable ${what}: ${text}`, text);
  return value;
}

/** The last match of `pattern` in `text` (a summary comes after any running log). */
function last(text: string, pattern: RegExp): string | undefined {
  let found: string | undefined;
  for (const match of text.matchAll(pattern)) found = match[1];
  return found;
}

/**
 * Reads the summaries ffmpeg prints at the end of `-af ebur128=peak=true,astats,silencedetect`
 * (ffmpeg 5.1 wording). The ebur128 summary has an "I:" under "Integrated loudness", "LRA:" and
 * a "Peak:" under "True peak"; astats' "Overall" block has "RMS level dB" and "Noise floor dB".
 */
export function parseMeasurements(stderr: string): ParsedMeasurements {
  const summaryAt = stderr.lastIndexOf('Summary:');
  if (summaryAt < 0) throw new AudioFormatError('ffmpeg printed no ebur128 summary', stderr.slice(-300));
  const summary = stderr.slice(summaryAt);
  const integrated = decibels(/I:\s+(-?[\d.]+|-inf) LUFS/.exec(summary)?.[1], 'integrated loudness');
  const lra = decibels(/LRA:\s+(-?[\d.]+) LU/.exec(summary)?.[1], 'loudness range') ?? 0;
  // Absent when measured without it (measuringFilters({ truePeak: false })): null, like silence.
  const peakText = /Peak:\s+(-?[\d.]+|-inf) dBFS/.exec(summary)?.[1];
  const truePeak = peakText === undefined && !summary.includes('True peak') ? null : decibels(peakText, 'true peak');
  const overall = stderr.slice(stderr.lastIndexOf('] Overall'));
  const rms = decibels(last(overall, /RMS level dB: (-?[\d.]+|-inf)/g), 'RMS level');
  const noiseFloor = decibels(last(overall, /Noise floor dB: (-?[\d.]+|-inf)/g), 'noise floor');
  const samples = Number.parseFloat(last(overall, /Number of samples: ([\d.]+)/g) ?? 'NaN');
  if (!Number.isFinite(samples)) throw new AudioFormatError('ffmpeg printed no sample count', overall.slice(0, 300));
  const silences: SilenceSpan[] = [];
  let open: number | null = null;
  for (const match of stderr.matchAll(/silence_(start|end): (-?[\d.]+)/g)) {
    const seconds = Number.parseFloat(match[2] ?? 'NaN');
    if (match[1] === 'start') open = Math.max(0, seconds);
    else if (open !== null) {
      silences.push({ startMs: open * 1000, endMs: seconds * 1000 });
      open = null;
    }
  }
  return {
    loudness: { integratedLufs: integrated, lraLu: lra, truePeakDbtp: truePeak, rmsDb: rms, noiseFloorDb: noiseFloor },
    samples,
    silences,
  };
}

export interface MeasuringOptions {
  /**
   * ebur128's true peak (4× oversampled): most of the measuring's CPU (espeak speech, ffmpeg 5.1:
   * 7.9 of 9.5 s for 24 minutes). Default true; the mastering's own passes, which only need the
   * loudness to set the gain, leave it out, and the encoded file's measurement has it.
   */
  truePeak?: boolean;
  /** silencedetect (one line per pause), only where pauses are wanted. */
  silence?: { thresholdDb: number; minSeconds: number };
}

/** The filters whose summaries parseMeasurements reads. ebur128's per-frame log goes to the verbose level. */
export function measuringFilters(options: MeasuringOptions = {}): string {
  const peak = options.truePeak === false ? '' : 'peak=true:';
  const filters = `ebur128=${peak}framelog=verbose,astats=measure_perchannel=none`;
  const { silence } = options;
  return silence === undefined ? filters : `${filters},silencedetect=n=${silence.thresholdDb}dB:d=${silence.minSeconds}`;
}
