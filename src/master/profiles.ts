import { InputError } from '../errors/input-error.ts';

/** What the gain stage aims at: EBU R128 integrated loudness, or (ACX) the whole file's RMS. */
export type LoudnessTarget = { kind: 'integrated'; lufs: number } | { kind: 'rms'; db: number };

export interface DeliveryRules {
  /** Integrated loudness must be within target ± tolerance (LU). */
  integrated?: { lufs: number; toleranceLu: number };
  /** The whole file's RMS (astats "RMS level") in this range, dBFS. */
  rmsDb?: { min: number; max: number };
  /** True peak at most this (dBTP), measured on the encoded file. */
  maxTruePeakDbtp?: number;
  /** astats noise floor at most this (dB), and not digital zero (-inf) when room tone is asked for. */
  maxNoiseFloorDb?: number;
  roomToneRequired?: boolean;
  /** Silence at the head and tail of every file, ms. */
  headMs?: { min: number; max: number };
  tailMs?: { min: number; max: number };
  sampleRate?: number;
  minBitrateKbps?: number;
  cbr?: boolean;
  /** Longest file, minutes. */
  maxFileMinutes?: number;
}

export interface MasteringProfile {
  name: ProfileName;
  /** null: raw, no mastering (the stitcher's frame-exact join). */
  target: LoudnessTarget | null;
  /** Integrated target for mono, where it differs (podcast: −19 LUFS mono, −16 stereo). */
  monoTarget?: LoudnessTarget;
  /** The limiter's ceiling in dBFS (sample peak), below the true-peak rule to leave room for encoding; see docs/mastering.md. */
  limiterCeilingDb: number | null;
  /** Room tone under the whole book, dBFS amplitude of pink noise; null: pauses are digital zero. */
  roomToneDb: number | null;
  /** Sample rate the master is made at; null: the segments' own. */
  sampleRate: number | null;
  /** Default head and tail pauses, ms, when the plan gives none. */
  headMs: number;
  tailMs: number;
  output: { format: 'mp3' | 'wav' | null; bitrateKbps?: number; cbr?: boolean; splitByChapter?: boolean };
  rules: DeliveryRules;
}

export const PROFILE_NAMES = ['audiobook', 'acx', 'podcast', 'raw'] as const;
export type ProfileName = (typeof PROFILE_NAMES)[number];

/**
 * The numbers, and why each was chosen, are in docs/mastering.md. Limiter ceilings sit 1 dB
 * under the true-peak rule: MP3 encoding of espeak speech raised peaks by up to 0.3 dB over the
 * limited master here, and the limiter works on sample peaks.
 */
export const PROFILES: Readonly<Record<ProfileName, MasteringProfile>> = {
  audiobook: {
    name: 'audiobook',
    target: { kind: 'integrated', lufs: -18 },
    limiterCeilingDb: -3,
    roomToneDb: null,
    sampleRate: null,
    headMs: 750,
    tailMs: 2000,
    output: { format: 'mp3', bitrateKbps: 128 },
    rules: { integrated: { lufs: -18, toleranceLu: 1 }, maxTruePeakDbtp: -2 },
  },
  acx: {
    name: 'acx',
    // The middle of ACX's −23…−18 dB RMS window: the limiter and room tone move it a little.
    target: { kind: 'rms', db: -20 },
    limiterCeilingDb: -4,
    roomToneDb: -64,
    sampleRate: 44_100,
    headMs: 750,
    tailMs: 2000,
    output: { format: 'mp3', bitrateKbps: 192, cbr: true, splitByChapter: true },
    rules: {
      rmsDb: { min: -23, max: -18 },
      maxTruePeakDbtp: -3,
      maxNoiseFloorDb: -60,
      roomToneRequired: true,
      headMs: { min: 500, max: 1000 },
      tailMs: { min: 1000, max: 5000 },
      sampleRate: 44_100,
      minBitrateKbps: 192,
      cbr: true,
      maxFileMinutes: 120,
    },
  },
  podcast: {
    name: 'podcast',
    target: { kind: 'integrated', lufs: -16 },
    monoTarget: { kind: 'integrated', lufs: -19 },
    limiterCeilingDb: -2,
    roomToneDb: null,
    sampleRate: null,
    headMs: 500,
    tailMs: 1000,
    output: { format: 'mp3', bitrateKbps: 128 },
    rules: { integrated: { lufs: -16, toleranceLu: 1 }, maxTruePeakDbtp: -1 },
  },
  raw: {
    name: 'raw',
    target: null,
    limiterCeilingDb: null,
    roomToneDb: null,
    sampleRate: null,
    headMs: 0,
    tailMs: 0,
    output: { format: null },
    rules: {},
  },
};

export function getProfile(name: string): MasteringProfile {
  const profile = (PROFILES as Record<string, MasteringProfile | undefined>)[name];
  if (profile === undefined) throw new InputError('profile', `must be one of ${PROFILE_NAMES.join(', ')}`, name);
  return profile;
}

/** The target for this many channels, and (podcast, mono) the rule that goes with it. */
export function profileFor(profile: MasteringProfile, channels: 1 | 2): MasteringProfile {
  if (channels !== 1 || profile.monoTarget === undefined) return profile;
  const target = profile.monoTarget;
  const integrated =
    target.kind === 'integrated' && profile.rules.integrated !== undefined
      ? { ...profile.rules.integrated, lufs: target.lufs }
      : profile.rules.integrated;
  return { ...profile, target, rules: { ...profile.rules, ...(integrated === undefined ? {} : { integrated }) } };
}
