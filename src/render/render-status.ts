import type { Queue } from 'bullmq';
import { TERMINAL_STATUSES } from './render-record.ts';
import type { RenderState, RenderStore } from './render-store.ts';

/**
 * The render record, reconciled with its stitch job: a flow can fail in ways no processor saw
 * (a job stalled too often, a parent failed by its child), and status must show it.
 */
export async function getRenderStatus(store: RenderStore, stitchQueue: Queue, id: string): Promise<RenderState | null> {
  const state = await store.get(id);
  if (!state || TERMINAL_STATUSES.has(state.status)) return state;
  const job = await stitchQueue.getJob(id);
  if (!job) return state;
  const jobState = await job.getState();
  if (jobState === 'failed') {
    return { ...state, status: 'failed', error: state.error ?? job.failedReason ?? 'render failed' };
  }
  return state;
}

export interface Progress {
  segmentsDone: number;
  segmentsTotal: number;
  charsDone: number;
  charsTotal: number;
  cachedSegments: number;
  /** Seconds left at the rate so far, when it can be told. */
  etaSeconds?: number;
}

export function progressOf(state: RenderState, now: number = Date.now()): Progress {
  const progress: Progress = {
    segmentsDone: state.segmentsDone,
    segmentsTotal: state.spec.segmentCount,
    charsDone: state.charsDone,
    charsTotal: state.spec.characters,
    cachedSegments: state.cachedSegments,
  };
  const started = state.startedAt ? Date.parse(state.startedAt) : NaN;
  const elapsed = (now - started) / 1000;
  if (state.charsDone > 0 && elapsed > 0 && state.charsDone < state.spec.characters) {
    progress.etaSeconds = Math.round(((state.spec.characters - state.charsDone) * elapsed) / state.charsDone);
  }
  return progress;
}

/** A render's voice, audio format, output and times, shown alike by the API's render view and `tts-batch status`. */
export interface RenderBasics {
  voice: string;
  format: string;
  output: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
}

/** The fields in the order both views print them; a time not yet reached is left out. */
export function renderBasics(state: RenderState): RenderBasics {
  const { spec } = state;
  return {
    voice: spec.voice,
    // The output's format (what the render delivers); records from before delivery: the segments'.
    format: spec.delivery?.format ?? spec.audio.format,
    output: spec.output,
    createdAt: spec.createdAt,
    ...(state.startedAt ? { startedAt: state.startedAt } : {}),
    ...(state.finishedAt ? { finishedAt: state.finishedAt } : {}),
  };
}
