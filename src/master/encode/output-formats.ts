/**
 * What each output format is and what it defaults to. docs/outputs.md has the same table for
 * users; the numbers are chosen for speech (a voice, not music).
 */

export const OUTPUT_FORMATS = ['mp3', 'm4b', 'flac', 'opus', 'wav', 'pcm'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export interface FormatTraits {
  /** The file name's extension, without the dot. */
  extension: string;
  /** Whether the format has a bitrate to choose (the lossy ones). */
  lossy: boolean;
  /** kbps per channel when the request names none: mono gets this, stereo twice this. */
  defaultKbpsPerChannel?: number;
  /** Lowest and highest bitrate (kbps, whole file) the encoder takes. */
  kbpsRange?: readonly [number, number];
  /** Sample rates the encoder takes; any rate when absent. */
  sampleRates?: readonly number[];
  /** The rate used when the request names none; the input's rate when absent. */
  defaultSampleRate?: number;
  /** Whether chapters, cover and tags go inside the file (wav and pcm: only in the manifest). */
  carriesMetadata: boolean;
  /** Most chapters the format's chapter marks can number (Vorbis comments use three digits). */
  maxChapters?: number;
}

/** MPEG-1, 2 and 2.5 Layer III rates: what libmp3lame writes. */
const MP3_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000] as const;
/** libopus runs at these rates only (and every Opus decoder plays back at 48 kHz). */
const OPUS_RATES = [8000, 12000, 16000, 24000, 48000] as const;
/** The rates of ffmpeg's native AAC encoder. */
const AAC_RATES = [7350, 8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000, 64000, 88200, 96000] as const;
/** CHAPTER001 … CHAPTER999: readers (ffmpeg's included) parse exactly three digits. */
const VORBIS_MAX_CHAPTERS = 999;

export const FORMAT_TRAITS: Record<OutputFormat, FormatTraits> = {
  mp3: { extension: 'mp3', lossy: true, defaultKbpsPerChannel: 64, kbpsRange: [8, 320], sampleRates: MP3_RATES, carriesMetadata: true },
  m4b: { extension: 'm4b', lossy: true, defaultKbpsPerChannel: 64, kbpsRange: [16, 320], sampleRates: AAC_RATES, carriesMetadata: true },
  opus: {
    extension: 'opus',
    lossy: true,
    defaultKbpsPerChannel: 32,
    kbpsRange: [6, 510],
    sampleRates: OPUS_RATES,
    defaultSampleRate: 48000,
    carriesMetadata: true,
    maxChapters: VORBIS_MAX_CHAPTERS,
  },
  flac: { extension: 'flac', lossy: false, carriesMetadata: true, maxChapters: VORBIS_MAX_CHAPTERS },
  wav: { extension: 'wav', lossy: false, carriesMetadata: false },
  pcm: { extension: 'pcm', lossy: false, carriesMetadata: false },
};

/** The Content-Type each output is stored and served with. */
export const OUTPUT_CONTENT_TYPES: Record<OutputFormat, string> = {
  mp3: 'audio/mpeg',
  m4b: 'audio/mp4',
  flac: 'audio/flac',
  opus: 'audio/ogg',
  wav: 'audio/wav',
  pcm: 'audio/L16',
};
