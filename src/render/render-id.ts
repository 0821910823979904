import { randomBytes } from 'node:crypto';
import { InputError } from '../errors/input-error.ts';

/**
 * Render ids name folders and S3 prefixes and become BullMQ job ids: letters, digits, `_` and
 * `-` only (no `.`, `/`, `:`), starting with a letter or digit, not all digits, ≤ 64 long.
 */
const RENDER_ID = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

export function assertRenderId(id: string): string {
  if (!RENDER_ID.test(id)) {
    throw new InputError('id', 'must be 1–64 letters, digits, "_" or "-", starting with a letter or digit', id);
  }
  if (/^\d+$/.test(id)) throw new InputError('id', 'must not be all digits', id);
  return id;
}

/** Sortable by creation time, unique enough without coordination. */
export function newRenderId(now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `r${stamp}-${randomBytes(4).toString('hex')}`;
}
