import { InputError } from '../errors/input-error.ts';
import { numberOption } from './parse-number.ts';

/** `--max-units N`: a whole number of units, 0 or more (0 lets through only a render the cache covers). */
export function maxUnitsOption(value: string): number {
  const units = numberOption('maxUnits')(value);
  if (!Number.isSafeInteger(units) || units < 0) throw new InputError('maxUnits', 'must be a whole number of units, 0 or more', value);
  return units;
}
