/**
 * CRC-16/ARC (polynomial 0x8005, reflected, initial 0): the checksum of the LAME tag, and of
 * the whole music stream in it. The music CRC covers every audio byte of a book, so it is
 * computed eight bytes at a time (slice-by-8 tables) rather than one.
 */
const TABLES = (() => {
  const tables = Array.from({ length: 8 }, () => new Uint16Array(256));
  const [first] = tables;
  if (!first) throw new Error('unreachable');
  for (let n = 0; n < 256; n++) {
    let crc = n;
    for (let bit = 0; bit < 8; bit++) crc = crc & 1 ? (crc >>> 1) ^ 0xa001 : crc >>> 1;
    first[n] = crc;
  }
  for (let k = 1; k < 8; k++) {
    const previous = tables[k - 1] as Uint16Array;
    const table = tables[k] as Uint16Array;
    for (let n = 0; n < 256; n++) {
      const value = previous[n] as number;
      table[n] = (value >>> 8) ^ (first[value & 0xff] as number);
    }
  }
  return tables as [Uint16Array, Uint16Array, Uint16Array, Uint16Array, Uint16Array, Uint16Array, Uint16Array, Uint16Array];
})();

/** Continues `crc` over `bytes`; start with 0. */
export function crc16(bytes: Uint8Array, crc = 0): number {
  const [t0, t1, t2, t3, t4, t5, t6, t7] = TABLES;
  let value = crc & 0xffff;
  let i = 0;
  const whole = bytes.length - (bytes.length % 8);
  // Indexes below are in range by construction (bytes < 256, i < length): the `!`s are safe.
  for (; i < whole; i += 8) {
    value ^= bytes[i]! | (bytes[i + 1]! << 8);
    value =
      t7[value & 0xff]! ^
      t6[value >>> 8]! ^
      t5[bytes[i + 2]!]! ^
      t4[bytes[i + 3]!]! ^
      t3[bytes[i + 4]!]! ^
      t2[bytes[i + 5]!]! ^
      t1[bytes[i + 6]!]! ^
      t0[bytes[i + 7]!]!;
  }
  for (; i < bytes.length; i++) value = (value >>> 8) ^ t0[(value ^ bytes[i]!) & 0xff]!;
  return value & 0xffff;
}
