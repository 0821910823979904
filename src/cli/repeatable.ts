import { InputError } from '../errors/input-error.ts';

/** Commander collector for a flag that may be given several times, in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** `--blend VOICE=WEIGHT`: one extra voice of a blend, with its weight. */
export function blendEntry(value: string, previous: { voice: string; weight: number }[] | undefined): { voice: string; weight: number }[] {
  const match = /^([^=\s]+)=(.+)$/.exec(value.trim());
  const weight = match ? Number(match[2]) : NaN;
  if (!match?.[1] || !Number.isFinite(weight)) throw new InputError('blend', 'expected VOICE=WEIGHT, e.g. female_taimei=0.3', value);
  return [...(previous ?? []), { voice: match[1], weight }];
}
