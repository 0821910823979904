import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { AudioFormatError } from '../errors/audio-format-error.ts';
import { ConfigError } from '../errors/config-error.ts';
import { trackChild } from './live-processes.ts';

const TAIL_CHARS = 600;

/**
 * Decodes an audio file to s16le at `sampleRate` and `channels`, streaming ffmpeg's stdout (read
 * only as fast as the caller pulls). From a file, not a pipe: only then does ffmpeg apply an
 * MP3's LAME delay and padding (gapless), which over a pipe it keeps (measured: 198 extra
 * samples of padding per espeak segment at 22.05 kHz, a silence at every seam). A decode error
 * is an AudioFormatError with ffmpeg's words; aborting or returning early kills the process.
 */
export async function* decodeFileToPcm(
  path: string,
  target: { sampleRate: number; channels: 1 | 2 },
  options: { signal?: AbortSignal | undefined; ffmpegPath?: string | undefined } = {},
): AsyncGenerator<Uint8Array, void, undefined> {
  const { signal } = options;
  signal?.throwIfAborted();
  const command = options.ffmpegPath ?? 'ffmpeg';
  const args = ['-hide_banner', '-nostdin', '-v', 'error', '-xerror', '-i', path, '-map', '0:a:0', '-ar', String(target.sampleRate)];
  args.push('-ac', String(target.channels), '-f', 's16le', 'pipe:1');
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const untrack = trackChild(child);
  let spawnError: (Error & { code?: unknown }) | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('error', (error) => {
      spawnError ??= error;
      resolve({ code: null, signal: null });
    });
    child.once('close', (code, exitSignal) => resolve({ code, signal: exitSignal }));
  });
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (text: string) => {
    stderr = (stderr + text).slice(-4 * TAIL_CHARS);
  });
  const kill = (): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  };
  const onAbort = (): void => {
    kill();
    child.stdout.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
  };
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of child.stdout as Readable & AsyncIterable<Buffer>) yield chunk;
    const exit = await exited;
    signal?.throwIfAborted();
    if (spawnError !== undefined) {
      if (spawnError.code === 'ENOENT')
        throw new ConfigError(`ffmpeg was not found (${command}): install ffmpeg (apt-get install ffmpeg)`, command);
      throw spawnError;
    }
    if (exit.code !== 0) {
      const how = exit.code === null ? `was killed by ${exit.signal ?? 'a signal'}` : `exited with code ${exit.code}`;
      const words = stderr.trim().split(/\r?\n/).join(' | ').slice(-TAIL_CHARS) || 'no message';
      throw new AudioFormatError(`ffmpeg could not decode the segment: it ${how}: ${words}`, { exitCode: exit.code, signal: exit.signal });
    }
  } catch (error) {
    signal?.throwIfAborted();
    if (spawnError?.code === 'ENOENT')
      throw new ConfigError(`ffmpeg was not found (${command}): install ffmpeg (apt-get install ffmpeg)`, command);
    throw error;
  } finally {
    signal?.removeEventListener('abort', onAbort);
    kill();
    child.stdout.destroy();
    await exited;
    untrack();
  }
}
