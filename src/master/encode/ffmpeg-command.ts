import type { EncodeSettings } from './encode-request.ts';

/** One ffmpeg run: the input (or a slice of it), the side files, where to write. */
export interface EncodeCommand {
  inputPath: string;
  /** A slice of the input, for one chapter's file. */
  slice?: { startMs: number; endMs: number };
  /** An FFMETADATA1 file with the tags (and chapters, where the muxer writes them from [CHAPTER]s). */
  metadataPath?: string;
  /** Whether the muxer should write the metadata file's [CHAPTER]s (m4b, opus). */
  chaptersFromMetadata: boolean;
  /** A cover as an attached picture stream (m4b and flac; mp3 and opus carry theirs in tags). */
  coverPath?: string;
  /** Pads the audio with silence to this many samples at the output rate (m4b: whole AAC frames). */
  padToSamples?: number;
  /** A three-letter ISO 639-2 code for the MP4 audio track's language. */
  trackLanguage?: string;
  settings: EncodeSettings;
  outputPath: string;
}

function seconds(ms: number): string {
  return (ms / 1000).toFixed(6);
}

/** The codec and container part of the command. */
function codecArguments(settings: EncodeSettings): string[] {
  const kbps = `${settings.bitrateKbps ?? 0}k`;
  switch (settings.format) {
    case 'mp3':
      // libmp3lame is CBR at -b:a unless told -abr. No ID3 from ffmpeg: the tag is ours (nested
      // CTOC past 255 chapters), prepended afterwards; the Xing/LAME frame lets decoders drop
      // the encoder's delay and padding.
      return [
        '-c:a',
        'libmp3lame',
        '-b:a',
        kbps,
        ...(settings.cbr ? [] : ['-abr', '1']),
        '-id3v2_version',
        '0',
        '-write_id3v1',
        '0',
        '-write_xing',
        '1',
        '-f',
        'mp3',
      ];
    case 'm4b':
      // -f ipod writes the QuickTime chapter track (tref/chap + text track) and Nero chpl (its
      // count is one byte: the first 255 chapters). faststart moves moov ahead of the audio so a
      // player can start before the whole file arrives; "M4B " is the audiobook brand.
      return ['-c:a', 'aac', '-b:a', kbps, '-movflags', '+faststart', '-brand', 'M4B ', '-f', 'ipod'];
    case 'opus':
      return ['-c:a', 'libopus', '-b:a', kbps, '-f', 'opus'];
    case 'flac':
      return ['-c:a', 'flac', '-sample_fmt', 's16', '-f', 'flac'];
    case 'wav':
      // RF64 past 4 GiB; bitexact keeps ffmpeg's name out of a LIST chunk.
      return ['-c:a', 'pcm_s16le', '-rf64', 'auto', '-fflags', '+bitexact', '-f', 'wav'];
    case 'pcm':
      return ['-c:a', 'pcm_s16le', '-f', 's16le'];
  }
}

/** The ffmpeg command line for one output file (exported for tests and logs); run-tool.ts puts -hide_banner -nostdin first. */
export function encodeArguments(command: EncodeCommand): string[] {
  const args = ['-nostats', '-loglevel', 'error', '-y'];
  // Input options: seeking a WAV is a byte seek, and ffmpeg trims to the exact sample.
  if (command.slice !== undefined)
    args.push('-ss', seconds(command.slice.startMs), '-t', seconds(command.slice.endMs - command.slice.startMs));
  args.push('-i', command.inputPath);
  // Inputs are numbered in order: 0 the audio, then the metadata file, then the cover.
  const metadataIndex = command.metadataPath === undefined ? undefined : 1;
  if (command.metadataPath !== undefined) args.push('-f', 'ffmetadata', '-i', command.metadataPath);
  const coverIndex = command.coverPath === undefined ? undefined : (metadataIndex ?? 0) + 1;
  if (command.coverPath !== undefined) args.push('-i', command.coverPath);
  args.push('-map', '0:a:0');
  if (coverIndex !== undefined) {
    // FLAC's muxer takes the picture type from the stream's comment: "Cover (front)" is type 3.
    args.push('-map', `${coverIndex}:v:0`, '-c:v', 'copy', '-disposition:v:0', 'attached_pic', '-metadata:s:v:0', 'comment=Cover (front)');
  }
  args.push('-map_metadata', metadataIndex === undefined ? '-1' : String(metadataIndex));
  args.push('-map_chapters', metadataIndex !== undefined && command.chaptersFromMetadata ? String(metadataIndex) : '-1');
  if (command.trackLanguage !== undefined) args.push('-metadata:s:a:0', `language=${command.trackLanguage}`);
  if (command.padToSamples !== undefined) {
    // Resampled first (a no-op at the same rate), so the length is counted at the output rate.
    args.push('-af', `aresample=${command.settings.sampleRate},apad=whole_len=${command.padToSamples}`);
  }
  args.push('-ar', String(command.settings.sampleRate), '-ac', String(command.settings.channels));
  args.push(...codecArguments(command.settings), command.outputPath);
  return args;
}
