import type { RenderResult, RenderState } from '../render/render-store.ts';
import type { RenderStatus } from '../render/render-record.ts';
import type { WebhookEventType } from '../queue/webhook-queue.ts';

/** The JSON body POSTed to a render's webhook. */
export interface WebhookEvent {
  type: WebhookEventType;
  /** The render id. */
  id: string;
  status: RenderStatus;
  /** When the render ended (the same on every delivery attempt). */
  occurredAt: string;
  /** render.completed: where the audio and manifest are, duration, bytes, billed characters. */
  result?: RenderResult;
  /** render.failed: which segment or step failed, and why. */
  error?: string;
}

export function buildWebhookEvent(type: WebhookEventType, state: RenderState, now: Date = new Date()): WebhookEvent {
  return {
    type,
    id: state.spec.id,
    status: state.status,
    occurredAt: state.finishedAt ?? now.toISOString(),
    ...(type === 'render.completed' && state.result ? { result: state.result } : {}),
    ...(type === 'render.failed' && state.error !== undefined ? { error: state.error } : {}),
  };
}
