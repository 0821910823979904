import { InputError } from '../errors/input-error.ts';
import type { RenderEstimate } from './estimate-render.ts';

/**
 * `--max-units N` (API `maxUnits`): refuses the render before anything is enqueued when what it
 * would still bill (segments not cached) is over N. One line: the estimate, the cap, what is cached.
 */
export function checkMaxUnits(estimate: RenderEstimate, maxUnits: number | undefined): void {
  if (maxUnits === undefined || estimate.toBill.units <= maxUnits) return;
  const cached =
    estimate.cached.segments === 0 ? '' : `; ${estimate.cached.segments} cached segments (${format(estimate.cached.units)} units) cost 0`;
  throw new InputError(
    'maxUnits',
    `the render would bill ${format(estimate.toBill.units)} units (${estimate.unit}) for ${estimate.toBill.segments} segments, over the cap of ${format(maxUnits)}${cached}; nothing was enqueued`,
    { estimate: estimate.toBill.units, maxUnits },
  );
}

const format = (n: number): string => n.toLocaleString('en-US');
