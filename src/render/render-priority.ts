import { InputError } from '../errors/input-error.ts';

/** How fast a render advances against the others on its provider's queue (src/queue/fair-priority.ts). */
export const RENDER_PRIORITIES = ['high', 'normal', 'low'] as const;
export type RenderPriority = (typeof RENDER_PRIORITIES)[number];

/** `high`, `normal` or `low` as asked (CLI flag, API field); absent stays absent (normal). */
export function parseRenderPriority(asked: string | undefined): RenderPriority | undefined {
  if (asked === undefined) return undefined;
  if (!(RENDER_PRIORITIES as readonly string[]).includes(asked))
    throw new InputError('priority', `must be ${RENDER_PRIORITIES.join(', ')}`, asked);
  return asked as RenderPriority;
}
