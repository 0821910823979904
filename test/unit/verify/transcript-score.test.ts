import { describe, expect, it } from 'vitest';
import { numberReadings } from '../../../src/verify/number-words.ts';
import { scoreTranscript, transcriptWords } from '../../../src/verify/transcript-score.ts';

const readings = (token: string): string[] => numberReadings(token).map((words) => words.join(' '));

describe('transcriptWords', () => {
  it('drops markup and punctuation, lower-cases, splits hyphens and keeps apostrophes out', () => {
    expect(transcriptWords('“Well-known,” she said <break time="500ms"/> — it’s <emphasis>here</emphasis>!')).toEqual([
      'well',
      'known',
      'she',
      'said',
      'its',
      'here',
    ]);
  });

  it('reads digits as words: money, percent, ordinals, decimals, thousands', () => {
    expect(transcriptWords('$25 and 5% on the 3rd, 3.5 of 10,000 & more')).toEqual(
      'twenty five dollars and five percent on the third three point five of ten thousand and more'.split(' '),
    );
  });

  it('judges scripts written without spaces character by character', () => {
    expect(transcriptWords('你好，世界')).toEqual(['你', '好', '世', '界']);
  });
});

describe('numberReadings', () => {
  it('gives a year its year reading first and the cardinal after', () => {
    expect(readings('1999')).toEqual([
      'nineteen ninety nine',
      'one thousand nine hundred ninety nine',
      'one thousand nine hundred and ninety nine',
      'one nine nine nine',
    ]);
    expect(readings('1900')[0]).toBe('nineteen hundred');
    expect(readings('2005')[0]).toBe('two thousand five');
    expect(readings('2005')).toContain('twenty oh five');
    expect(readings('2024')[0]).toBe('twenty twenty four');
  });

  it('reads ordinals, decimals, big numbers and leading zeros', () => {
    expect(readings('21st')).toEqual(['twenty first']);
    expect(readings('12th')).toEqual(['twelfth']);
    expect(readings('40th')).toEqual(['fortieth']);
    expect(readings('100th')).toEqual(['one hundredth']);
    expect(readings('0.5')).toEqual(['zero point five', 'point five']);
    expect(readings('3.05')).toContain('three point oh five');
    expect(readings('1,234,567')[0]).toBe('one million two hundred thirty four thousand five hundred sixty seven');
    expect(readings('007')).toEqual(['zero zero seven', 'oh oh seven']);
    expect(readings('1234567890123456')).toEqual(['one two three four five six seven eight nine zero one two three four five six']);
  });
});

describe('scoreTranscript', () => {
  it('is 1 for the same words however numbers and punctuation are written, either way', () => {
    const same = { similarity: 1, substitutions: 0, deletions: 0, insertions: 0 };
    expect(
      scoreTranscript('In 1999, the village had 42 houses.', 'in nineteen ninety nine the village had forty two houses'),
    ).toMatchObject(same);
    expect(scoreTranscript('In nineteen ninety-nine she came 3rd.', 'in 1999 she came third')).toMatchObject(same);
    expect(scoreTranscript('one thousand nine hundred and ninety nine', '1999')).toMatchObject(same);
    expect(scoreTranscript('It cost $25.', 'it cost twenty five dollars')).toMatchObject(same);
    expect(scoreTranscript('Don’t stop <break time="1s"/> now!', 'dont stop now')).toMatchObject(same);
  });

  it('counts substitutions, deletions and insertions against the reference words', () => {
    expect(scoreTranscript('the cat sat on the mat', 'the cat sat on a mat')).toEqual({
      similarity: 0.8333,
      referenceWords: 6,
      hypothesisWords: 6,
      substitutions: 1,
      deletions: 0,
      insertions: 0,
    });
    expect(scoreTranscript('the cat sat on the mat', 'the cat sat')).toMatchObject({
      similarity: 0.5,
      deletions: 3,
      substitutions: 0,
      insertions: 0,
    });
    expect(scoreTranscript('the cat sat', 'the black cat sat down')).toMatchObject({ similarity: 0.3333, insertions: 2, deletions: 0 });
  });

  it('stays within [0, 1]', () => {
    expect(scoreTranscript('a b', 'x y z w v')).toMatchObject({ similarity: 0, substitutions: 2, insertions: 3 });
    expect(scoreTranscript('the cat sat', '')).toMatchObject({ similarity: 0, deletions: 3 });
    expect(scoreTranscript('<break time="2s"/>', '')).toMatchObject({ similarity: 1, referenceWords: 0 });
    expect(scoreTranscript('', 'noise')).toMatchObject({ similarity: 0, referenceWords: 0, insertions: 1 });
  });

  it('keeps the reading of each number that the other side used, so a wrong number still costs', () => {
    expect(scoreTranscript('Room 1999 is open.', 'room one nine nine nine is open').similarity).toBe(1);
    expect(scoreTranscript('It was 1999.', 'it was nineteen ninety eight')).toMatchObject({ substitutions: 1, similarity: 0.8 });
  });
});
