import { AudioFormatError } from '../../errors/audio-format-error.ts';

const HEX_ONLY = /^[0-9a-fA-F]*$/;

/**
 * Decodes hex text that arrives in pieces. A piece may end in the middle of a byte (an odd
 * nibble): that nibble is carried into the next piece rather than dropped or misread.
 */
export class HexDecoder {
  #carry = '';
  #offset = 0;

  /** Decodes what `hex` completes; throws AudioFormatError on a character that is not hex. */
  push(hex: string): Uint8Array {
    if (!HEX_ONLY.test(hex)) {
      const bad = hex.search(/[^0-9a-fA-F]/);
      throw new AudioFormatError(
        `audio hex has a non-hex character at offset ${this.#offset + bad}`,
        JSON.stringify(hex.slice(bad, bad + 8)),
      );
    }
    this.#offset += hex.length;
    const text = this.#carry + hex;
    const whole = text.length - (text.length % 2);
    this.#carry = text.slice(whole);
    // Buffer.from(…, 'hex') is native and stops silently at bad input; the check above rules that out.
    return Buffer.from(whole === text.length ? text : text.slice(0, whole), 'hex');
  }

  /** True while half a byte is waiting for its other nibble. */
  get pending(): boolean {
    return this.#carry.length > 0;
  }

  /** The hex is over: half a byte left means the audio was cut or corrupted. */
  end(): void {
    if (this.#carry.length > 0) {
      throw new AudioFormatError(`audio hex ended in the middle of a byte after ${this.#offset} characters`, this.#offset);
    }
  }
}
