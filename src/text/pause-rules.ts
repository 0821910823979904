import { z } from 'zod';
import { InputError } from '../errors/input-error.ts';

/** The places the join can put silence by the book's structure (src/text/pause.ts names why). */
export const PAUSE_RULE_NAMES = ['sentence', 'paragraph', 'heading', 'chapter', 'head', 'tail'] as const;
export type PauseRuleName = (typeof PAUSE_RULE_NAMES)[number];

/** Milliseconds of silence at each kind of place. */
export type PauseRules = Record<PauseRuleName, number>;

/** The longest pause a rule may ask for: 10 s is already a long chapter gap (ACX's tail allows up to 5 s). */
export const MAX_RULE_MS = 10_000;

/**
 * The defaults, from audiobook practice (issue 11, shared/audio.md): 0.5–1 s between
 * paragraphs, a little more after a heading, 1–3 s before a chapter, 0.5–1 s of room at the
 * head and 1–5 s at the tail (ACX). A cut inside a paragraph adds nothing: the provider's own
 * sentence pause is there already. One object, so a profile can start from it and override.
 */
export const DEFAULT_PAUSE_RULES: Readonly<PauseRules> = Object.freeze({
  sentence: 0,
  paragraph: 750,
  heading: 900,
  chapter: 2000,
  head: 750,
  tail: 2000,
});

/** No structural pause anywhere: the join adds only what pause tags ask for. */
export const NO_PAUSES: Readonly<PauseRules> = Object.freeze({ sentence: 0, paragraph: 0, heading: 0, chapter: 0, head: 0, tail: 0 });

const ruleMs = z
  .number({ error: `must be a whole number of milliseconds from 0 to ${MAX_RULE_MS}` })
  .int(`must be a whole number of milliseconds from 0 to ${MAX_RULE_MS}`)
  .min(0, `must be a whole number of milliseconds from 0 to ${MAX_RULE_MS}`)
  .max(MAX_RULE_MS, `must be a whole number of milliseconds from 0 to ${MAX_RULE_MS}`);

/** Overrides as a user gives them: any subset of the rules, nothing else. */
export const pauseOverridesSchema = z.strictObject(
  Object.fromEntries(PAUSE_RULE_NAMES.map((name) => [name, ruleMs.optional()])) as {
    [K in PauseRuleName]: z.ZodOptional<typeof ruleMs>;
  },
);
export type PauseOverrides = Partial<PauseRules>;

/**
 * `base` with the user's overrides, checked by `pauseOverridesSchema`. Every bad key or value is
 * named in one line (`pauses: paragraph must be …, got "x"; unknown rule "pargraph" …`), so a
 * user fixes them all at once, and nothing is billed before.
 */
export function resolvePauseRules(field: string, overrides: unknown, base: Readonly<PauseRules> = DEFAULT_PAUSE_RULES): PauseRules {
  if (overrides === undefined) return { ...base };
  const parsed = pauseOverridesSchema.safeParse(overrides);
  if (parsed.success) {
    const given = Object.fromEntries(Object.entries(parsed.data).filter(([, ms]) => ms !== undefined));
    return { ...base, ...given };
  }
  const problems = parsed.error.issues.flatMap((issue) => {
    if (issue.code === 'unrecognized_keys') return issue.keys.map((key) => `unknown rule ${JSON.stringify(key)}`);
    const key = issue.path.join('.');
    if (key === '') return [`must be an object of rules (${PAUSE_RULE_NAMES.join(', ')})`];
    const value = (overrides as Record<string, unknown>)[key];
    return [`${key} ${issue.message}, got ${JSON.stringify(value)}`];
  });
  const unknownKey = parsed.error.issues.some((issue) => issue.code === 'unrecognized_keys');
  const known = unknownKey ? ` (rules: ${PAUSE_RULE_NAMES.join(', ')})` : '';
  throw new InputError(field, `${problems.join('; ')}${known}`, overrides);
}

/**
 * `paragraph=750,heading=900` (the CLI's `--pauses`) as overrides: values stay as given when they
 * are not numbers, so `resolvePauseRules` names them; a piece without `=` is its own problem.
 */
export function parsePauseList(list: string): Record<string, unknown> {
  const overrides: Record<string, unknown> = {};
  for (const piece of list.split(',')) {
    const trimmed = piece.trim();
    if (trimmed === '') continue;
    const equals = trimmed.indexOf('=');
    if (equals === -1) {
      throw new InputError('--pauses', `${JSON.stringify(trimmed)} is not RULE=MS (e.g. paragraph=750,chapter=2000)`, list);
    }
    const key = trimmed.slice(0, equals).trim();
    const text = trimmed.slice(equals + 1).trim();
    const ms = Number(text);
    overrides[key] = text !== '' && Number.isFinite(ms) ? ms : text;
  }
  return overrides;
}
