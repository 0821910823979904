/** Largest RIFF size field; beyond it a file must be RF64 (EBU Tech 3306). */
export const MAX_RIFF_SIZE = 0xffffffff;

export interface WavHeaderInput {
  /** The `fmt ` chunk body to write. */
  fmt: Uint8Array;
  dataBytes: number;
  blockAlign: number;
  /** Write RF64 when the RIFF size would pass this; tests lower it to check RF64 on small files. */
  rf64AboveRiffSize?: number;
}

/**
 * The header of a WAV file with `dataBytes` of audio after it: RIFF when the sizes fit 32
 * bits, else RF64 with a ds64 chunk carrying the 64-bit sizes. A data payload of odd length
 * needs one pad byte after it (see wavTrailer).
 */
export function buildWavHeader(input: WavHeaderInput): Uint8Array {
  const fmtPadded = input.fmt.length + (input.fmt.length & 1);
  const pad = input.dataBytes & 1;
  const riffSize = 4 + (8 + fmtPadded) + (8 + input.dataBytes + pad);
  const rf64 = riffSize > (input.rf64AboveRiffSize ?? MAX_RIFF_SIZE);
  const ds64Length = rf64 ? 8 + 28 : 0;
  const header = new Uint8Array(12 + ds64Length + 8 + fmtPadded + 8);
  const view = new DataView(header.buffer);
  const ascii = (offset: number, text: string): void => {
    for (let i = 0; i < 4; i++) header[offset + i] = text.charCodeAt(i);
  };
  ascii(0, rf64 ? 'RF64' : 'RIFF');
  view.setUint32(4, rf64 ? 0xffffffff : riffSize + ds64Length, true);
  ascii(8, 'WAVE');
  let offset = 12;
  if (rf64) {
    ascii(offset, 'ds64');
    view.setUint32(offset + 4, 28, true);
    view.setBigUint64(offset + 8, BigInt(riffSize + ds64Length), true);
    view.setBigUint64(offset + 16, BigInt(input.dataBytes), true);
    view.setBigUint64(offset + 24, BigInt(Math.floor(input.dataBytes / input.blockAlign)), true);
    view.setUint32(offset + 32, 0, true); // no table of other chunk sizes
    offset += ds64Length;
  }
  ascii(offset, 'fmt ');
  view.setUint32(offset + 4, input.fmt.length, true);
  header.set(input.fmt, offset + 8);
  offset += 8 + fmtPadded;
  ascii(offset, 'data');
  view.setUint32(offset + 4, rf64 ? 0xffffffff : input.dataBytes, true);
  return header;
}

/** The pad byte an odd-sized data chunk needs, or nothing. */
export function wavTrailer(dataBytes: number): Uint8Array {
  return new Uint8Array(dataBytes & 1);
}

/** The `fmt ` chunk body of 16-bit signed little-endian PCM (WAVE_FORMAT_PCM). */
export function pcm16FmtChunk(sampleRate: number, channels: number): Uint8Array {
  const fmt = new Uint8Array(16);
  const view = new DataView(fmt.buffer);
  view.setUint16(0, 1, true);
  view.setUint16(2, channels, true);
  view.setUint32(4, sampleRate, true);
  view.setUint32(8, sampleRate * channels * 2, true);
  view.setUint16(12, channels * 2, true);
  view.setUint16(14, 16, true);
  return fmt;
}
