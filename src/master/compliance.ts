import type { FileMeasurement } from './measure-loudness.ts';
import type { MasteringProfile } from './profiles.ts';

export interface ComplianceEntry {
  rule: string;
  /** What the rule asks, in words and numbers ("≤ -3 dBTP"). */
  expected: string;
  /** The measured value; null when it is -inf (digital silence) or was not measured. */
  measured: number | boolean | null;
  pass: boolean;
}

/** One measurement, several files (ACX: one per chapter): every file is checked against every rule. */
export interface MeasuredFiles {
  files: readonly (FileMeasurement & { name?: string })[];
}

function within(value: number | null, min: number, max: number): boolean {
  return value !== null && value >= min && value <= max;
}

function entry(rule: string, expected: string, measured: number | boolean | null, pass: boolean): ComplianceEntry {
  return { rule, expected, measured: typeof measured === 'number' ? Math.round(measured * 100) / 100 : measured, pass };
}

/**
 * Every rule of the profile, per file, with the measured value and pass/fail. A failed rule is
 * listed with pass: false, never dropped; a value that could not be measured fails its rule.
 */
export function complianceReport(profile: MasteringProfile, measured: MeasuredFiles): ComplianceEntry[] {
  const { rules } = profile;
  const report: ComplianceEntry[] = [];
  measured.files.forEach((file, index) => {
    const prefix = measured.files.length > 1 ? `${file.name ?? `file ${index + 1}`}: ` : '';
    const add = (rule: string, expected: string, value: number | boolean | null, pass: boolean): void => {
      report.push(entry(`${prefix}${rule}`, expected, value, pass));
    };
    const { loudness } = file;
    if (rules.integrated !== undefined) {
      const { lufs, toleranceLu } = rules.integrated;
      add(
        'integrated loudness',
        `${lufs} ± ${toleranceLu} LUFS`,
        loudness.integratedLufs,
        within(loudness.integratedLufs, lufs - toleranceLu, lufs + toleranceLu),
      );
    }
    if (rules.rmsDb !== undefined) {
      add(
        'RMS level',
        `${rules.rmsDb.min} to ${rules.rmsDb.max} dB`,
        loudness.rmsDb,
        within(loudness.rmsDb, rules.rmsDb.min, rules.rmsDb.max),
      );
    }
    if (rules.maxTruePeakDbtp !== undefined) {
      // -inf (null) is silence: no peak at all is under any ceiling.
      const peak = loudness.truePeakDbtp;
      add('true peak', `≤ ${rules.maxTruePeakDbtp} dBTP`, peak, peak === null || peak <= rules.maxTruePeakDbtp);
    }
    if (rules.maxNoiseFloorDb !== undefined) {
      const floor = loudness.noiseFloorDb;
      add(
        'noise floor',
        `≤ ${rules.maxNoiseFloorDb} dB`,
        floor,
        floor === null ? rules.roomToneRequired !== true : floor <= rules.maxNoiseFloorDb,
      );
    }
    if (rules.roomToneRequired === true) {
      add('room tone (not digital zero)', 'noise floor above -inf', loudness.noiseFloorDb, loudness.noiseFloorDb !== null);
    }
    if (rules.headMs !== undefined) {
      add(
        'head silence',
        `${rules.headMs.min} to ${rules.headMs.max} ms`,
        file.headSilenceMs,
        within(file.headSilenceMs, rules.headMs.min, rules.headMs.max),
      );
    }
    if (rules.tailMs !== undefined) {
      add(
        'tail silence',
        `${rules.tailMs.min} to ${rules.tailMs.max} ms`,
        file.tailSilenceMs,
        within(file.tailSilenceMs, rules.tailMs.min, rules.tailMs.max),
      );
    }
    if (rules.sampleRate !== undefined) add('sample rate', `${rules.sampleRate} Hz`, file.sampleRate, file.sampleRate === rules.sampleRate);
    if (rules.minBitrateKbps !== undefined) {
      add(
        'bit rate',
        `≥ ${rules.minBitrateKbps} kbps`,
        file.bitrateKbps,
        file.bitrateKbps !== null && file.bitrateKbps >= rules.minBitrateKbps,
      );
    }
    if (rules.cbr === true) add('constant bit rate', 'CBR (Info tag)', file.cbr, file.cbr === true);
    if (rules.maxFileMinutes !== undefined) {
      const minutes = file.durationMs / 60_000;
      add('file length', `≤ ${rules.maxFileMinutes} min`, minutes, minutes <= rules.maxFileMinutes);
    }
  });
  if (rules.roomToneRequired === true && measured.files.length > 1) {
    const channels = new Set(measured.files.map((file) => file.channels));
    report.push(entry('all files mono or all stereo', 'one channel count', channels.size, channels.size === 1));
  }
  return report;
}
