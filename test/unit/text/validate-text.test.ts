import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InputError } from '../../../src/errors/input-error.ts';
import { validateText } from '../../../src/text/validate-text.ts';

function refusal(text: string): InputError {
  try {
    validateText(text);
  } catch (error) {
    expect(error).toBeInstanceOf(InputError);
    return error as InputError;
  }
  throw new Error(`validateText accepted ${JSON.stringify(text)}`);
}

describe('validateText', () => {
  it('returns ordinary text unchanged', () => {
    const text = '第一章 开始\n\n\tHe said "hi" 👨‍👩‍👧 <break time=500> café.';
    expect(validateText(text)).toBe(text);
  });

  it('strips a leading BOM and turns CRLF and lone CR into LF', () => {
    expect(validateText('\uFEFFline one\r\nline two\rline three\n')).toBe('line one\nline two\nline three\n');
  });

  it('keeps a BOM that is not at the start (it is only whitespace there)', () => {
    expect(validateText('a\uFEFFb')).toBe('a\uFEFFb');
  });

  it.each([
    ['', 'empty'],
    ['   \n\t\r\n  ', 'whitespace only'],
    ['\uFEFF', 'a BOM only'],
    ['\u3000\u00A0', 'ideographic and no-break spaces only'],
  ])('refuses %j (%s) as empty', (text) => {
    const error = refusal(text);
    expect(error.field).toBe('text');
    expect(error.code).toBe('INPUT_INVALID');
    expect(error.message).toBe('text: text is empty');
  });

  it('names the code-unit offset of a lone high surrogate', () => {
    const error = refusal('abc\uD800def');
    expect(error.field).toBe('text');
    expect(error.message).toMatch(/lone surrogate U\+D800 at code-unit offset 3\b/);
    expect(error.value).toEqual({ offset: 3, codeUnit: 0xd800 });
  });

  it('names the offset of a lone low surrogate and of a reversed pair', () => {
    expect(refusal('ab😀\uDC00').message).toMatch(/U\+DC00 at code-unit offset 4\b/);
    expect(refusal('\uDC00\uD800').message).toMatch(/U\+DC00 at code-unit offset 0\b/);
    expect(refusal('x\uD83D').message).toMatch(/U\+D83D at code-unit offset 1\b/);
  });

  it('names the offset and code point of NUL and other C0 controls', () => {
    const nul = refusal('ab\u0000c');
    expect(nul.field).toBe('text');
    expect(nul.message).toMatch(/control character U\+0000 at code-unit offset 2\b/);
    expect(nul.value).toEqual({ offset: 2, codePoint: 0 });
    expect(refusal('\u001B[31mred').message).toMatch(/U\+001B at code-unit offset 0\b/);
    expect(refusal('page\u000Cbreak').message).toMatch(/U\+000C at code-unit offset 4\b/);
    expect(refusal('v\u000Btab').message).toMatch(/U\+000B at code-unit offset 1\b/);
  });

  it('gives offsets into the text as given, before the BOM is stripped', () => {
    expect(refusal('\uFEFFab\u0007').message).toMatch(/U\+0007 at code-unit offset 3\b/);
  });

  it('refuses any lone surrogate inserted anywhere, naming where', () => {
    fc.assert(
      fc.property(
        fc.array(fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }), { maxLength: 20 }),
        fc.nat(),
        fc.integer({ min: 0xd800, max: 0xdfff }),
        (graphemes, at, unit) => {
          const before = graphemes.slice(0, at % (graphemes.length + 1)).join('');
          const after = graphemes.slice(at % (graphemes.length + 1)).join('');
          // Between two ASCII letters the surrogate cannot pair with a neighbour.
          const error = refusal(`${before}x${String.fromCharCode(unit)}y${after}`);
          expect(error.message).toContain(`code-unit offset ${before.length + 1} `);
        },
      ),
      { numRuns: 200 },
    );
  });
});
