import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

/** Program names Chromium goes by: Debian's package, Ubuntu's and Fedora's, and Google's build. */
const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

/**
 * The Chromium the browser tests drive: `CHROMIUM_PATH` when set, else the first of the usual
 * program names found on `PATH` (as `scripts/ensure-system-tools.sh` looks for it), else
 * undefined. playwright-core never downloads one.
 */
export function findChromium(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const chosen = env.CHROMIUM_PATH?.trim();
  if (chosen) return chosen;
  for (const folder of (env.PATH ?? '').split(delimiter)) {
    if (folder === '') continue;
    for (const name of CHROMIUM_NAMES) {
      const candidate = join(folder, name);
      if (isExecutable(candidate)) return candidate;
    }
  }
  return undefined;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
