import { WAVE_FORMAT_EXTENSIBLE, WAVE_FORMAT_PCM } from './parse-wav-header.ts';

const WAVE_FORMAT_ALAW = 6;
const WAVE_FORMAT_MULAW = 7;

/**
 * The byte every byte of a silent WAV sample is, for the `fmt ` chunk body `fmt`. A zero
 * sample is all-zero bytes for signed PCM (16 bits and up) and float, but 8-bit PCM is
 * unsigned (silence is 0x80) and G.711 codes silence as 0xD5 (A-law) and 0xFF (µ-law): zero
 * bytes there would be a full-scale offset, heard as a click and a hum.
 */
export function silentSampleByte(fmt: Uint8Array): number {
  if (fmt.length < 16) return 0;
  const view = new DataView(fmt.buffer, fmt.byteOffset, fmt.length);
  const tag = view.getUint16(0, true);
  // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its sub-format GUID.
  const format = tag === WAVE_FORMAT_EXTENSIBLE && fmt.length >= 26 ? view.getUint16(24, true) : tag;
  const bits = view.getUint16(14, true);
  if (format === WAVE_FORMAT_PCM && bits === 8) return 0x80;
  if (format === WAVE_FORMAT_ALAW) return 0xd5;
  if (format === WAVE_FORMAT_MULAW) return 0xff;
  return 0;
}
