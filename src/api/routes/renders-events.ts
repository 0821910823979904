import { z } from 'zod';
import { assertRenderId } from '../../render/render-id.ts';
import { TERMINAL_STATUSES } from '../../render/render-record.ts';
import { getRenderStatus } from '../../render/render-status.ts';
import { waitingReason } from '../../render/waiting-reason.ts';
import type { RenderEvent, RenderState } from '../../render/render-store.ts';
import type { ApiContext } from '../api-context.ts';
import { BEARER_SECURITY, commonErrors, renderIdParams, type ApiApp } from '../api-app.ts';
import { errorBodySchema } from '../errors.ts';
import { renderNotFound } from '../http-error.ts';
import { renderView, type RenderView } from '../render-view.ts';
import { openEventStream, type EventStream } from '../sse-stream.ts';

const STREAM_DESCRIPTION = [
  'text/event-stream. First `snapshot` (the render as GET /v1/renders/{id} shows it), then one event per change:',
  '`progress` when another segment is done (with `segment`, its index) and `status` when the status moves;',
  '`waiting` when the reason it waits (field `waiting`, e.g. no worker with valid credentials) appears, changes or clears.',
  'The stream ends after the event that carries a final status (completed, failed, cancelled).',
  'Comment lines (": keep-alive") come every API_SSE_HEARTBEAT_MS.',
].join(' ');

/** GET /v1/renders/:id/events: server-sent events of a render's progress until it ends. */
export function rendersEventsRoute(app: ApiApp, ctx: ApiContext): void {
  app.get(
    '/renders/:id/events',
    {
      schema: {
        summary: 'Follow a render with server-sent events',
        tags: ['renders'],
        security: BEARER_SECURITY,
        params: renderIdParams,
        response: {
          200: { description: STREAM_DESCRIPTION, content: { 'text/event-stream': { schema: z.string() } } },
          ...commonErrors,
          404: errorBodySchema.describe('no such render'),
        },
      },
    },
    async (request, reply) => {
      const id = assertRenderId(request.params.id);
      if (!(await ctx.store.get(id))) throw renderNotFound(id);
      // Listen before the snapshot, so nothing that happens in between is missed.
      const early: RenderEvent[] = [];
      let deliver = (event: RenderEvent): void => void early.push(event);
      const unlisten = await ctx.events.listen(id, (event) => deliver(event));
      let snapshot: RenderState | null;
      let waiting: string | undefined;
      try {
        snapshot = await getRenderStatus(ctx.store, ctx.stitchQueue, id);
        if (!snapshot) throw renderNotFound(id);
        waiting = await waitingReason(ctx.redis, ctx.prefix, snapshot.spec.provider);
      } catch (error) {
        unlisten();
        throw error;
      }
      const stream = openEventStream(reply);
      const follower = new RenderFollower(ctx, id, stream, renderView(snapshot, Date.now(), waiting), (error) =>
        request.log.warn({ renderId: id, err: error instanceof Error ? error.message : String(error) }, 'event stream: could not read the render'),
      );
      ctx.streams.add(stream);
      const heartbeat = setInterval(() => follower.heartbeat(), ctx.config.API_SSE_HEARTBEAT_MS);
      stream.onClose(() => {
        clearInterval(heartbeat);
        unlisten();
        ctx.streams.delete(stream);
      });
      deliver = (event) => follower.onEvent(event);
      for (const event of early) follower.onEvent(event);
      return reply;
    },
  );
}

/**
 * Sends a render's changes in order: each trigger (a pub/sub message or a heartbeat) reads the
 * render afresh, one at a time, and an event goes out only when something moved. Re-reading
 * makes a missed or repeated message harmless, and the heartbeat also notices a render that
 * ended without an event (a flow failed by BullMQ itself).
 */
class RenderFollower {
  readonly #ctx: ApiContext;
  readonly #id: string;
  readonly #stream: EventStream;
  readonly #onReadError: (error: unknown) => void;
  #last: RenderView;
  #chain: Promise<void> = Promise.resolve();

  constructor(ctx: ApiContext, id: string, stream: EventStream, snapshot: RenderView, onReadError: (error: unknown) => void) {
    this.#ctx = ctx;
    this.#id = id;
    this.#stream = stream;
    this.#onReadError = onReadError;
    this.#last = snapshot;
    stream.send('snapshot', snapshot);
    if (TERMINAL_STATUSES.has(snapshot.status)) stream.end();
  }

  onEvent(event: RenderEvent): void {
    this.#then(async () => {
      const state = await this.#ctx.store.get(this.#id);
      if (state) this.#publish(renderView(state, Date.now(), this.#last.waiting), event.segment);
    });
  }

  heartbeat(): void {
    this.#stream.comment('keep-alive');
    this.#then(async () => {
      const state = await getRenderStatus(this.#ctx.store, this.#ctx.stitchQueue, this.#id);
      // The heartbeat is also when the workers' state is read again (it changes on their time).
      const waiting = state ? await waitingReason(this.#ctx.redis, this.#ctx.prefix, state.spec.provider) : undefined;
      if (state) this.#publish(renderView(state, Date.now(), waiting), undefined);
    });
  }

  #then(step: () => Promise<void>): void {
    this.#chain = this.#chain.then(async () => {
      if (this.#stream.closed) return;
      try {
        await step();
      } catch (error) {
        // Redis blinked: the next message or heartbeat reads again.
        this.#onReadError(error);
      }
    });
  }

  #publish(view: RenderView, segment: number | undefined): void {
    if (this.#stream.closed) return;
    if (view.status !== this.#last.status) {
      this.#stream.send('status', view);
    } else if (view.progress.segmentsDone !== this.#last.progress.segmentsDone) {
      this.#stream.send('progress', segment === undefined ? view : { ...view, segment });
    } else if (view.waiting !== this.#last.waiting) {
      this.#stream.send('waiting', view);
    } else {
      return;
    }
    this.#last = view;
    if (TERMINAL_STATUSES.has(view.status)) this.#stream.end();
  }
}
