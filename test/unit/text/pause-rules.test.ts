import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { DEFAULT_PAUSE_RULES, MAX_RULE_MS, parsePauseList, resolvePauseRules } from '../../../src/text/pause-rules.ts';

function problem(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return (error as InputError).message;
  }
  throw new Error('expected an InputError');
}

describe('pause rules', () => {
  it('has one documented default per place', () => {
    expect(DEFAULT_PAUSE_RULES).toEqual({ sentence: 0, paragraph: 750, heading: 900, chapter: 2000, head: 750, tail: 2000 });
    expect(MAX_RULE_MS).toBe(10_000);
  });

  it('overrides only the rules given', () => {
    expect(resolvePauseRules('pauses', undefined)).toEqual(DEFAULT_PAUSE_RULES);
    expect(resolvePauseRules('pauses', { chapter: 0, head: 10_000 })).toEqual({ ...DEFAULT_PAUSE_RULES, chapter: 0, head: 10_000 });
    expect(resolvePauseRules('--pauses', parsePauseList('paragraph=500, tail=3000,'))).toEqual({
      ...DEFAULT_PAUSE_RULES,
      paragraph: 500,
      tail: 3000,
    });
  });

  it('names every bad key and value in one line, with the range', () => {
    const message = problem(() => resolvePauseRules('--pauses', parsePauseList('paragraph=abc,chapter=20000,pargraph=5,head=-1,tail=1.5')));
    expect(message).toBe(
      '--pauses: paragraph must be a whole number of milliseconds from 0 to 10000, got "abc"; ' +
        'chapter must be a whole number of milliseconds from 0 to 10000, got 20000; ' +
        'head must be a whole number of milliseconds from 0 to 10000, got -1; ' +
        'tail must be a whole number of milliseconds from 0 to 10000, got 1.5; ' +
        'unknown rule "pargraph" (rules: sentence, paragraph, heading, chapter, head, tail)',
    );
    expect(problem(() => resolvePauseRules('pauses', [750]))).toBe(
      'pauses: must be an object of rules (sentence, paragraph, heading, chapter, head, tail)',
    );
    expect(problem(() => parsePauseList('paragraph'))).toBe('--pauses: "paragraph" is not RULE=MS (e.g. paragraph=750,chapter=2000)');
  });
});
