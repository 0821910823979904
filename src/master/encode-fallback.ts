import { stat } from 'node:fs/promises';
import { runFfmpeg } from './run-ffmpeg.ts';

/**
 * A stand-in for src/master/encode/encode-output.ts (the final encoder, written separately)
 * until it lands: WAV → MP3 only, no chapters, cover or tags. Same request shape, so switching
 * over is an import change. Used by the mastering tests to measure an encoded file.
 */
export interface FallbackEncodeRequest {
  input: string;
  outputPath: string;
  format: 'mp3';
  sampleRate?: number;
  channels?: 1 | 2;
  bitrateKbps?: number;
  cbr?: boolean;
  signal?: AbortSignal;
}

export async function encodeOutputFallback(request: FallbackEncodeRequest): Promise<{ path: string; format: 'mp3'; bytes: number }> {
  const args = ['-nostats', '-i', request.input, '-map', '0:a:0', '-map_metadata', '-1', '-c:a', 'libmp3lame'];
  // libmp3lame is CBR with -b:a; -abr 1 would make it ABR. VBR (cbr false) uses quality 2.
  if (request.cbr === false) args.push('-q:a', '2');
  else args.push('-b:a', `${request.bitrateKbps ?? 128}k`);
  if (request.sampleRate !== undefined) args.push('-ar', String(request.sampleRate));
  if (request.channels !== undefined) args.push('-ac', String(request.channels));
  args.push('-f', 'mp3', '-y', request.outputPath);
  await runFfmpeg({ step: 'encode (fallback)', args, signal: request.signal });
  return { path: request.outputPath, format: 'mp3', bytes: (await stat(request.outputPath)).size };
}
