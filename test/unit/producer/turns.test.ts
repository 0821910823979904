import { describe, expect, it } from 'vitest';
import { InputError } from '../../../src/errors/input-error.ts';
import { countCodePoints } from '../../../src/text/count-units.ts';
import { planRender } from '../../../src/producer/plan.ts';
import { ai302Definition, SPEAKER_TURN_LINE } from '../../../src/providers/ai302/definition.ts';
import type { TextLimits } from '../../../src/providers/provider.ts';
import { seededRandom } from '../../support/seeded-random.ts';

const LIMITS: TextLimits = { targetUnits: 120, maxUnits: 200, count: countCodePoints };
const TURNS = { turnLine: SPEAKER_TURN_LINE };

const WORDS = [
  'the',
  'harbour',
  'lights',
  'were',
  'out,',
  'and',
  'nobody',
  'knew',
  'why.',
  'Listen',
  'to',
  'me',
  'now!',
  'maybe',
  'tomorrow?',
];

/** A dialogue of `count` turns whose lengths vary (some span two lines), from a seed. */
function dialogue(count: number, seed: number): { text: string; turns: string[] } {
  const random = seededRandom(seed);
  const turns: string[] = [];
  for (let i = 0; i < count; i++) {
    const words = Array.from({ length: 3 + Math.floor(random() * 18) }, () => WORDS[Math.floor(random() * WORDS.length)] ?? 'word');
    const body = random() < 0.3 && words.length > 4 ? `${words.slice(0, 4).join(' ')}\n${words.slice(4).join(' ')}` : words.join(' ');
    turns.push(`[SPEAKER${i % 2}] ${body}`);
  }
  return { text: turns.join('\n'), turns };
}

describe('planRender with speaker turns', () => {
  it('cuts only right before a turn line, packing whole turns greedily up to the target', () => {
    const { text, turns } = dialogue(60, 7);
    const plan = planRender(text, LIMITS, TURNS);
    // Every segment is a run of whole turns, in order, and together they are all turns once.
    const regrouped = plan.segments.flatMap((segment) => segment.text.split(/\n(?=\[SPEAKER\d+\])/));
    expect(regrouped).toEqual(turns);
    for (const [i, segment] of plan.segments.entries()) {
      expect(segment.text, `segment ${i} must open with a speaker tag`).toMatch(/^\[SPEAKER\d+\] /);
      const turnCount = segment.text.split(/\n(?=\[SPEAKER\d+\])/).length;
      if (turnCount > 1) expect(segment.units, `segment ${i} packs ${turnCount} turns`).toBeLessThanOrEqual(LIMITS.targetUnits);
      expect(segment.units).toBeLessThanOrEqual(LIMITS.maxUnits);
      expect(segment.units).toBe(countCodePoints(segment.text));
      // Greedy: the next segment's first turn would not have fitted into this one.
      const next = plan.segments[i + 1];
      if (next) {
        const firstTurnOfNext = next.text.split(/\n(?=\[SPEAKER\d+\])/)[0] ?? '';
        expect(countCodePoints(`${segment.text}\n${firstTurnOfNext}`), `segment ${i} stopped early`).toBeGreaterThan(LIMITS.targetUnits);
      }
    }
  });

  it('cuts inside turns when the text is not treated as dialogue (the contrast)', () => {
    const { text } = dialogue(60, 7);
    const plain = planRender(text, { targetUnits: 40, maxUnits: 60, count: countCodePoints });
    expect(plain.segments.some((segment) => !/^\[SPEAKER\d+\]/.test(segment.text))).toBe(true);
  });

  it('keeps a turn over the target but within the maximum whole, alone in its segment', () => {
    const long = `[SPEAKER1] ${'word '.repeat(34).trim()}`; // 180 code points
    const text = `[SPEAKER0] Short.\n${long}\n[SPEAKER0] Short again.`;
    const plan = planRender(text, LIMITS, TURNS);
    expect(plan.segments.map((segment) => segment.text)).toEqual(['[SPEAKER0] Short.', long, '[SPEAKER0] Short again.']);
  });

  it('refuses a turn longer than one request may carry, naming its line and the limit', () => {
    const text = [
      '[SPEAKER0] Hello there.',
      '[SPEAKER1] Hi.',
      'How are you?',
      `[SPEAKER0] ${'very '.repeat(50)}long.`,
      '[SPEAKER1] Oh.',
    ].join('\n');
    let error: unknown;
    try {
      planRender(text, LIMITS, TURNS);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(InputError);
    expect((error as InputError).message).toMatch(/speaker turn on line 4 counts \d+ units, more than the 200 one request may carry/);
    expect((error as InputError).value).toMatchObject({ line: 4, maxUnits: 200 });
  });

  it('counts lines in the text as given, blank lines and a preamble included', () => {
    const text = `A narrator's note before anyone speaks.\n\n[SPEAKER0] Fine.\n\n\n[SPEAKER1] ${'x'.repeat(250)}`;
    expect(() => planRender(text, LIMITS, TURNS)).toThrow(/line 6 /);
  });

  it('treats text before the first turn as a turn of its own and starts a new segment at each chapter', () => {
    const text = '# One\n\n[SPEAKER0] First.\n[SPEAKER1] Second.\n\n# Two\n\n[SPEAKER0] Third.';
    const plan = planRender(text, LIMITS, TURNS);
    expect(plan.chapters.map((chapter) => chapter.title)).toEqual(['One', 'Two']);
    expect(plan.segments.map((segment) => segment.text)).toEqual([
      '# One\n\n[SPEAKER0] First.\n[SPEAKER1] Second.',
      '# Two\n\n[SPEAKER0] Third.',
    ]);
  });

  it('is not thrown off by a global or sticky pattern (stateful RegExp.test)', () => {
    const { text } = dialogue(30, 3);
    const plain = planRender(text, LIMITS, TURNS);
    const global = planRender(text, LIMITS, { turnLine: /^\[SPEAKER\d+\]/gy });
    expect(global.segments.map((segment) => segment.text)).toEqual(plain.segments.map((segment) => segment.text));
  });
});

describe('ai302 plan options', () => {
  it('asks for turn splitting only when multiSpeaker is on', () => {
    expect(ai302Definition.planOptions?.({ multiSpeaker: true })).toEqual({ turnLine: SPEAKER_TURN_LINE });
    expect(ai302Definition.planOptions?.({ multiSpeaker: false })).toEqual({});
    expect(ai302Definition.planOptions?.({})).toEqual({});
  });
});
