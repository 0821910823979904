import { NUMBER_TOKEN, numberReadings } from './number-words.ts';

/** How close a recognizer's transcript of a take is to the text the take was asked to say. */
export interface TranscriptScore {
  /** 1 − word edit distance ÷ reference words, in [0, 1]; 1 when both are empty. */
  similarity: number;
  referenceWords: number;
  hypothesisWords: number;
  substitutions: number;
  /** Reference words the transcript lacks. */
  deletions: number;
  /** Transcript words the reference lacks. */
  insertions: number;
}

/** One token of a normalised text: a word, or a number with every way of reading it. */
type Token = string | readonly (readonly string[])[];

const MARKUP = /<[^<>]*>/gu;
const APOSTROPHES = /[’‘ʼ`´]/gu;
const CURRENCY: Readonly<Record<string, string>> = { $: 'dollars', '£': 'pounds', '€': 'euros' };
/**
 * A number (with a currency sign before it or a percent after), a character of a script written
 * without spaces (each is a word: a transcript of Chinese is judged character by character), a
 * word (letters, marks and inner apostrophes; a hyphen or any other punctuation splits), or "&".
 */
const TOKEN = new RegExp(
  `(?<currency>[$£€])?(?<number>${NUMBER_TOKEN.source})(?<percent>\\s?%)?` +
    '|(?<cjk>[\\p{Script=Han}\\p{Script=Hiragana}\\p{Script=Katakana}\\p{Script=Hangul}])' +
    "|(?<word>[\\p{L}\\p{M}']+)|(?<amp>&)",
  'giu',
);

function tokenize(text: string): Token[] {
  const plain = text.replace(MARKUP, ' ').normalize('NFKC').toLowerCase().replace(APOSTROPHES, "'");
  const tokens: Token[] = [];
  for (const match of plain.matchAll(TOKEN)) {
    const groups = match.groups ?? {};
    if (groups.number !== undefined) {
      tokens.push(numberReadings(groups.number));
      if (groups.percent !== undefined) tokens.push('percent');
      const currency = groups.currency === undefined ? undefined : CURRENCY[groups.currency];
      if (currency !== undefined) tokens.push(currency);
    } else if (groups.cjk !== undefined) tokens.push(groups.cjk);
    else if (groups.amp !== undefined) tokens.push('and');
    else {
      // "don't" and "dont", "James'" and "James" are one word: recognizers differ on apostrophes.
      const word = (groups.word ?? '').replace(/'/gu, '');
      if (word !== '') tokens.push(word);
    }
  }
  return tokens;
}

/** The words of a text as the scorer compares them (each number in its most common reading). */
export function transcriptWords(text: string): string[] {
  return tokenize(text).flatMap((token) => (typeof token === 'string' ? [token] : [...(token[0] ?? [])]));
}

interface Distance {
  cost: number;
  substitutions: number;
  deletions: number;
  insertions: number;
}

/** Word-level Levenshtein distance of `hyp` from `ref`, with the kinds of edit on one cheapest path. */
function wordDistance(ref: readonly string[], hyp: readonly string[]): Distance {
  const width = hyp.length + 1;
  // Rows of the DP table: cost, then the edits of the path that reached each cell.
  let cost = Int32Array.from({ length: width }, (_, j) => j);
  let sub = new Int32Array(width);
  let del = new Int32Array(width);
  let ins = Int32Array.from({ length: width }, (_, j) => j);
  for (let i = 1; i <= ref.length; i += 1) {
    const nextCost = new Int32Array(width);
    const nextSub = new Int32Array(width);
    const nextDel = new Int32Array(width);
    const nextIns = new Int32Array(width);
    nextCost[0] = i;
    nextDel[0] = i;
    for (let j = 1; j < width; j += 1) {
      const same = ref[i - 1] === hyp[j - 1];
      const diagonal = (cost[j - 1] ?? 0) + (same ? 0 : 1);
      const up = (cost[j] ?? 0) + 1; // a reference word deleted
      const left = (nextCost[j - 1] ?? 0) + 1; // a transcript word inserted
      if (diagonal <= up && diagonal <= left) {
        nextCost[j] = diagonal;
        nextSub[j] = (sub[j - 1] ?? 0) + (same ? 0 : 1);
        nextDel[j] = del[j - 1] ?? 0;
        nextIns[j] = ins[j - 1] ?? 0;
      } else if (up <= left) {
        nextCost[j] = up;
        nextSub[j] = sub[j] ?? 0;
        nextDel[j] = (del[j] ?? 0) + 1;
        nextIns[j] = ins[j] ?? 0;
      } else {
        nextCost[j] = left;
        nextSub[j] = nextSub[j - 1] ?? 0;
        nextDel[j] = nextDel[j - 1] ?? 0;
        nextIns[j] = (nextIns[j - 1] ?? 0) + 1;
      }
    }
    cost = nextCost;
    sub = nextSub;
    del = nextDel;
    ins = nextIns;
  }
  const last = width - 1;
  return { cost: cost[last] ?? 0, substitutions: sub[last] ?? 0, deletions: del[last] ?? 0, insertions: ins[last] ?? 0 };
}

/** A text's tokens with one reading chosen for each number. */
class Reading {
  readonly tokens: readonly Token[];
  readonly choice: number[];

  constructor(tokens: readonly Token[]) {
    this.tokens = tokens;
    this.choice = tokens.map(() => 0);
  }

  words(): string[] {
    return this.tokens.flatMap((token, i) => (typeof token === 'string' ? [token] : [...(token[this.choice[i] ?? 0] ?? [])]));
  }

  /** Indexes of the tokens that are numbers with more than one reading. */
  choices(): number[] {
    return this.tokens.flatMap((token, i) => (typeof token !== 'string' && token.length > 1 ? [i] : []));
  }
}

/**
 * Scores a recognizer's transcript against the segment's text (issue 15 item 2). Both are
 * normalised alike: markup (`<break …/>`, SSML) dropped, lower case, punctuation and hyphens
 * split words, apostrophes dropped, and each number read in every plausible way ("1999",
 * "nineteen ninety nine" and "one thousand nine hundred and ninety nine" are all the same words),
 * whichever side wrote it in digits. Each number's reading is the one closest to the other side
 * (one pass of coordinate descent, from the most common readings). Pure.
 */
export function scoreTranscript(reference: string, hypothesis: string): TranscriptScore {
  const ref = new Reading(tokenize(reference));
  const hyp = new Reading(tokenize(hypothesis));
  let best = wordDistance(ref.words(), hyp.words());
  for (const side of [ref, hyp]) {
    for (const at of side.choices()) {
      const token = side.tokens[at] as readonly (readonly string[])[];
      let bestChoice = side.choice[at] ?? 0;
      for (let option = 0; option < token.length; option += 1) {
        if (option === bestChoice) continue;
        side.choice[at] = option;
        const tried = wordDistance(ref.words(), hyp.words());
        if (tried.cost < best.cost) {
          best = tried;
          bestChoice = option;
        }
      }
      side.choice[at] = bestChoice;
    }
  }
  const referenceWords = ref.words().length;
  const hypothesisWords = hyp.words().length;
  const similarity = referenceWords === 0 ? (hypothesisWords === 0 ? 1 : 0) : Math.min(1, Math.max(0, 1 - best.cost / referenceWords));
  return {
    similarity: Math.round(similarity * 10_000) / 10_000,
    referenceWords,
    hypothesisWords,
    substitutions: best.substitutions,
    deletions: best.deletions,
    insertions: best.insertions,
  };
}
