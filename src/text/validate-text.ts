import { InputError } from '../errors/input-error.ts';

/**
 * C0 controls other than tab, newline and carriage return; and UTF-16 halves without their
 * partner. No `u` flag on purpose: with it the surrogate classes would only see whole code points.
 */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const FORBIDDEN_UNITS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function hex(unit: number): string {
  return `U+${unit.toString(16).toUpperCase().padStart(4, '0')}`;
}

/**
 * Refuses text no provider can speak and returns it cleaned: a leading BOM removed, every
 * `\r\n` (and a lone `\r`, old Mac line ends) turned into `\n`. Offsets in errors are UTF-16
 * code-unit offsets into the text as given, so a user can find the character in an editor.
 */
export function validateText(text: string): string {
  if (typeof text !== 'string') {
    throw new InputError('text', `must be a string, got ${typeof text}`, typeof text);
  }
  const bad = FORBIDDEN_UNITS.exec(text);
  if (bad !== null) {
    const offset = bad.index;
    const unit = text.charCodeAt(offset);
    if (unit >= 0xd800 && unit <= 0xdfff) {
      throw new InputError('text', `lone surrogate ${hex(unit)} at code-unit offset ${offset} (the text is not well-formed UTF-16)`, {
        offset,
        codeUnit: unit,
      });
    }
    throw new InputError(
      'text',
      `control character ${hex(unit)} at code-unit offset ${offset}; only tab, newline and carriage return are allowed`,
      { offset, codePoint: unit },
    );
  }
  const cleaned = (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text).replace(/\r\n?/g, '\n');
  if (cleaned.trim() === '') {
    throw new InputError('text', 'text is empty', text.length === 0 ? '' : `${text.length} whitespace characters`);
  }
  return cleaned;
}
