/**
 * English readings of the numbers a text writes in digits, for the transcript check
 * (transcript-score.ts): a voice reads "1999" as "nineteen ninety nine", a recognizer may print
 * either that or the digits, and neither is a wrong word. Every plausible reading is returned, the
 * most common first, and the scorer keeps the one closest to what was heard.
 */

const ONES = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const TEENS = ['ten', 'eleven', 'twelve', 'thirteen', 'fourteen', 'fifteen', 'sixteen', 'seventeen', 'eighteen', 'nineteen'];
const TENS = ['', '', 'twenty', 'thirty', 'forty', 'fifty', 'sixty', 'seventy', 'eighty', 'ninety'];
const SCALES = ['', 'thousand', 'million', 'billion', 'trillion'];
/** Past this (10¹⁵) a number is read digit by digit: nobody says "quadrillion" in a book. */
const MAX_DIGITS = 15;

/** Ordinals whose spelling is not the cardinal plus "th". */
const IRREGULAR_ORDINALS: Readonly<Record<string, string>> = {
  one: 'first',
  two: 'second',
  three: 'third',
  five: 'fifth',
  eight: 'eighth',
  nine: 'ninth',
  twelve: 'twelfth',
};

function belowHundred(n: number): string[] {
  if (n < 10) return [ONES[n] ?? ''];
  if (n < 20) return [TEENS[n - 10] ?? ''];
  const tens = TENS[Math.floor(n / 10)] ?? '';
  return n % 10 === 0 ? [tens] : [tens, ONES[n % 10] ?? ''];
}

/** 0–999 as words; `and` puts the British "and" between the hundreds and the rest. */
function belowThousand(n: number, and: boolean): string[] {
  const hundreds = Math.floor(n / 100);
  const rest = n % 100;
  if (hundreds === 0) return belowHundred(rest);
  const head = [ONES[hundreds] ?? '', 'hundred'];
  if (rest === 0) return head;
  return [...head, ...(and ? ['and'] : []), ...belowHundred(rest)];
}

/** The cardinal of a non-negative integer given as digits (no leading zeros past the first). */
function cardinal(digits: string, and: boolean): string[] {
  if (/^0+$/u.test(digits)) return ['zero'];
  const groups: number[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(Number(digits.slice(Math.max(0, end - 3), end)));
  const words: string[] = [];
  groups.forEach((group, i) => {
    if (group === 0) return;
    const scale = SCALES[groups.length - 1 - i] ?? '';
    words.push(...belowThousand(group, and), ...(scale === '' ? [] : [scale]));
  });
  return words;
}

/** "1999" → "nineteen ninety nine", "2005" → "twenty oh five", "1900" → "nineteen hundred". */
function yearReading(n: number): string[] | undefined {
  if (n < 1000 || n > 9999 || n % 1000 === 0) return undefined;
  const head = Math.floor(n / 100);
  const tail = n % 100;
  const first = belowHundred(head);
  if (tail === 0) return [...first, 'hundred'];
  return tail < 10 ? [...first, 'oh', ONES[tail] ?? ''] : [...first, ...belowHundred(tail)];
}

function digitByDigit(digits: string, zero: 'zero' | 'oh'): string[] {
  return [...digits].map((d) => (d === '0' ? zero : (ONES[Number(d)] ?? '')));
}

function toOrdinal(words: readonly string[]): string[] {
  const last = words.at(-1);
  if (last === undefined) return [];
  const irregular = IRREGULAR_ORDINALS[last];
  const ordinal = irregular ?? (last.endsWith('y') ? `${last.slice(0, -1)}ieth` : `${last}th`);
  return [...words.slice(0, -1), ordinal];
}

function distinct(readings: readonly string[][]): string[][] {
  const seen = new Set<string>();
  return readings.filter((reading) => {
    const key = reading.join(' ');
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The readings of an integer written as digits: cardinal, with "and", as a year, digit by digit. */
function integerReadings(digits: string): string[][] {
  if (digits.length > MAX_DIGITS) return [digitByDigit(digits, 'zero')];
  // "007", "0421": a code or a phone number, read digit by digit.
  if (digits.length > 1 && digits.startsWith('0')) return distinct([digitByDigit(digits, 'zero'), digitByDigit(digits, 'oh')]);
  const n = Number(digits);
  const readings = [cardinal(digits, false), cardinal(digits, true)];
  const year = yearReading(n);
  // 1999 is "nineteen ninety nine" first, 2005 "two thousand five".
  if (year !== undefined) {
    if (n % 1000 < 10) readings.push(year);
    else readings.unshift(year);
  }
  if (digits.length > 1) readings.push(digitByDigit(digits, 'zero'));
  return distinct(readings);
}

/**
 * Every reading of one number as the text writes it: digits with optional thousands commas
 * ("1,000"), an optional decimal part ("3.14" → "three point one four") and an optional ordinal
 * suffix ("3rd" → "third"). `token` must match NUMBER_TOKEN.
 */
export function numberReadings(token: string): string[][] {
  const ordinal = /(?:st|nd|rd|th)$/iu.test(token);
  const bare = ordinal ? token.slice(0, -2) : token;
  const [whole = '', fraction] = bare.replace(/,/gu, '').split('.');
  if (ordinal && whole.length <= MAX_DIGITS) return distinct([cardinal(whole, false), cardinal(whole, true)].map(toOrdinal));
  const wholes = integerReadings(whole);
  if (fraction === undefined) return wholes;
  // "0.5" is also "point five".
  const heads = whole === '0' ? [...wholes, []] : wholes;
  const tails = distinct([digitByDigit(fraction, 'zero'), digitByDigit(fraction, 'oh')]);
  return distinct(heads.flatMap((head) => tails.map((tail) => [...head, 'point', ...tail])));
}

/** A number as a text writes it: "42", "1,000,000", "3.14", "3rd", "21st". */
export const NUMBER_TOKEN = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:st|nd|rd|th)|\d+(?:\.\d+)?/giu;
