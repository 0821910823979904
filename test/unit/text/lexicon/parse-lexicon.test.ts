import { describe, expect, it } from 'vitest';
import { InputError } from '../../../../src/errors/input-error.ts';
import { LEXICON_MAX_BYTES, LEXICON_MAX_ENTRIES } from '../../../../src/text/lexicon/lexicon-limits.ts';
import { isPls, mergeLexicons, parseLexicon } from '../../../../src/text/lexicon/parse-lexicon.ts';

/** Issue 12 item 4: one lexicon, as W3C PLS or as `word = respelling` lines. */
function errorOf(run: () => unknown): InputError {
  try {
    run();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
}

describe('the line format', () => {
  it('reads respellings, /ipa/, [alphabet: …], both, comments and blank lines', () => {
    const text = [
      '# names in the book',
      '',
      'Hermione = her-MY-oh-nee',
      '  nguyen = win /wɪn/  ',
      'Siobhan = /ʃɪˈvɔːn/',
      '重庆 = [pinyin: chong2 qing4]',
      '好干净 = [hao4]干净',
      'New York = Noo Yawk',
      'C# = see sharp',
      'Xi = [py: xi2]',
    ].join('\r\n');
    expect(parseLexicon(text)).toEqual([
      { written: 'Hermione', respelling: 'her-MY-oh-nee' },
      { written: 'nguyen', respelling: 'win', phoneme: { alphabet: 'ipa', value: 'wɪn' } },
      { written: 'Siobhan', phoneme: { alphabet: 'ipa', value: 'ʃɪˈvɔːn' } },
      { written: '重庆', phoneme: { alphabet: 'py', value: 'chong2 qing4' } },
      { written: '好干净', respelling: '[hao4]干净' },
      { written: 'New York', respelling: 'Noo Yawk' },
      { written: 'C#', respelling: 'see sharp' },
      { written: 'Xi', phoneme: { alphabet: 'py', value: 'xi2' } },
    ]);
  });

  it('names the line of each mistake', () => {
    expect(errorOf(() => parseLexicon('# ok\nHermione = a\n\nno equals here')).message).toBe(
      'lexicon: line 4: expected "word = respelling", found no "="',
    );
    expect(errorOf(() => parseLexicon('a = b\n = c')).message).toBe('lexicon: line 2: nothing before the "="');
    expect(errorOf(() => parseLexicon('a = b\nc =   ')).message).toMatch(/^lexicon: line 2: "c" has nothing after the "="/);
    expect(errorOf(() => parseLexicon('x = [ipa:  ]')).message).toBe('lexicon: line 1: the ipa form is empty');
    expect(errorOf(() => parseLexicon('Anna = Ah-na\n\nAnna = Ann-a')).message).toBe('lexicon: line 3: "Anna" is already given on line 1');
  });

  it('names the field it was given', () => {
    expect(errorOf(() => parseLexicon('oops', 'LEXICON_FILE')).message).toMatch(/^LEXICON_FILE: line 1:/);
  });
});

const PLS = `<?xml version="1.0" encoding="UTF-8"?>
<lexicon version="1.0"
    xmlns="http://www.w3.org/2005/01/pronunciation-lexicon"
    alphabet="ipa" xml:lang="en-GB">
  <lexeme>
    <grapheme>Hermione</grapheme>
    <alias>her-MY-oh-nee</alias>
  </lexeme>
  <lexeme>
    <grapheme>tomato</grapheme>
    <grapheme>Tomato</grapheme>
    <phoneme>təˈmɑːtəʊ</phoneme>
  </lexeme>
  <lexeme>
    <grapheme>AT&amp;T</grapheme>
    <phoneme alphabet="x-sampa">eI ti: eI ti:</phoneme>
    <phoneme alphabet="x-sampa" prefer="true">{ t @n t</phoneme>
    <alias>A T and T</alias>
  </lexeme>
</lexicon>`;

describe('W3C PLS', () => {
  it('reads lexemes: every grapheme an entry, the alias as respelling, the phoneme in its alphabet', () => {
    expect(isPls(PLS)).toBe(true);
    expect(parseLexicon(PLS)).toEqual([
      { written: 'Hermione', respelling: 'her-MY-oh-nee' },
      { written: 'tomato', phoneme: { alphabet: 'ipa', value: 'təˈmɑːtəʊ' } },
      { written: 'Tomato', phoneme: { alphabet: 'ipa', value: 'təˈmɑːtəʊ' } },
      { written: 'AT&T', respelling: 'A T and T', phoneme: { alphabet: 'x-sampa', value: '{ t @n t' } },
    ]);
  });

  it('refuses XML that is not well-formed, with its line', () => {
    const broken = PLS.replace('</alias>\n  </lexeme>', '</alias>\n  </lexem>');
    expect(errorOf(() => parseLexicon(broken)).message).toMatch(/^lexicon: line 8: not well-formed XML: /);
  });

  it('refuses a lexeme without a grapheme or without a pronunciation, naming its line', () => {
    const noGrapheme = PLS.replace('<grapheme>Hermione</grapheme>', '');
    expect(errorOf(() => parseLexicon(noGrapheme)).message).toBe('lexicon: line 5 (lexeme 1): a <lexeme> needs a non-empty <grapheme>');
    const noPronunciation = PLS.replace('<phoneme>təˈmɑːtəʊ</phoneme>', '');
    expect(errorOf(() => parseLexicon(noPronunciation)).message).toBe(
      'lexicon: line 9 (lexeme 2): a <lexeme> needs a <phoneme> or an <alias>',
    );
  });

  it('refuses a DOCTYPE (entity expansion) and another version', () => {
    const doctype = PLS.replace('<lexicon', '<!DOCTYPE lexicon [<!ENTITY a "aaaa">]>\n<lexicon');
    expect(errorOf(() => parseLexicon(doctype)).message).toMatch(/DOCTYPE is refused/);
    expect(errorOf(() => parseLexicon(PLS.replace('version="1.0"\n', 'version="2.0"\n'))).message).toBe(
      'lexicon: PLS version "2.0": only 1.0 is read',
    );
  });
});

describe('limits', () => {
  it('refuses more than the entries one lexicon may have', () => {
    const lines = Array.from({ length: LEXICON_MAX_ENTRIES + 1 }, (_, index) => `w${index} = r`).join('\n');
    expect(errorOf(() => parseLexicon(lines)).message).toBe(
      `lexicon: the lexicon has ${LEXICON_MAX_ENTRIES + 1} entries, over the ${LEXICON_MAX_ENTRIES} one lexicon may have`,
    );
    expect(parseLexicon(Array.from({ length: LEXICON_MAX_ENTRIES }, (_, index) => `w${index} = r`).join('\n'))).toHaveLength(
      LEXICON_MAX_ENTRIES,
    );
  });

  it('refuses a text over 1 MiB before parsing it', () => {
    const big = `# ${'x'.repeat(LEXICON_MAX_BYTES)}`;
    expect(errorOf(() => parseLexicon(big)).message).toMatch(/^lexicon: the lexicon is \d+ bytes, over the 1048576 \(1 MiB\)/);
  });
});

describe('mergeLexicons', () => {
  it("keeps both, the render's entry winning for the same written form", () => {
    const defaults = parseLexicon('Anna = Ah-na\nBob = Bawb');
    const own = parseLexicon('Anna = Ann-a\nanna = ahh-na');
    expect(mergeLexicons(defaults, own)).toEqual([
      { written: 'Anna', respelling: 'Ann-a' },
      { written: 'anna', respelling: 'ahh-na' },
      { written: 'Bob', respelling: 'Bawb' },
    ]);
  });
});
