import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppConfig } from '../runtime/app-config.ts';
import { ConfigError } from '../errors/config-error.ts';
import { InputError } from '../errors/input-error.ts';
import { describeLocation } from '../storage/open-storage.ts';

/** Where an API render may write, decided once at start-up. */
export interface OutputPolicy {
  /** Canonical location (file:///… or s3://…) for what a caller asked, or the default; InputError 'output' when refused. */
  resolve(requested: string | undefined): string;
  readonly defaultOutput: string;
  /** Empty only with API_OUTPUT_ANY=true and API_OUTPUT_ROOT unset: any location. */
  readonly roots: readonly string[];
}

/**
 * API_OUTPUT_ROOT lists the folders and s3://bucket/prefix locations callers may write under;
 * anything else is refused before Redis is touched, so a caller cannot make the server write
 * outside them. Unset, the root is API_DEFAULT_OUTPUT itself: writing anywhere else (say /etc,
 * as whatever user the API runs as) takes the explicit API_OUTPUT_ANY=true. Relative folders
 * resolve against the server's working directory, as in the CLI.
 */
export function createOutputPolicy(config: AppConfig): OutputPolicy {
  const roots = (config.API_OUTPUT_ROOT ?? '')
    .split(',')
    .map((root) => root.trim())
    .filter((root) => root !== '')
    .map((root) => canonical(root, 'API_OUTPUT_ROOT'));
  const defaultOutput = canonical(config.API_DEFAULT_OUTPUT, 'API_DEFAULT_OUTPUT');
  const onlyDefault = roots.length === 0 && !config.API_OUTPUT_ANY;
  if (onlyDefault) roots.push(defaultOutput);
  const rule = onlyDefault
    ? 'API_DEFAULT_OUTPUT; set API_OUTPUT_ROOT to allow more, or API_OUTPUT_ANY=true for any location'
    : 'API_OUTPUT_ROOT';
  if (roots.length > 0 && !roots.some((root) => isInside(defaultOutput, root))) {
    throw new ConfigError(`API_DEFAULT_OUTPUT (${defaultOutput}) is outside every API_OUTPUT_ROOT (${roots.join(', ')})`);
  }
  return {
    defaultOutput,
    roots,
    resolve(requested) {
      if (requested === undefined) return defaultOutput;
      const location = describeLocation(requested);
      if (roots.length > 0 && !roots.some((root) => isInside(location, root))) {
        throw new InputError('output', `must be inside ${roots.join(' or ')} (${rule})`, requested);
      }
      return location;
    },
  };
}

function canonical(location: string, variable: string): string {
  try {
    return describeLocation(location);
  } catch (error) {
    throw new ConfigError(`${variable}: ${error instanceof Error ? error.message : String(error)}`, location);
  }
}

/** Folder containment by path (not by string prefix: /data/out2 is not inside /data/out). */
function isInside(location: string, root: string): boolean {
  if (root.startsWith('file:') && location.startsWith('file:')) {
    const relative = path.relative(fileURLToPath(root), fileURLToPath(location));
    return relative === '' || (relative !== '..' && !relative.startsWith(`..${path.sep}`) && !path.isAbsolute(relative));
  }
  if (root.startsWith('s3://') && location.startsWith('s3://')) {
    return location === root || location.startsWith(`${root}/`);
  }
  return false;
}
