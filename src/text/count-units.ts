/**
 * How providers count text against their per-request limits. Both counters are additive
 * (count(a + b) === count(a) + count(b) whenever the join does not pair two surrogate halves),
 * which lets the splitter count pieces once and add them up.
 */

const HAN = /^\p{Script=Han}$/u;

/** One byte per BMP code unit: 1 when it is a Han ideograph. Built on first use (~65k regex tests, a few ms). */
let bmpHan: Uint8Array | undefined;

function bmpHanTable(): Uint8Array {
  if (bmpHan === undefined) {
    const table = new Uint8Array(0x10000);
    for (let unit = 0; unit < 0x10000; unit += 1) {
      if (unit >= 0xd800 && unit <= 0xdfff) continue;
      if (HAN.test(String.fromCharCode(unit))) table[unit] = 1;
    }
    bmpHan = table;
  }
  return bmpHan;
}

function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/**
 * Unicode code points, the way SenseAudio counts characters: an emoji or a CJK Extension B
 * character is one, not two UTF-16 units. A lone surrogate counts as one.
 */
export function countCodePoints(text: string): number {
  let count = text.length;
  for (let i = 0; i < text.length - 1; i += 1) {
    if (isHighSurrogate(text.charCodeAt(i)) && isLowSurrogate(text.charCodeAt(i + 1))) {
      count -= 1;
      i += 1;
    }
  }
  return count;
}

/**
 * Alibaba DashScope (CosyVoice) units: each Han ideograph (`\p{Script=Han}`, BMP or astral)
 * counts 2, every other code point 1.
 */
export function countDashScope(text: string): number {
  const table = bmpHanTable();
  let count = 0;
  for (let i = 0; i < text.length; i += 1) {
    const unit = text.charCodeAt(i);
    if (isHighSurrogate(unit) && i + 1 < text.length && isLowSurrogate(text.charCodeAt(i + 1))) {
      count += HAN.test(text.slice(i, i + 2)) ? 2 : 1;
      i += 1;
    } else {
      count += table[unit] === 1 ? 2 : 1;
    }
  }
  return count;
}
