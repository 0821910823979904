import { z } from 'zod';
import { RENDER_STATUSES } from '../render/render-record.ts';
import type { RenderEvent } from '../render/render-store.ts';

/** One message of the render-events channel, as the render store publishes it. */
const renderEventSchema = z.object({
  id: z.string(),
  status: z.enum(RENDER_STATUSES).optional(),
  segment: z.number().int().optional(),
  cached: z.boolean().optional(),
  chars: z.number().int().nonnegative().optional(),
});

/**
 * Reads one render-events message; undefined when it is not a render event. Every subscriber
 * (the API's event hub, each worker's render-end listener) reads the channel through this, so
 * none of them trusts a message another version of the project published.
 */
export function parseRenderEvent(message: string): RenderEvent | undefined {
  let parsed: z.infer<typeof renderEventSchema>;
  try {
    parsed = renderEventSchema.parse(JSON.parse(message));
  } catch {
    return undefined;
  }
  const { id, status, segment, cached, chars } = parsed;
  return {
    id,
    ...(status === undefined ? {} : { status }),
    ...(segment === undefined ? {} : { segment }),
    ...(cached === undefined ? {} : { cached }),
    ...(chars === undefined ? {} : { chars }),
  };
}
