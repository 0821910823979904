import { measuringFilters } from './parse-measurements.ts';

export interface MasteringFilterOptions {
  gainDb: number;
  /** Limiter ceiling, dBFS; null: no limiter. */
  ceilingDb: number | null;
  /** Pink-noise room tone amplitude, dBFS; null: none. */
  roomToneDb: number | null;
  sampleRate: number;
  channels: 1 | 2;
  /** Sample frames the output must have: what the assembly wrote. */
  totalSamples: number;
}

/**
 * The -filter_complex of the mastering pass, input [0:a], outputs [out] (the master) and
 * [measured] (the same, through ebur128 + astats, for a null output):
 *  - in doubles, so a gain above 0 dB cannot clip before the limiter;
 *  - volume (one gain for the whole book: the two-pass "linear" normalisation, with no dynamic
 *    fallback as loudnorm has when its linear gain would break the peak ceiling);
 *  - alimiter with its look-ahead delay compensated (latency=1), auto-level off (level=0: it
 *    would otherwise push the output up to the ceiling);
 *  - room tone: seeded pink noise mixed under the whole book, unscaled (normalize=0), so pauses
 *    are never digital zero while speech covers it;
 *  - atrim + apad pin the length to the sample frames written, so the segment starts counted in
 *    the assembly are the master's.
 */
export function masteringFilter(options: MasteringFilterOptions): string {
  const chain = ['aformat=sample_fmts=dbl', `volume=${options.gainDb.toFixed(3)}dB`];
  if (options.ceilingDb !== null) {
    chain.push(`alimiter=limit=${dbToAmplitude(options.ceilingDb).toFixed(6)}:level=0:latency=1:attack=5:release=50`);
  }
  // The master is measured as it is written ([measured], to a null output): the limiter's loss of loudness decides a correction pass.
  const pin = `atrim=end_sample=${options.totalSamples},apad=whole_len=${options.totalSamples},asplit=2[out][tap];[tap]${measuringFilters({ truePeak: false })}[measured]`;
  if (options.roomToneDb === null) return `[0:a]${chain.join(',')},${pin}`;
  const layout = options.channels === 1 ? 'mono' : 'stereo';
  const noise = `anoisesrc=r=${options.sampleRate}:a=${dbToAmplitude(options.roomToneDb).toFixed(6)}:c=pink:seed=20261102,aformat=sample_fmts=dbl:channel_layouts=${layout}`;
  return `[0:a]${chain.join(',')}[voice];${noise}[tone];[voice][tone]amix=inputs=2:duration=first:normalize=0,${pin}`;
}

export function dbToAmplitude(db: number): number {
  return 10 ** (db / 20);
}
