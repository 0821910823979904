import { describe, expect, it } from 'vitest';
import { planRender } from '../../../src/producer/plan.ts';
import { estimateDurationMs, HAN_PER_SECOND, OTHER_PER_SECOND, speechMs } from '../../../src/producer/estimate-duration.ts';
import { SENSEAUDIO_LIMITS } from '../../../src/providers/senseaudio/limits.ts';
import { DEFAULT_PAUSE_RULES } from '../../../src/text/pause-rules.ts';

describe('the duration estimate', () => {
  it('reads Han characters and everything else at their own rates, divided by the speed', () => {
    const han = '码头上已经挤满了等船的人';
    const latin = 'The harbour was still wrapped in fog.';
    expect(speechMs(han, 1)).toBeCloseTo(([...han].length / HAN_PER_SECOND) * 1000, 6);
    expect(speechMs(latin, 1)).toBeCloseTo((latin.length / OTHER_PER_SECOND) * 1000, 6);
    expect(speechMs(han + latin, 2)).toBeCloseTo((speechMs(han, 1) + speechMs(latin, 1)) / 2, 6);
  });

  it('adds a kept pause tag as its time, not as text', () => {
    expect(speechMs('One. <break time="1.5s"/>Two.', 1)).toBeCloseTo(speechMs('One. Two.', 1) + 1500, 6);
  });

  it("adds the plan's structural pauses", () => {
    const plan = planRender('# One\n\nA first paragraph.\n\nA second one.', SENSEAUDIO_LIMITS, {}, DEFAULT_PAUSE_RULES);
    const texts = plan.segments.map((segment) => segment.text);
    const speech = texts.reduce((sum, text) => sum + speechMs(text, 1), 0);
    const pauses = plan.segments.reduce((sum, segment) => sum + (segment.pauseAfter?.ms ?? 0), plan.pauseBefore?.ms ?? 0);
    expect(pauses).toBeGreaterThan(0);
    expect(estimateDurationMs(plan, texts)).toBe(Math.round(speech + pauses));
  });
});
