/** Containers a render can produce. flac is declared by providers but not stitched yet. */
export const AUDIO_FORMATS = ['mp3', 'wav', 'pcm', 'flac'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** The audio a render asks every segment for; segments must all come back in this shape. */
export interface AudioSettings {
  format: AudioFormat;
  sampleRate: number;
  channels: 1 | 2;
  /** Bits per second, mp3 only. */
  bitrate?: number | undefined;
}

export const CONTENT_TYPES: Record<AudioFormat, string> = {
  mp3: 'audio/mpeg',
  wav: 'audio/wav',
  pcm: 'audio/L16',
  flac: 'audio/flac',
};
