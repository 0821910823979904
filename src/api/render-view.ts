import { z } from 'zod';
import { RENDER_STATUSES } from '../render/render-record.ts';
import { progressOf, renderBasics } from '../render/render-status.ts';
import type { RenderState } from '../render/render-store.ts';
import { isWaitingStatus } from '../render/waiting-statuses.ts';

export const renderFailureSchema = z.object({
  message: z.string().describe('the whole reason, as stored'),
  stage: z.enum(['segment', 'stitch', 'render']).describe('where it failed'),
  segment: z.number().int().optional().describe('which segment, when a segment failed'),
  reason: z.string().describe('why, without the stage prefix'),
});

export const renderViewSchema = z.object({
  id: z.string(),
  status: z.enum(RENDER_STATUSES),
  title: z.string().optional(),
  provider: z.string(),
  model: z.string(),
  voice: z.string(),
  format: z.string(),
  output: z.string(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  progress: z.object({
    segmentsDone: z.number().int(),
    segmentsTotal: z.number().int(),
    charsDone: z.number().int(),
    charsTotal: z.number().int(),
    cachedSegments: z.number().int(),
    etaSeconds: z.number().optional().describe('at the rate so far, once it can be told'),
  }),
  result: z
    .object({
      location: z.string(),
      manifest: z.string(),
      durationMs: z.number(),
      bytes: z.number().int(),
      billedCharacters: z.number(),
      audioUrl: z.string().describe("this API's download route for the audio"),
    })
    .optional(),
  error: renderFailureSchema.optional(),
  waiting: z
    .string()
    .optional()
    .describe('why a queued, running or stitching render is not moving, e.g. "no worker with valid senseaudio credentials"'),
});
export type RenderView = z.infer<typeof renderViewSchema>;

export const renderPath = (id: string): string => `/v1/renders/${id}`;

/** A render as the API shows it: no text, no secrets (the webhook secret lives apart from the spec). */
export function renderView(state: RenderState, now: number = Date.now(), waiting?: string): RenderView {
  const { spec } = state;
  return {
    id: spec.id,
    status: state.status,
    ...(spec.title === undefined ? {} : { title: spec.title }),
    provider: spec.provider,
    model: spec.model,
    ...renderBasics(state),
    progress: progressOf(state, now),
    ...(state.result ? { result: { ...state.result, audioUrl: `${renderPath(spec.id)}/audio` } } : {}),
    ...(state.error ? { error: describeFailure(state.error) } : {}),
    ...(waiting !== undefined && isWaitingStatus(state.status) ? { waiting } : {}),
  };
}

/** The store keeps "segment N: reason" or "stitch: reason"; callers get the parts as fields. */
export function describeFailure(message: string): z.infer<typeof renderFailureSchema> {
  const segment = /^segment (\d+): ([\s\S]*)$/.exec(message);
  if (segment?.[1] !== undefined && segment[2] !== undefined) {
    return { message, stage: 'segment', segment: Number(segment[1]), reason: segment[2] };
  }
  const stitch = /^stitch: ([\s\S]*)$/.exec(message);
  if (stitch?.[1] !== undefined) return { message, stage: 'stitch', reason: stitch[1] };
  return { message, stage: 'render', reason: message };
}
