/** What the first audio frame of an mp3 says about the stream. */
export interface Mp3FrameInfo {
  sampleRate: number;
  /** Bits per second. */
  bitrate: number;
  channels: 1 | 2;
}

const RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};
const KBPS_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
const KBPS_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160];

/**
 * Reads the first audio frame of layer III data, skipping ID3v2 tags and a Xing/Info frame.
 * The simulator uses it to report what the encoder really produced (lamejs quietly resamples or
 * caps the bitrate for some combinations).
 */
export function firstMp3AudioFrame(bytes: Uint8Array): Mp3FrameInfo | undefined {
  let offset = 0;
  while (bytes[offset] === 0x49 && bytes[offset + 1] === 0x44 && bytes[offset + 2] === 0x33) {
    const size =
      ((at(bytes, offset + 6) << 21) | (at(bytes, offset + 7) << 14) | (at(bytes, offset + 8) << 7) | at(bytes, offset + 9)) >>> 0;
    offset += 10 + size + (at(bytes, offset + 5) & 0x10 ? 10 : 0);
  }
  for (let frames = 0; frames < 2; frames += 1) {
    const b1 = at(bytes, offset + 1);
    const b2 = at(bytes, offset + 2);
    const b3 = at(bytes, offset + 3);
    if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
    const version = (b1 >> 3) & 3;
    const sampleRate = RATES[version]?.[(b2 >> 2) & 3];
    const kbps = (version === 3 ? KBPS_V1 : KBPS_V2)[b2 >> 4];
    if (sampleRate === undefined || kbps === undefined || kbps === 0) return undefined;
    const mono = b3 >> 6 === 3;
    const sideInfo = version === 3 ? (mono ? 17 : 32) : mono ? 9 : 17;
    const tag = String.fromCharCode(...bytes.subarray(offset + 4 + sideInfo, offset + 8 + sideInfo));
    if (tag !== 'Xing' && tag !== 'Info') return { sampleRate, bitrate: kbps * 1000, channels: mono ? 1 : 2 };
    offset += Math.floor(((version === 3 ? 144 : 72) * kbps * 1000) / sampleRate) + ((b2 >> 1) & 1);
  }
  return undefined;
}

function at(bytes: Uint8Array, index: number): number {
  return bytes[index] ?? 0;
}
