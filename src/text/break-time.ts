/**
 * The longest pause one tag may ask for. A longer one is far more likely a slip (`time=500s` for
 * 500 ms) than a wish for a minute of silence in an audiobook, and would be inserted unseen.
 */
export const MAX_BREAK_MS = 10_000;

/** `time=500`, `time="500"`, `time='500ms'`, `time="1.5s"`: the value, quoted or not. */
const TIME_ATTRIBUTE = /\btime\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'/>]+))/iu;
/** A number and an optional unit; no unit means milliseconds (SenseAudio's tag). */
const TIME_VALUE = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s)?$/iu;

export type BreakTime = { ms: number } | { problem: string };

/**
 * The pause one `<break …>` tag asks for, in whole milliseconds, or why it cannot be read. The
 * rule the problem quotes: a time of N (milliseconds), "Nms" or "Ns", from 1 ms to 10 s.
 */
export function readBreakTime(tag: string): BreakTime {
  const attribute = TIME_ATTRIBUTE.exec(tag);
  if (attribute === null) return { problem: 'has no time' };
  const raw = (attribute[1] ?? attribute[2] ?? attribute[3] ?? '').trim();
  const value = TIME_VALUE.exec(raw);
  if (value === null) return { problem: `has a time that is not a number of ms or s (${JSON.stringify(raw)})` };
  const ms = Math.round(Number(value[1]) * (value[2]?.toLowerCase() === 's' ? 1000 : 1));
  if (ms <= 0) return { problem: `asks for no pause (${JSON.stringify(raw)})` };
  if (ms > MAX_BREAK_MS) return { problem: `asks for ${ms} ms, more than the ${MAX_BREAK_MS} ms one tag may` };
  return { ms };
}
