import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { DEFAULT_MAX_TAKES, MAX_TAKES_LIMIT, parseQaRequest, summarizeQa } from '../../../src/verify/qa-record.ts';

describe('parseQaRequest', () => {
  it('defaults to on with the default takes; off asks for nothing', () => {
    expect(parseQaRequest(undefined, undefined)).toEqual({ mode: 'on', maxTakes: DEFAULT_MAX_TAKES });
    expect(parseQaRequest('strict', 3)).toEqual({ mode: 'strict', maxTakes: 3 });
    expect(parseQaRequest('off', undefined)).toBeUndefined();
  });

  it('refuses a bad mode or take count with one line naming the field and the limit', () => {
    expect(() => parseQaRequest('maybe', undefined)).toThrow(new InputError('qa', 'must be off, on, strict', 'maybe'));
    for (const bad of [0, MAX_TAKES_LIMIT + 1, 1.5]) {
      const error = (() => {
        try {
          parseQaRequest('on', bad);
        } catch (caught) {
          return caught;
        }
        return undefined;
      })();
      expect(error).toBeInstanceOf(InputError);
      expect((error as InputError).message).toBe(`maxTakes: must be a whole number from 1 to ${MAX_TAKES_LIMIT} (each take is billed)`);
    }
    expect(() => parseQaRequest('off', 3)).toThrow(/maxTakes: takes only count with qa on or strict/);
  });
});

describe('summarizeQa', () => {
  it('counts checked, retaken and flagged segments and what the retakes billed; a cached segment is not checked again', () => {
    const summary = summarizeQa('on', [
      { checked: true, takes: 1, keptTake: 1, flagged: false },
      { checked: true, takes: 2, keptTake: 2, flagged: false, retakeBilledCharacters: 40 },
      { checked: true, takes: 3, keptTake: 1, flagged: true, retakeBilledCharacters: 120 },
      { checked: false, takes: 0, flagged: true },
      undefined,
    ]);
    expect(summary).toEqual({ mode: 'on', checked: 3, retaken: 2, flagged: 2, retakes: 3, retakeBilledCharacters: 160 });
  });
});
