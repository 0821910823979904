import { InputError } from '../errors/input-error.ts';

/** A commander argument parser that names the field when the value is not a number. */
export function numberOption(field: string): (value: string) => number {
  return (value: string) => {
    const parsed = Number(value);
    if (value.trim() === '' || !Number.isFinite(parsed)) throw new InputError(field, 'must be a number', value);
    return parsed;
  };
}
