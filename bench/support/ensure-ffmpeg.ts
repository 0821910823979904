import { fileURLToPath } from 'node:url';
import { runOk, runProcess } from './run-process.ts';

const ENSURE_TOOLS = fileURLToPath(new URL('../../scripts/ensure-system-tools.sh', import.meta.url));

/** ffmpeg from the system; scripts/ensure-system-tools.sh installs it (Debian) when it is missing. */
export async function ensureFfmpeg(log: (line: string) => void): Promise<string> {
  const found = await runProcess('ffmpeg', ['-version']).catch(() => undefined);
  if (found?.code !== 0) {
    log('ffmpeg missing: running scripts/ensure-system-tools.sh');
    await runOk('bash', [ENSURE_TOOLS]);
  }
  const version = await runOk('ffmpeg', ['-version']);
  return version.stdout.split('\n')[0] ?? 'ffmpeg';
}

/** GNU time, for a child's peak RSS; undefined where it is not installed. */
export async function gnuTime(): Promise<string | undefined> {
  const probe = await runProcess('/usr/bin/time', ['-f', '%M', 'true']).catch(() => undefined);
  return probe?.code === 0 && /^\d+\s*$/m.test(probe.stderr) ? '/usr/bin/time' : undefined;
}
