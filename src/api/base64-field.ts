import { InputError } from '../errors/input-error.ts';

/**
 * A file sent in a JSON field as base64 (`cover`, `book`), decoded; anything else is refused
 * naming the field. Buffer.from would silently skip what is not base64 and decode the rest.
 */
export function decodeBase64Field(field: string, value: string, what: string): Buffer {
  if (!/^[A-Za-z0-9+/]+={0,2}$/u.test(value.replace(/\s+/gu, '')))
    throw new InputError(field, `must be base64 (${what})`, `${value.slice(0, 16)}…`);
  return Buffer.from(value, 'base64');
}
