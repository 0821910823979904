import { describe, expect, it } from 'vitest';
import { AudioFormatError } from '../../../../src/errors/audio-format-error.ts';
import { decodeAudioChunk } from '../../../../src/providers/sensenova/audio-chunk.ts';

const BYTES = Buffer.from([0x49, 0x44, 0x33, 0x04, 0x00, 0xff, 0xfb, 0x90]);

describe('decodeAudioChunk', () => {
  it('decodes even-length hex, in either case', () => {
    expect(Buffer.from(decodeAudioChunk(BYTES.toString('hex')))).toEqual(BYTES);
    expect(Buffer.from(decodeAudioChunk(BYTES.toString('hex').toUpperCase()))).toEqual(BYTES);
  });

  it('decodes base64 after a base64: prefix, padded or not, standard or URL-safe', () => {
    expect(Buffer.from(decodeAudioChunk(`base64:${BYTES.toString('base64')}`))).toEqual(BYTES);
    expect(Buffer.from(decodeAudioChunk(`base64:${BYTES.toString('base64url')}`))).toEqual(BYTES);
    expect(Buffer.from(decodeAudioChunk(`base64:${BYTES.toString('base64').slice(0, 8)}\n${BYTES.toString('base64').slice(8)}`))).toEqual(
      BYTES,
    );
  });

  it('reads hex that also looks like base64 as hex (no prefix, hex wins)', () => {
    expect(Buffer.from(decodeAudioChunk('deadbeef'))).toEqual(Buffer.from([0xde, 0xad, 0xbe, 0xef]));
  });

  it('gives nothing for an empty chunk', () => {
    expect(decodeAudioChunk('')).toHaveLength(0);
    expect(decodeAudioChunk('base64:')).toHaveLength(0);
  });

  it.each([
    ['odd-length hex', 'abc', /odd length \(3 characters\)/],
    ['base64 without its prefix', 'SUQzBAD/+5A=', /neither base64: nor hex: non-hex character at offset 0/],
    ['garbage after base64:', 'base64:@@@@', /not valid base64/],
    ['a base64 length no encoder makes', 'base64:AAAAA', /not valid base64/],
  ])('refuses %s', (_name, text, message) => {
    expect(() => decodeAudioChunk(text)).toThrow(AudioFormatError);
    expect(() => decodeAudioChunk(text)).toThrow(message);
  });
});
