/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const BREAKS_THE_LINE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * An error message as exactly one terminal line. Messages quote what the user gave (a file name,
 * a location, a provider name), which may hold a line break or an escape sequence; printed raw,
 * one error would become several lines, or rewrite the terminal.
 */
export function oneLine(message: string): string {
  return message.replace(BREAKS_THE_LINE, (char) => NAMED[char] ?? `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
