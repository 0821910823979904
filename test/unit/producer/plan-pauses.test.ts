import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { planRender } from '../../../src/producer/plan.ts';
import { SPEAKER_TURN_LINE } from '../../../src/providers/ai302/definition.ts';
import type { TextLimits } from '../../../src/providers/provider.ts';
import { countCodePoints } from '../../../src/text/count-units.ts';

/** Large enough that only the tags (and headings) cut these texts. */
const LIMITS: TextLimits = { targetUnits: 400, maxUnits: 600, count: countCodePoints };
const CUT = { breakTags: 'cut' } as const;

function texts(text: string) {
  return planRender(text, LIMITS, CUT).segments.map((s) => [s.text, s.pauseAfter?.ms ?? 0]);
}

describe("planRender with breakTags 'cut' (a provider that cannot pause)", () => {
  it('cuts at a tag in the middle, however short the segment, and gives its pause to the segment before', () => {
    const plan = planRender('Hi. <break time=800> The rest of the story follows here.', LIMITS, CUT);
    expect(plan.segments.map((s) => s.text)).toEqual(['Hi.', 'The rest of the story follows here.']);
    expect(plan.segments[0]?.pauseAfter).toEqual({ ms: 800, reason: 'break-tag' });
    expect(plan.segments[1]?.pauseAfter).toBeUndefined();
    expect(plan.pauseBefore).toBeUndefined();
    // The tag is neither text nor counted.
    expect(plan.characters).toBe(3 + 35);
  });

  it('gives a tag at the very end to the last segment', () => {
    expect(texts('The end.<break time="1.5s"/>\n')).toEqual([['The end.', 1500]]);
  });

  it('gives a tag before any word of the book to the plan as a leading pause', () => {
    const plan = planRender('  <break time="500ms"/>\nOnce upon a time.', LIMITS, CUT);
    expect(plan.pauseBefore).toEqual({ ms: 500, reason: 'break-tag' });
    expect(plan.segments.map((s) => [s.text, s.pauseAfter])).toEqual([['Once upon a time.', undefined]]);
  });

  it('adds up consecutive tags, with or without text-free space between them', () => {
    expect(texts('One.<break time=300><break time=200>\n\n <break time="0.5s"> Two.')).toEqual([
      ['One.', 1000],
      ['Two.', 0],
    ]);
  });

  it('leaves no tag in any segment of a long text and never crosses a chapter', () => {
    const sentence = 'A sentence of some length goes here. ';
    const text = `# One\n${sentence.repeat(30)}<break time=250>${sentence.repeat(30)}\n# Two\n<break time=400>${sentence.repeat(5)}`;
    const plan = planRender(text, LIMITS, CUT);
    expect(plan.segments.some((s) => s.text.includes('<break'))).toBe(false);
    expect(plan.segments.every((s) => s.units <= LIMITS.maxUnits)).toBe(true);
    const paused = plan.segments.filter((s) => s.pauseAfter !== undefined);
    // The second chapter's tag follows its heading: the heading line becomes a segment of its own.
    expect(paused.map((s) => [s.chapter, s.pauseAfter?.ms])).toEqual([
      [0, 250],
      [1, 400],
    ]);
    expect(paused[1]?.text).toBe('# Two');
    expect(plan.chapters.map((c) => c.title)).toEqual(['One', 'Two']);
  });

  it('cuts a chapter heading line at its tag and keeps the tag out of the title', () => {
    const plan = planRender('# Chapter 1 <break time=700>\nIt began at night.\n\nChapter 2: Home <break time=300>\nDawn.', LIMITS, CUT);
    expect(plan.chapters.map((c) => [c.title, c.firstSegment])).toEqual([
      ['Chapter 1', 0],
      ['Chapter 2: Home', 2],
    ]);
    expect(plan.segments.map((s) => [s.chapter, s.text, s.pauseAfter?.ms])).toEqual([
      [0, '# Chapter 1', 700],
      [0, 'It began at night.', undefined],
      [1, 'Chapter 2: Home', 300],
      [1, 'Dawn.', undefined],
    ]);
  });

  it.each([
    ['Hello.\nA <break time=abc> B', /^text: the pause tag <break time=abc> on line 2, column 3 has a time that is not a number/],
    ['<break>x', /on line 1, column 1 has no time; a tag is <break time=N> with N in milliseconds, or "Nms" or "Ns", from 1 ms to 10 s$/],
    ['x\n\ny <break time=0>', /on line 3, column 3 asks for no pause/],
    ['x <break time="30s">', /asks for 30000 ms, more than the 10000 ms one tag may/],
  ])('refuses a tag whose time is unreadable or out of range, in one line naming where: %j', (text, message) => {
    let error: unknown;
    try {
      planRender(text, LIMITS, CUT);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(message);
    expect((error as InputError).message).not.toContain('\n');
  });

  it('in a multi-speaker text, cuts at a tag between turns and refuses one inside a turn', () => {
    const turns = { ...CUT, turnLine: SPEAKER_TURN_LINE };
    const plan = planRender('[SPEAKER0] Hello there. <break time=600>\n[SPEAKER1] Hi.', LIMITS, turns);
    expect(plan.segments.map((s) => [s.text, s.pauseAfter?.ms])).toEqual([
      ['[SPEAKER0] Hello there.', 600],
      ['[SPEAKER1] Hi.', undefined],
    ]);
    expect(() => planRender('[SPEAKER0] Hello <break time=600> there.\n[SPEAKER1] Hi.', LIMITS, turns)).toThrow(
      /^text: the pause tag ending on line 1 falls inside a speaker turn/,
    );
  });

  it("changes nothing with 'keep' (the default): the tag stays whole in its segment", () => {
    const text = '# One <break time=700>\nHi. <break time=abc> There.';
    const kept = planRender(text, LIMITS);
    // The heading line is a segment of its own (issue 11 item 1); the tags stay in their segments.
    expect(kept.segments.map((s) => [s.text, s.pauseAfter])).toEqual([
      ['# One <break time=700>', undefined],
      ['Hi. <break time=abc> There.', undefined],
    ]);
    expect(planRender(text, LIMITS, { breakTags: 'keep' })).toEqual(kept);
  });
});
