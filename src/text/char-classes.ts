/** Single UTF-16 code-unit tests the splitter runs on every candidate cut; kept branch-cheap on purpose. */

export function isHighSurrogate(unit: number): boolean {
  return unit >= 0xd800 && unit <= 0xdbff;
}

export function isLowSurrogate(unit: number): boolean {
  return unit >= 0xdc00 && unit <= 0xdfff;
}

/** Exactly what `String.prototype.trim` and `\s` treat as whitespace (all BMP). */
export function isWhitespaceUnit(unit: number): boolean {
  return (
    unit === 0x20 ||
    (unit >= 0x09 && unit <= 0x0d) ||
    unit === 0xa0 ||
    unit === 0x1680 ||
    (unit >= 0x2000 && unit <= 0x200a) ||
    unit === 0x2028 ||
    unit === 0x2029 ||
    unit === 0x202f ||
    unit === 0x205f ||
    unit === 0x3000 ||
    unit === 0xfeff
  );
}

/**
 * A code unit no grapheme-cluster rule ever joins to a neighbour that is also plain: no
 * combining or spacing marks, no ZWJ/ZWNJ, no Hangul jamo, no regional indicators, no
 * surrogates, no prepended marks, no CR. Between two plain units a cut is always a cluster
 * boundary; anywhere else the splitter asks Intl.Segmenter. Covers Latin, Greek, Cyrillic,
 * general punctuation and symbols, CJK punctuation, kana, CJK ideographs, Hangul syllables
 * and full-width forms (a unit test checks every one of them against Intl.Segmenter).
 */
export function isPlainUnit(unit: number): boolean {
  if (unit < 0x300) return unit !== 0x0d;
  if (unit < 0x0530) return unit >= 0x370 && !(unit >= 0x483 && unit <= 0x489);
  if (unit >= 0x4e00 && unit <= 0x9fff) return true;
  if (unit >= 0x3000 && unit <= 0x30ff) return !(unit >= 0x302a && unit <= 0x302f) && unit !== 0x3099 && unit !== 0x309a;
  if (unit >= 0x1e00 && unit <= 0x205f) return unit <= 0x200a || (unit >= 0x2010 && unit <= 0x2027) || unit >= 0x202f;
  if (unit >= 0x2100 && unit <= 0x2bff) return true;
  if (unit >= 0x3400 && unit <= 0x4dbf) return true;
  if (unit >= 0xac00 && unit <= 0xd7a3) return true;
  if (unit >= 0xf900 && unit <= 0xfaff) return true;
  return unit >= 0xff00 && unit <= 0xff9d;
}
