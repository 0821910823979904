import { describe, expect, it } from 'vitest';
import { MAX_BREAK_MS, readBreakTime } from '../../../src/text/break-time.ts';

describe('readBreakTime', () => {
  it.each([
    ['<break time=500>', 500],
    ['<break time="500">', 500],
    ['<break time="500ms"/>', 500],
    ["<break time='500ms' />", 500],
    ['<break time="1.5s">', 1500],
    ['<BREAK TIME=2S>', 2000],
    ['<break time=10000>', MAX_BREAK_MS],
    ['<break time="0.4ms">', undefined],
  ])('reads %s', (tag, ms) => {
    const time = readBreakTime(tag);
    if (ms === undefined) expect(time).toEqual({ problem: 'asks for no pause ("0.4ms")' });
    else expect(time).toEqual({ ms });
  });

  it.each([
    ['<break>', /has no time/],
    ['<break strength="strong">', /has no time/],
    ['<break time=abc>', /not a number of ms or s \("abc"\)/],
    ['<break time="500 minutes">', /not a number/],
    ['<break time=-5>', /not a number/],
    ['<break time=0>', /asks for no pause/],
    ['<break time=10001>', /10001 ms, more than the 10000 ms one tag may/],
    ['<break time="11s">', /11000 ms/],
  ])('refuses %s', (tag, problem) => {
    const time = readBreakTime(tag);
    expect('problem' in time && time.problem).toMatch(problem);
  });
});
