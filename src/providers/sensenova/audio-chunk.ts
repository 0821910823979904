import { AudioFormatError } from '../../errors/audio-format-error.ts';

const BASE64_PREFIX = 'base64:';
const HEX = /^[0-9a-fA-F]*$/;
/** Either alphabet (standard or URL-safe), padding optional. */
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/**
 * Decodes one `data.audio` value. The documentation calls the inline encoding hex, yet its example
 * shows `"base64:AAAA…"` (UNCONFIRMED: docs/providers/sensenova.md, "Answers and events"), so: a
 * `base64:` prefix means base64; otherwise even-length hex; anything else is not audio we can read
 * (AudioFormatError).
 */
export function decodeAudioChunk(text: string): Uint8Array {
  if (text.startsWith(BASE64_PREFIX)) {
    const body = text.slice(BASE64_PREFIX.length).replace(/\s+/g, '');
    if (!BASE64.test(body) || body.replace(/=+$/, '').length % 4 === 1) {
      throw new AudioFormatError(`audio marked base64: is not valid base64 (${describe(body)})`, preview(body));
    }
    return Buffer.from(body, 'base64');
  }
  if (!HEX.test(text)) {
    const bad = text.search(/[^0-9a-fA-F]/);
    throw new AudioFormatError(
      `audio is neither base64: nor hex: non-hex character at offset ${bad} (${describe(text)})`,
      preview(text.slice(bad)),
    );
  }
  if (text.length % 2 !== 0) {
    throw new AudioFormatError(`audio hex has an odd length (${text.length} characters): half a byte is missing`, text.length);
  }
  return Buffer.from(text, 'hex');
}

function describe(text: string): string {
  return `${text.length} characters starting ${JSON.stringify(text.slice(0, 12))}`;
}

function preview(text: string): string {
  return JSON.stringify(text.slice(0, 12));
}
