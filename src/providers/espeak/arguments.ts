import type { SynthesisRequest } from '../provider.ts';
import { ESPEAK_DEFAULT_AMPLITUDE, ESPEAK_DEFAULT_PITCH, ESPEAK_DEFAULT_WPM, ESPEAK_PITCH_PER_STEP } from './settings.ts';

/**
 * The command line for one segment. The text itself never goes here: it is written to stdin
 * (`--stdin` reads it whole), so no text can become an option and no argv length limit applies.
 * A setting the request leaves out leaves espeak's default alone.
 */
export function espeakArguments(request: Pick<SynthesisRequest, 'voice' | 'voiceSettings'>, ssml: boolean): string[] {
  const args = ['--stdin', '--stdout', '-v', request.voice];
  const { speed, pitch, vol } = request.voiceSettings;
  if (typeof speed === 'number') args.push('-s', String(Math.round(ESPEAK_DEFAULT_WPM * speed)));
  if (typeof pitch === 'number') args.push('-p', String(clamp(Math.round(ESPEAK_DEFAULT_PITCH + ESPEAK_PITCH_PER_STEP * pitch), 0, 99)));
  if (typeof vol === 'number') args.push('-a', String(clamp(Math.round(ESPEAK_DEFAULT_AMPLITUDE * vol), 0, 200)));
  if (ssml) args.push('-m');
  return args;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}
